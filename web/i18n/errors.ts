import type { Lang } from './index.tsx';

// What a refusal from the server says, in the UI's language. The server answers every error with a code and a
// message in both languages; input errors also list each problem as a code with its numbers (details.issues),
// which are worded here, so a person never reads "Too small: expected string to have >=1 characters".

export interface Issue {
  path: string;
  code: string;
  minimum?: number;
  maximum?: number;
  origin?: string;
  message: string;
}

/** The fields people fill in, by the name the API gives them. */
const FIELDS: Record<string, { zh: string; en: string }> = {
  username: { zh: '用户名', en: 'user name' },
  displayName: { zh: '姓名', en: 'name' },
  password: { zh: '密码', en: 'password' },
  newPassword: { zh: '新密码', en: 'new password' },
  role: { zh: '角色', en: 'role' },
  areaId: { zh: '负责区域', en: 'area' },
  description: { zh: '情况说明', en: 'description' },
  note: { zh: '说明', en: 'note' },
  duplicateOf: { zh: '案件编号', en: 'case number' },
  name: { zh: '名称', en: 'name' },
  url: { zh: '地址', en: 'address' },
  q: { zh: '搜索内容', en: 'search' },
  category: { zh: '问题类别', en: 'category' },
  code: { zh: '编码', en: 'code' },
  active: { zh: '启用', en: 'active' },
  mustChangePassword: { zh: '要求改密', en: 'must change password' },
  phone: { zh: '电话', en: 'phone' },
  nameZh: { zh: '中文名', en: 'Chinese name' },
  nameEn: { zh: '英文名', en: 'English name' },
  kind: { zh: '类型', en: 'kind' },
  geometry: { zh: '图形', en: 'shape' },
  rerouted: { zh: '改派问题数', en: 'items rerouted' },
  deadlineHours: { zh: '整改时限(小时)', en: 'deadline (hours)' },
  deductionYuan: { zh: '扣款(元)', en: 'deduction (yuan)' },
  address: { zh: '地址', en: 'address' },
  knownDevice: { zh: '常用设备', en: 'known device' },
  file: { zh: '文件', en: 'file' },
  counts: { zh: '数量', en: 'counts' },
  imported: { zh: '导入数', en: 'imported' },
  alreadyThere: { zh: '已存在', en: 'already there' },
  format: { zh: '格式', en: 'format' },
  events: { zh: '事件', en: 'events' },
  crs: { zh: '坐标系', en: 'coordinate system' },
  by: { zh: '方式', en: 'by' },
  lastSeenAt: { zh: '最后活动', en: 'last seen' },
  secondFactor: { zh: '二次验证', en: 'second factor' },
  responsibleName: { zh: '负责人', en: 'responsible person' },
  responsiblePhone: { zh: '负责人电话', en: 'responsible phone' },
  timezone: { zh: '时区', en: 'time zone' },
  areaKm2: { zh: '面积(平方千米)', en: 'area (km²)' },
  feature: { zh: '要素', en: 'feature' },
  inserted: { zh: '新增', en: 'added' },
  updated: { zh: '更新', en: 'updated' },
  codes: { zh: '编码', en: 'codes' },
  replaced: { zh: '替换', en: 'replaced' },
  scorePoints: { zh: '扣分', en: 'points' },
  sameDay: { zh: '日产日清', en: 'same day' },
  duplicateRadiusM: { zh: '重复判定半径(米)', en: 'duplicate radius (m)' },
  color: { zh: '颜色', en: 'colour' },
  sortOrder: { zh: '排序', en: 'order' },
  dayEndings: { zh: '逢几赶集', en: 'day endings' },
  days: { zh: '日期', en: 'days' },
};

/** A field's name in the UI's language (the API's own name when it has none). */
export function fieldLabel(key: string, lang: Lang): string {
  const f = FIELDS[key];
  return f ? (lang === 'en' ? f.en : f.zh) : key;
}

const CJK = /[\u4e00-\u9fff]/;

/** The half of a bilingual message ("中文。English.") in the language asked for. */
export function bilingualPart(message: string, lang: Lang): string {
  const m = /^([\x20-\x7e]*?[:：])?([\s\S]*?。)\s*([\s\S]+)$/.exec(message);
  if (!m || !CJK.test(m[2]!) || !/[A-Za-z]/.test(m[3]!)) return message;
  const prefix = m[1] ?? '';
  return lang === 'en' ? `${prefix ? `${prefix.replace(/[:：]$/, '')}: ` : ''}${m[3]!.trim()}` : `${prefix}${m[2]}`;
}

/** One input problem in words. */
export function issueText(i: Issue, lang: Lang): string {
  const f = FIELDS[i.path.split('.').pop() ?? ''];
  const field = f ? (lang === 'en' ? f.en : f.zh) : lang === 'en' ? i.path || 'the form' : i.path ? `“${i.path}”` : '表单';
  const text = i.origin === 'string' || i.origin === undefined;
  // a message the server wrote for people (in both languages) says more than a generic one
  if (CJK.test(i.message)) return bilingualPart(i.message, lang);
  switch (i.code) {
    case 'too_small':
      if (i.minimum === 1 && text) return lang === 'en' ? `Fill in the ${field}.` : `请填写${field}。`;
      return lang === 'en'
        ? `The ${field} needs at least ${i.minimum}${text ? ' characters' : ''}.`
        : `${field}至少需要 ${i.minimum}${text ? ' 个字' : ''}。`;
    case 'too_big':
      return lang === 'en'
        ? `The ${field} can have at most ${i.maximum}${text ? ' characters' : ''}.`
        : `${field}最多 ${i.maximum}${text ? ' 个字' : ''}。`;
    case 'invalid_type':
      return lang === 'en' ? `The ${field} is missing or of the wrong kind.` : `${field}未填写或格式不对。`;
    case 'invalid_value':
      return lang === 'en' ? `Pick one of the choices for the ${field}.` : `请从选项中选择${field}。`;
    case 'invalid_format':
      return lang === 'en' ? `The ${field} is not in the right form.` : `${field}的格式不对。`;
    default:
      return lang === 'en' ? `The ${field} is not accepted.` : `${field}填写有误。`;
  }
}

/** Any failure as one sentence for the person in front of the screen. */
export function errorText(e: unknown, lang: Lang): string {
  const f = e as { code?: string; message?: string; details?: { issues?: Issue[] } } | null;
  if (!f) return lang === 'en' ? 'Something went wrong.' : '出错了。';
  if (f.code === 'network') return lang === 'en' ? 'No connection to the server. Try again when the signal is back.' : '连不上服务器,请在信号恢复后重试。';
  const issues = f.details?.issues;
  if (f.code === 'invalid_input' && Array.isArray(issues) && issues.length) return issues.map((i) => issueText(i, lang)).join(' ');
  return bilingualPart(typeof e === 'string' ? e : (f.message ?? String(e)), lang);
}

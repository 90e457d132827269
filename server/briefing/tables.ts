import { TREND_NAMES } from '../domain/emerging-names.ts';
import type { BriefingData, Headline, PlaceWords } from './types.ts';
import { localDateTime } from '../domain/calendar.ts';
import { toCsv } from '../exchange/csv.ts';

// The briefing's tables, defined once and drawn by the page, the PDF, the CSV and the workbook.

export interface Table {
  key: string;
  title: string;
  headers: string[];
  rows: (string | number)[][];
  /** Columns holding identifiers: text even when every character is a digit. */
  idColumns?: number[];
}

const pct = (v: number | null) => (v === null ? '—' : `${Math.round(v * 1000) / 10}%`);
const num = (v: number | null) => (v === null ? '—' : v);
const change = (cur: number | null, prev: number | null) =>
  cur === null || prev === null ? '—' : cur - prev === 0 ? '持平' : `${cur - prev > 0 ? '+' : ''}${Math.round((cur - prev) * 10) / 10}`;
export const placeText = (p: PlaceWords) => [p.zone, p.village, p.near ? `${p.near}附近` : null].filter(Boolean).join(' · ') || '—';

export const HEADLINE_ROWS: [keyof Headline, string, (v: any) => string | number][] = [
  ['newReports', '新增问题', num],
  ['closed', '销号', num],
  ['closureRate', '本周问题当周销号率', pct],
  ['medianHoursToClose', '销号用时中位数(小时)', num],
  ['overdue', '逾期未整改(周末)', num],
  ['recurrences', '反复出现', num],
];

export function briefingTables(d: BriefingData): Table[] {
  const tz = d.township.timezone;
  return [
    {
      key: 'headline',
      title: '主要指标',
      headers: ['指标', '本周', '上周', '变化'],
      rows: HEADLINE_ROWS.map(([k, label, f]) => {
        const cur = d.headline.current[k] as number | null;
        const prev = d.headline.previous[k] as number | null;
        return [label, f(cur), f(prev), k === 'closureRate' ? (cur === null || prev === null ? '—' : `${change(cur * 100, prev * 100)}个百分点`) : change(cur, prev)];
      }),
    },
    {
      key: 'categories',
      title: '分类统计',
      headers: ['类别', '本周', '上周', '逾期未整改'],
      rows: d.byCategory.filter((c) => c.count || c.previous || c.overdue).map((c) => [c.nameZh, c.count, c.previous, c.overdue]),
    },
    {
      key: 'areas',
      title: '保洁区与村(社区)排名',
      headers: ['区域', '责任人', '本周问题', '上周', '逾期未整改', '本周扣款(元)', '本周得分'],
      rows: d.byArea.map((a) => [a.nameZh, a.responsible ?? '—', a.count, a.previous, a.overdue, a.deductionYuan, a.score]),
    },
    {
      key: 'hotspots',
      title: '本周热点',
      headers: ['位置', '问题数', '最高z值', '置信度', '连续热点周数', '责任人'],
      rows: d.hotSpots.map((h) => [placeText(h.place), h.reports, h.maxZ, `${h.confidence}%`, h.weeksHot, h.responsible ?? '—']),
    },
    {
      key: 'emerging',
      title: '热点趋势(近12周)',
      headers: ['位置', '类别', '热点周数', '问题数', '走势', '责任人'],
      rows: (d.emerging ?? []).map((e) => [placeText(e.place), e.categoryZh, `${e.hotWeeks}/${e.weeks}`, e.reports, TREND_NAMES[e.trend].zh, e.responsible ?? '—']),
    },
    {
      key: 'chronic',
      title: '顽固点位(近12周)',
      headers: ['位置', '主要问题', '问题数', '出现周数'],
      rows: d.chronic.map((c) => [placeText(c.place), c.categoryZh, c.count, `${c.weeksActive}/${c.weeks}`]),
    },
    {
      key: 'overdue',
      title: d.headline.current.overdue > d.overdue.length ? `逾期未整改清单(逾期最久的${d.overdue.length}件,共${d.headline.current.overdue}件)` : '逾期未整改清单',
      headers: ['案件编号', '类别', '位置', '责任人', '整改期限', '逾期天数'],
      idColumns: [0],
      rows: d.overdue.map((o) => [o.caseNo ?? o.id.slice(0, 8), o.categoryZh, placeText(o.place), o.responsible ?? '—', localDateTime(o.deadlineAt, tz), o.daysOverdue]),
    },
    {
      key: 'recurrences',
      title: '反复出现清单',
      headers: ['案件编号', '类别', '位置', '发现时间', '此前问题'],
      idColumns: [0, 4],
      rows: d.recurrences.map((r) => [r.caseNo ?? r.id.slice(0, 8), r.categoryZh, placeText(r.place), localDateTime(r.observedAt, tz), r.recurrenceOfCase ?? r.recurrenceOf.slice(0, 8)]),
    },
    {
      key: 'focus',
      title: '下周工作重点',
      headers: ['依据', '建议'],
      rows: d.focus.map((f) => [f.rule, f.text]),
    },
  ];
}

export function briefingCsv(d: BriefingData): string {
  const tables = briefingTables(d);
  const width = Math.max(...tables.map((t) => t.headers.length));
  const rows: (string | number)[][] = [[`${d.township.nameZh}创文卫生热点周报`, `${d.week}`, `${d.from} 至 ${d.to}`]];
  for (const t of tables) {
    rows.push([]);
    rows.push([t.title]);
    rows.push(t.headers);
    rows.push(...t.rows);
  }
  return toCsv(rows[0]!.map(String).concat(new Array(Math.max(0, width - 3)).fill('')), rows.slice(1));
}

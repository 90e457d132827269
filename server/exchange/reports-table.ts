import { createHash } from 'node:crypto';
import { REPORT_STATUSES, type ReportStatus } from '../domain/reports.ts';
import { gcj02ToWgs84 } from '../domain/coords.ts';
import { localWallClockUtc } from '../domain/calendar.ts';

// Reports as a table (CSV, XLSX) and as GeoJSON features, both ways: the columns we write, the columns we read
// (by their Chinese or English names), and what is wrong with a row, in words for the office.

export const REPORT_COLUMNS = [
  ['id', '编号'],
  // written for people; an import gives each item its own township's next number
  ['case_no', '案件编号'],
  ['category', '类别代码'],
  ['category_name', '类别'],
  ['status', '状态代码'],
  ['status_name', '状态'],
  ['lon', '经度'],
  ['lat', '纬度'],
  ['observed_at', '发现时间'],
  ['description', '描述'],
  ['zone', '保洁区'],
  ['village', '村(社区)'],
  ['responsible', '责任区域'],
  ['deadline_at', '整改期限'],
  ['closed_at', '销号时间'],
  ['source', '来源'],
  ['media_url', '照片链接'],
] as const;

export type ReportColumn = (typeof REPORT_COLUMNS)[number][0];

/** The header we write: "经度 lon", readable by people and by the importer. */
export const headerOf = (key: ReportColumn) => {
  const zh = REPORT_COLUMNS.find(([k]) => k === key)![1];
  return `${zh} ${key}`;
};

const ALIASES: Record<string, ReportColumn> = {
  longitude: 'lon', lng: 'lon', long: 'lon', x: 'lon',
  latitude: 'lat', y: 'lat',
  time: 'observed_at', observed: 'observed_at', observedat: 'observed_at', 时间: 'observed_at', 日期: 'observed_at', 上报时间: 'observed_at',
  类型: 'category_name', 问题类型: 'category_name', 问题类别: 'category_name',
  问题描述: 'description', 备注: 'description',
  mediaurl: 'media_url',
};

/** Which column a header names: "经度 lon", "经度", "lon", "Longitude" all name lon. */
export function columnOf(header: string): ReportColumn | null {
  const h = header.trim().toLowerCase().replace(/[\s_()()]+/g, ' ').trim();
  for (const [key, zh] of REPORT_COLUMNS) {
    const k = key.replace(/_/g, ' ');
    if (h === k || h === zh.toLowerCase().replace(/[()()]/g, ' ').trim() || h === `${zh} ${k}`.toLowerCase().replace(/[()()]/g, ' ').replace(/\s+/g, ' ').trim() || h.endsWith(` ${k}`)) return key;
  }
  return ALIASES[h.replace(/\s+/g, '')] ?? null;
}

export interface ImportRow {
  /** 1-based line (CSV/XLSX: the sheet row, header = 1; GeoJSON: the feature number). */
  line: number;
  id?: string | undefined;
  category?: string | undefined;
  categoryName?: string | undefined;
  status?: string | undefined;
  lon?: unknown;
  lat?: unknown;
  observedAt?: string | undefined;
  description?: string | undefined;
  mediaUrl?: string | undefined;
}

/**
 * A spreadsheet's date cell holds a wall-clock time with no zone (the reader hands it over as that time in UTC):
 * written back as the wall clock, so it is read in the township's zone like any typed date.
 */
const wallClock = (d: Date) => d.toISOString().slice(0, 19).replace('T', ' ');

const text = (v: unknown): string | undefined => {
  if (v === null || v === undefined) return undefined;
  if (v instanceof Date) return wallClock(v);
  let s = String(v).trim();
  // Undo the guard our exports put before text that looks like a formula.
  if (/^'[=+\-@]/.test(s)) s = s.slice(1);
  return s === '' ? undefined : s;
};

/** Table rows (first row the header) into import rows; unknown columns are ignored. */
export function rowsFromTable(table: readonly (readonly unknown[])[]): { rows: ImportRow[]; columns: (ReportColumn | null)[] } {
  const [header = [], ...body] = table;
  const columns = header.map((h) => columnOf(String(h ?? '')));
  const rows = body.map((cells, i) => {
    const get = (k: ReportColumn) => {
      const at = columns.indexOf(k);
      return at < 0 ? undefined : cells[at];
    };
    return {
      line: i + 2,
      id: text(get('id')),
      category: text(get('category')),
      categoryName: text(get('category_name')),
      status: text(get('status')),
      lon: get('lon'),
      lat: get('lat'),
      observedAt: text(get('observed_at')),
      description: text(get('description')),
      mediaUrl: text(get('media_url')),
    };
  });
  return { rows, columns };
}

/** GeoJSON Point features into import rows. */
export function rowsFromGeoJson(doc: unknown): ImportRow[] {
  const fc = doc as { type?: string; features?: unknown[] };
  if (!fc || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) throw new Error('GeoJSON: expected a FeatureCollection.');
  return fc.features.map((f, i) => {
    const feat = f as { id?: unknown; geometry?: { type?: string; coordinates?: unknown[] }; properties?: Record<string, unknown> };
    const p = feat.properties ?? {};
    const point = feat.geometry?.type === 'Point' ? feat.geometry.coordinates ?? [] : [];
    return {
      line: i + 1,
      id: text(feat.id ?? p.id),
      category: text(p.category),
      categoryName: text(p.categoryName ?? p.category_name),
      status: text(p.status),
      lon: feat.geometry?.type === 'Point' ? point[0] : Number.NaN,
      lat: feat.geometry?.type === 'Point' ? point[1] : Number.NaN,
      observedAt: text(p.observedAt ?? p.observed_at),
      description: text(p.description),
      mediaUrl: text(p.mediaUrl ?? p.media_url),
    };
  });
}

/**
 * The id of a row that has none: derived from what it says (RFC 9562 version 8), so importing the same file twice
 * finds its reports already there instead of doubling them.
 */
export function rowId(townshipId: string, r: ImportRow): string {
  const h = createHash('sha256')
    .update([townshipId, r.category ?? r.categoryName ?? '', String(r.lon), String(r.lat), r.observedAt ?? '', r.description ?? ''].join('\u0000'))
    .digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface RowCheckContext {
  townshipId: string;
  /** category code → names */
  categories: ReadonlyMap<string, { nameZh: string; nameEn: string }>;
  /** The township contains the point. */
  inside(lon: number, lat: number): boolean;
  now: Date;
  /** The township's zone, in which times without an offset are read. */
  timeZone: string;
}

export interface CheckedRow {
  line: number;
  problems: string[];
  value?: { id: string; category: string; lon: number; lat: number; observedAt: string; status: ReportStatus; description?: string | undefined; mediaUrl?: string | undefined };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const STATUS_BY_NAME: Record<string, ReportStatus> = { 已上报: 'reported', 已通知整改: 'notified', 已整改待复查: 'rectified', 已销号: 'closed', 不予受理: 'rejected', 重复问题: 'duplicate' };

const toNumber = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v.trim()) : Number.NaN);

/** What is wrong with one row, in words; a row without problems carries the value to import. */
/** Excel's day numbers: days since 1899-12-30 (its 1900 leap-year mistake included), fractions the time of day. */
const EXCEL_EPOCH = Date.UTC(1899, 11, 30);

/**
 * A time as people type it or spreadsheets store it, in the township's zone unless it says its own offset:
 * ISO 8601 with an offset or Z as given; 2026-11-29 08:30, 2026/11/29 8:30(:00), 2026-11-29 (midnight), and
 * Excel's day numbers (46355.354…) as local time. Null when it is none of these.
 */
export function readLocalTime(s: string, timeZone: string): number | null {
  const t = s.trim();
  if (/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})$/i.test(t)) {
    const ms = Date.parse(t);
    return Number.isFinite(ms) ? ms : null;
  }
  const m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/.exec(t);
  if (m) {
    const [y, mo, d, h = '0', mi = '0', sec = '0'] = m.slice(1);
    const parts = [Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(sec)] as const;
    const check = new Date(Date.UTC(parts[0], parts[1] - 1, parts[2], parts[3], parts[4], parts[5]));
    // 2026-02-30 or 25:00 are not dates
    if (check.getUTCMonth() !== parts[1] - 1 || check.getUTCDate() !== parts[2] || parts[3] > 23 || parts[4] > 59 || parts[5] > 59) return null;
    return localWallClockUtc(...parts, timeZone);
  }
  if (/^\d{5}(\.\d+)?$/.test(t)) {
    const serial = Number(t);
    if (serial < 20_000 || serial > 80_000) return null;
    const wall = new Date(EXCEL_EPOCH + Math.round(serial * 86_400_000));
    return localWallClockUtc(wall.getUTCFullYear(), wall.getUTCMonth() + 1, wall.getUTCDate(), wall.getUTCHours(), wall.getUTCMinutes(), wall.getUTCSeconds(), timeZone);
  }
  return null;
}

export function checkReportRow(row: ImportRow, ctx: RowCheckContext): CheckedRow {
  const problems: string[] = [];
  const lon = toNumber(row.lon);
  const lat = toNumber(row.lat);
  if (!Number.isFinite(lon) || !Number.isFinite(lat)) {
    problems.push(`坐标不是数字(经度 ${String(row.lon ?? '空')},纬度 ${String(row.lat ?? '空')})。The coordinates are not numbers.`);
  } else if (Math.abs(lat) <= 180 && Math.abs(lon) <= 90 && !ctx.inside(lon, lat) && ctx.inside(lat, lon)) {
    problems.push(`经度和纬度似乎填反了(${lon}, ${lat})。Longitude and latitude look swapped.`);
  } else if (Math.abs(lon) > 180 || Math.abs(lat) > 90) {
    problems.push(`坐标(${lon}, ${lat})超出经纬度范围,像是投影坐标(米),请换算为WGS84经纬度。The coordinates look like projected metres, not WGS84 degrees.`);
  } else if (!ctx.inside(lon, lat)) {
    const [wl, wt] = gcj02ToWgs84(lon, lat);
    if (ctx.inside(wl, wt)) problems.push(`坐标(${lon}, ${lat})在镇界外,但按GCJ-02(高德/腾讯坐标)换算后在镇内:请先转换为WGS84。The point looks like GCJ-02 (Amap) coordinates; convert to WGS84.`);
    else problems.push(`坐标(${lon}, ${lat})不在本镇范围内。The point lies outside the township.`);
  }
  // A category column may hold the code or the name, Chinese or English, whichever its header says.
  const byCodeOrName = (v: string | undefined) =>
    v === undefined ? undefined : ctx.categories.has(v) ? v : [...ctx.categories].find(([code, n]) => code === v.toLowerCase() || n.nameZh === v || n.nameEn.toLowerCase() === v.toLowerCase())?.[0];
  let category = byCodeOrName(row.category) ?? byCodeOrName(row.categoryName) ?? row.category;
  if (!category) problems.push(`未知类别“${row.categoryName ?? row.category ?? '空'}”。Unknown category; use one of: ${[...ctx.categories.keys()].join(', ')}.`);
  else if (!ctx.categories.has(category)) problems.push(`未知类别代码“${category}”。Unknown category code; use one of: ${[...ctx.categories.keys()].join(', ')}.`);
  let observedAt = ctx.now.toISOString();
  if (row.observedAt) {
    const t = readLocalTime(row.observedAt, ctx.timeZone) ?? Number.NaN;
    if (!Number.isFinite(t)) problems.push(`时间“${row.observedAt}”无法识别,请用 2026-11-29 08:30 或 ISO 8601。The time cannot be read.`);
    else if (t > ctx.now.getTime() + 5 * 60_000) problems.push(`时间“${row.observedAt}”在未来。The time is in the future.`);
    else observedAt = new Date(t).toISOString();
  }
  let status: ReportStatus = 'reported';
  if (row.status) {
    const s = (STATUS_BY_NAME[row.status] ?? row.status) as ReportStatus;
    if (!REPORT_STATUSES.includes(s)) problems.push(`未知状态“${row.status}”。Unknown status; use one of: ${REPORT_STATUSES.join(', ')}.`);
    else status = s;
  }
  if (row.id && !UUID.test(row.id)) problems.push(`编号“${row.id.slice(0, 40)}”不是有效的UUID。The id is not a UUID.`);
  if (row.description && row.description.length > 2000) problems.push('描述超过2000字。The description is longer than 2000 characters.');
  if (row.mediaUrl && !/^https?:\/\/\S+$/.test(row.mediaUrl)) problems.push('照片链接不是 http(s) 网址。The photo link is not an http(s) URL.');
  if (problems.length) return { line: row.line, problems };
  return {
    line: row.line,
    problems,
    value: { id: row.id?.toLowerCase() ?? rowId(ctx.townshipId, row), category: category!, lon, lat, observedAt, status, description: row.description, mediaUrl: row.mediaUrl },
  };
}

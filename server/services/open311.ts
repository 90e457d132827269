import type { Deps } from './context.ts';
import { currentTownship } from './context.ts';
import { AppError } from './errors.ts';
import { createReport } from './reports.ts';
import { namedPlaces } from './analysis.ts';
import { listCategories } from '../store/categories.ts';
import { listUsers } from '../store/users.ts';
import { listReportEvents, type ReportRow } from '../store/reports.ts';
import { queryReports } from '../store/report-query.ts';
import { listAreas } from '../store/areas.ts';
import { findTownshipByCode, type TownshipRow } from '../store/townships.ts';
import { isoWithOffset } from '../domain/calendar.ts';
import { nearestPlace, type NamedPlace } from '../analysis/patterns.ts';
import { gcj02ToWgs84 } from '../domain/coords.ts';
import { OPEN_STATUSES, type ReportStatus } from '../domain/reports.ts';

// Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2): the township's categories as services, its reports
// as service requests, in the spec's field names and formats.

export interface Open311Service {
  service_code: string;
  service_name: string;
  description: string;
  metadata: boolean;
  type: 'realtime';
  keywords: string;
  group: string;
}

export interface Open311Request {
  service_request_id: string;
  status: 'open' | 'closed';
  status_notes: string | null;
  service_name: string;
  service_code: string;
  description: string | null;
  agency_responsible: string | null;
  service_notice: string | null;
  requested_datetime: string;
  updated_datetime: string;
  expected_datetime: string | null;
  address: string | null;
  address_id: string | null;
  zipcode: string | null;
  lat: number;
  long: number;
  media_url: string | null;
}

const OPEN: readonly ReportStatus[] = OPEN_STATUSES;
const CLOSED: readonly ReportStatus[] = ['closed', 'rejected', 'duplicate'];
const STATUS_NOTE: Record<ReportStatus, string> = {
  reported: '已上报,等待派单。Reported, waiting to be dispatched.',
  notified: '已通知责任人整改。The responsible party has been told to rectify.',
  rectified: '已整改,等待复查。Rectified, waiting for re-inspection.',
  closed: '已复查销号。Verified and closed.',
  rejected: '不予受理。Not accepted.',
  duplicate: '与已有问题重复,已合并。A duplicate of an existing item, merged.',
};

/** The township a jurisdiction_id names (its code), or null. */
export async function townshipOfJurisdiction(deps: Deps, code: string): Promise<TownshipRow | null> {
  if (!/^[A-Za-z0-9_-]{1,60}$/.test(code)) return null;
  return (await findTownshipByCode(deps.store.db, code)) ?? null;
}

/** The spec's discovery document: where the endpoint is, its formats, and who to ask for a key. */
export function open311Discovery(deps: Deps, origin: string) {
  const base = deps.options.publicUrl ?? origin;
  return {
    changeset: '2026-12-02T00:00:00+08:00',
    contact: '镇创建办(创文办)。The township campaign office.',
    key_service: '向镇管理员申请 api_key。Ask the township administrator for an api_key.',
    endpoints: [
      {
        specification: 'http://wiki.open311.org/GeoReport_v2',
        url: `${base}/open311/v2`,
        changeset: '2026-12-02T00:00:00+08:00',
        type: 'production',
        formats: ['application/json', 'text/xml'],
      },
    ],
  };
}

/** A service's definition: ours take no extra attributes (every service has metadata false). */
export async function open311Service(deps: Deps, code: string) {
  const services = await open311Services(deps);
  if (!services.some((s) => s.service_code === code)) throw new AppError(404, 'not_found', `No service ${code}.`);
  return { service_code: code, attributes: [] as never[] };
}

export async function open311Services(deps: Deps): Promise<Open311Service[]> {
  const t = await currentTownship(deps);
  return (await listCategories(deps.store.db, t.id))
    .filter((c) => c.active === 1)
    .map((c) => ({
      service_code: c.code,
      service_name: c.name_zh,
      description: `${c.name_zh} (${c.name_en}): ${c.same_day ? '当日清理' : `${c.deadline_hours} 小时内整改`}, ${c.same_day ? 'cleared the same day' : `rectified within ${c.deadline_hours} h`}.`,
      metadata: false,
      type: 'realtime' as const,
      keywords: [c.name_zh, c.name_en, c.code].join(','),
      group: c.responsibility === 'unit' ? '门前三包 Frontage duty' : '环境卫生 Sanitation',
    }));
}

async function requestContext(deps: Deps) {
  const t = await currentTownship(deps);
  const [categories, areas, users, places] = await Promise.all([
    listCategories(deps.store.db, t.id),
    listAreas(deps.store.db, t.id),
    listUsers(deps.store.db, t.id),
    namedPlaces(deps, t),
  ]);
  return {
    t,
    categories: new Map(categories.map((c) => [c.code, c])),
    areas: new Map(areas.map((a) => [a.id, a])),
    users: new Map(users.map((u) => [u.id, u])),
    places,
  };
}

function addressOf(r: ReportRow, places: readonly NamedPlace[]): string | null {
  const near = nearestPlace([r.lon, r.lat], places);
  if (!near) return null;
  return near.kind === 'landmark' ? `${near.name}附近 (${near.distanceM} m)` : `${near.name} (${near.distanceM} m)`;
}

/** A reader without a key or session sees what a public map shows: no description (it may carry names or phones), no photo link. */
function toRequest(r: ReportRow, ctx: Awaited<ReturnType<typeof requestContext>>, notes: string | null, pub = false): Open311Request {
  const tz = ctx.t.timezone;
  const area = r.responsible_area_id ? ctx.areas.get(r.responsible_area_id) : undefined;
  const person = r.assignee_id ? ctx.users.get(r.assignee_id) : undefined;
  const who = area ? [area.name_zh, area.responsible_name ?? person?.display_name].filter(Boolean).join(' · ') : null;
  return {
    service_request_id: r.id,
    status: CLOSED.includes(r.status) ? 'closed' : 'open',
    status_notes: notes ?? STATUS_NOTE[r.status],
    service_name: ctx.categories.get(r.category_code)?.name_zh ?? r.category_code,
    service_code: r.category_code,
    description: pub ? null : r.description,
    agency_responsible: who,
    service_notice: r.case_no ? `案件编号 ${r.case_no}` : null,
    requested_datetime: isoWithOffset(r.observed_at, tz),
    updated_datetime: isoWithOffset(r.updated_at, tz),
    expected_datetime: r.deadline_at ? isoWithOffset(r.deadline_at, tz) : null,
    address: addressOf(r, ctx.places),
    address_id: null,
    zipcode: null,
    lat: r.lat,
    long: r.lon,
    media_url: pub ? null : r.media_url,
  };
}

export interface Open311Query {
  service_request_id?: string[] | undefined;
  service_code?: string[] | undefined;
  start_date?: string | undefined;
  end_date?: string | undefined;
  status?: Array<'open' | 'closed'> | undefined;
}

/** The spec's defaults: the last 90 days unless dates are given, at most 1 000 requests. */
export async function open311Requests(deps: Deps, q: Open311Query, opts: { public?: boolean } = {}): Promise<Open311Request[]> {
  const ctx = await requestContext(deps);
  const byId = q.service_request_id !== undefined;
  const now = deps.now();
  const from = q.start_date ? new Date(q.start_date).toISOString() : byId || q.end_date ? undefined : new Date(now.getTime() - 90 * 86_400_000).toISOString();
  const statuses = q.status?.length === 1 ? (q.status[0] === 'open' ? OPEN : CLOSED) : undefined;
  const rows = await queryReports(deps.store.db, deps.store.dialect, {
    townshipId: ctx.t.id,
    ids: q.service_request_id,
    categories: q.service_code,
    statuses,
    from,
    to: q.end_date ? new Date(q.end_date).toISOString() : undefined,
    limit: 1000,
  });
  return rows.slice(0, 1000).map((r) => toRequest(r, ctx, null, opts.public));
}

export async function open311Request(deps: Deps, id: string, opts: { public?: boolean } = {}): Promise<Open311Request> {
  const ctx = await requestContext(deps);
  const [row] = await queryReports(deps.store.db, deps.store.dialect, { townshipId: ctx.t.id, ids: [id], limit: 1 });
  if (!row) throw new AppError(404, 'not_found', `No service request ${id}.`);
  const events = await listReportEvents(deps.store.db, id);
  const lastNote = [...events].reverse().find((e) => e.note)?.note ?? null;
  return toRequest(row, ctx, lastNote && !opts.public ? `${STATUS_NOTE[row.status]} ${lastNote}` : null, opts.public);
}

export interface Open311Post {
  service_code: string;
  lat: number;
  long: number;
  description?: string | undefined;
  address_string?: string | undefined;
  media_url?: string | undefined;
  device_id?: string | undefined;
  account_id?: string | undefined;
}

/** A request from an Open311 client, routed, notified and tracked like any report. */
export async function open311Post(deps: Deps, p: Open311Post, keyName: string, crs: 'wgs84' | 'gcj02' = 'wgs84') {
  // a client whose key says GCJ-02 (WeChat, Amap) has its points moved to WGS84 before anything else sees them
  if (crs === 'gcj02') [p.long, p.lat] = gcj02ToWgs84(p.long, p.lat);
  const description = [p.description, p.address_string ? `地址:${p.address_string}` : null].filter(Boolean).join('\n') || undefined;
  const { report } = await createReport(
    deps,
    { category: p.service_code, lon: p.long, lat: p.lat, description },
    { reporter: null, source: 'open311', mediaUrl: p.media_url ?? null },
  );
  return [
    {
      service_request_id: report.id,
      service_notice: `案件编号 ${report.caseNo ?? report.id}:已转交${report.responsibleArea?.nameZh ?? '镇创建办'}处理(来自 ${keyName})。Case ${report.caseNo ?? report.id}: passed to ${report.responsibleArea?.nameEn ?? 'the campaign office'}.`,
      account_id: p.account_id ?? null,
    },
  ];
}

/** XML in the shape the spec shows: a root element, one child per item, one element per field. */
export function open311Xml(root: string, item: string, rows: ReadonlyArray<Record<string, unknown>>): string {
  const esc = (v: unknown) =>
    String(v)
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      // characters XML 1.0 cannot carry
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');
  const fields = (r: Record<string, unknown>) =>
    Object.entries(r)
      .map(([k, v]) => (v === null || v === undefined ? `<${k}/>` : `<${k}>${esc(v)}</${k}>`))
      .join('');
  return `<?xml version="1.0" encoding="utf-8"?>\n<${root}>${rows.map((r) => `<${item}>${fields(r)}</${item}>`).join('')}</${root}>\n`;
}

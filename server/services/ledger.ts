import type { Deps } from './context.ts';
import { currentTownship } from './context.ts';
import type { SessionUser } from './auth.ts';
import { sweepOverdue } from './lifecycle.ts';
import { toView, viewContext, type ReportView, type ViewContext } from './report-views.ts';
import { searchOf } from './search.ts';
import { type ReportRow } from '../store/reports.ts';
import { countMatching, queryReports, type ReportFilter } from '../store/report-query.ts';
import { listReportsObserved } from '../store/report-deadlines.ts';
import type { TownshipRow } from '../store/townships.ts';
import { countPhotosByReport } from '../store/photos.ts';
import { listDeductions } from '../store/deductions.ts';
import { daysOverdue } from '../domain/responsibility.ts';
import { AWAITING_RECTIFICATION } from '../domain/reports.ts';
import { localDate, localDateTime, localMidnightUtc } from '../domain/calendar.ts';
import { accountabilityTable } from '../domain/accountability.ts';
import { toCsv } from '../exchange/csv.ts';
import { DUE_SOON_HOURS, isDueSoon } from '../domain/task-order.ts';

/** The ledger's filter as the screen sets it: the map's filters, overdue or due soon only, a search, a sort. */
export type LedgerFilter = Omit<ReportFilter, 'townshipId' | 'search' | 'overdueAt'> & {
  overdueOnly?: boolean | undefined;
  dueSoonOnly?: boolean | undefined;
  /** What was typed in the search box. */
  q?: string | undefined;
};

export interface LedgerRow extends ReportView {
  daysOpen: number;
  /** Whole days past the deadline (0 within the first day late: see hoursOverdue). */
  daysOverdue: number;
  /** Hours past the deadline, whole, for an item still waiting for rectification; 0 when not late. */
  hoursOverdue: number;
  /** Still waiting, not late, and due within DUE_SOON_HOURS. */
  dueSoon: boolean;
  photoCount: number;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;


/** The store filter for a ledger filter as of now: the ledger's page, its CSV and the exports all use it. */
export async function ledgerStoreFilter(deps: Deps, t: TownshipRow, filter: LedgerFilter, now: string): Promise<Omit<ReportFilter, 'limit'>> {
  const { overdueOnly, dueSoonOnly, q, limit: _limit, ...f } = filter as LedgerFilter & { limit?: number };
  return {
    ...f,
    townshipId: t.id,
    overdueAt: overdueOnly ? now : undefined,
    dueBetween: dueSoonOnly ? [now, new Date(Date.parse(now) + DUE_SOON_HOURS * HOUR).toISOString()] : undefined,
    search: q ? await searchOf(deps, t, q) : undefined,
  };
}

/** The ledger (台账): every item with its place, owner, deadline, state, days open or overdue; current as of now. */
export async function listLedger(deps: Deps, filter: LedgerFilter): Promise<{ rows: LedgerRow[]; truncated: boolean; total: number }> {
  const t = await currentTownship(deps);
  await sweepOverdue(deps, t);
  const ctx = await viewContext(deps, t);
  const f = await ledgerStoreFilter(deps, t, filter, ctx.now);
  const [rows, total] = await Promise.all([
    queryReports(deps.store.db, deps.store.dialect, { ...f, limit: filter.limit }),
    countMatching(deps.store.db, deps.store.dialect, f),
  ]);
  const truncated = rows.length > filter.limit;
  const page = truncated ? rows.slice(0, filter.limit) : rows;
  const photos = await countPhotosByReport(deps.store.db, page.map((r) => r.id));
  return { truncated, total, rows: page.map((r) => ledgerRow(r, ctx, photos.get(r.id) ?? 0)) };
}

function ledgerRow(r: ReportRow, ctx: ViewContext, photoCount: number): LedgerRow {
  const nowMs = Date.parse(ctx.now);
  const end = r.closed_at ? Date.parse(r.closed_at) : nowMs;
  const waiting = AWAITING_RECTIFICATION.includes(r.status);
  const late = waiting && r.deadline_at !== null && Date.parse(r.deadline_at) < nowMs;
  return {
    ...toView(r, ctx),
    daysOpen: Math.max(0, Math.floor((end - Date.parse(r.observed_at)) / DAY)),
    daysOverdue: waiting ? daysOverdue(r.deadline_at, ctx.now) : 0,
    hoursOverdue: late ? Math.floor((nowMs - Date.parse(r.deadline_at!)) / HOUR) : 0,
    dueSoon: isDueSoon({ status: r.status, deadlineAt: r.deadline_at }, nowMs),
    photoCount,
  };
}

const STATUS_ZH: Record<string, string> = {
  reported: '已上报',
  notified: '已通知整改',
  rectified: '已整改待复查',
  closed: '已销号',
  rejected: '不予受理',
  duplicate: '重复问题',
};

/** The ledger as CSV for Excel/WPS, in the township's local time. */
export async function ledgerCsv(deps: Deps, filter: LedgerFilter): Promise<string> {
  const t = await currentTownship(deps);
  const { rows } = await listLedger(deps, filter);
  const ctx = await viewContext(deps, t);
  const fmt = (iso: string | null) => (iso ? localDateTime(iso, t.timezone) : '');
  return toCsv(
    ['案件编号', '发现时间', '类别', '保洁区', '村(社区)', '责任区域', '责任人', '状态', '紧急程度', '整改期限', '是否逾期', '逾期天数', '逾期小时', '已历天数', '照片数', '情况说明', '经度', '纬度', '问题ID'],
    rows.map((r) => [
      r.caseNo ?? '',
      fmt(r.observedAt),
      ctx.categories.get(r.category)?.name_zh ?? r.category,
      r.zone?.nameZh ?? '',
      r.village?.nameZh ?? '',
      r.responsibleArea?.nameZh ?? '',
      r.assignee?.displayName ?? '',
      STATUS_ZH[r.status] ?? r.status,
      r.urgency === 'urgent' ? '紧急' : '一般',
      fmt(r.deadlineAt),
      r.overdue ? '是' : '否',
      r.daysOverdue,
      r.hoursOverdue,
      r.daysOpen,
      r.photoCount,
      r.description ?? '',
      r.lon,
      r.lat,
      r.id,
    ]),
  );
}

/** A cleaner's or unit's own open items, soonest deadline first. */
export async function myTasks(deps: Deps, user: SessionUser) {
  const t = await currentTownship(deps);
  await sweepOverdue(deps, t);
  const ctx = await viewContext(deps, t);
  const scope = user.role === 'cleaner' || user.role === 'unit' ? user.areaId ?? '__none__' : undefined;
  const rows = await queryReports(deps.store.db, deps.store.dialect, {
    townshipId: t.id,
    statuses: ['notified', 'reported', 'rectified'],
    responsibleAreaId: scope,
    sort: 'deadline',
    limit: 1000,
  });
  return rows.slice(0, 1000).map((r) => toView(r, ctx));
}

export interface AccountabilityReport {
  month: string;
  areas: {
    area: { id: string; kind: string; nameZh: string; nameEn: string };
    person: string | null;
    items: number;
    overdue: number;
    deductionYuan: number;
    score: number;
  }[];
  people: { person: { id: string; displayName: string; role: string }; area: string | null; items: number; overdue: number; deductionYuan: number; score: number }[];
}

/** The month's accountability table per area and per person: items, missed deadlines, deductions (yuan), score. */
export async function accountability(deps: Deps, month?: string): Promise<AccountabilityReport> {
  const t = await currentTownship(deps);
  await sweepOverdue(deps, t);
  const ctx = await viewContext(deps, t);
  const m = month ?? localDate(ctx.now, t.timezone).slice(0, 7);
  const from = localMidnightUtc(`${m}-01`, t.timezone);
  const [y, mo] = m.split('-').map(Number) as [number, number];
  const next = mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
  const to = localMidnightUtc(`${next}-01`, t.timezone);
  const [items, deductions] = await Promise.all([
    listReportsObserved(deps.store.db, t.id, from, to),
    listDeductions(deps.store.db, t.id, m),
  ]);
  const itemFacts = items
    .filter((r) => r.status !== 'rejected' && r.status !== 'duplicate')
    .map((r) => ({ responsibleAreaId: r.responsible_area_id, assigneeId: r.assignee_id }));
  const dFacts = deductions.map((d) => ({ areaId: d.area_id, personId: d.person_id, amountYuan: d.amount_yuan, points: d.points }));
  const personOf = (areaId: string) =>
    [...ctx.users.values()].find((u) => u.area_id === areaId && (u.role === 'cleaner' || u.role === 'unit'))?.display_name ?? null;
  return {
    month: m,
    areas: accountabilityTable(itemFacts, dFacts, 'area').flatMap((r) => {
      const a = ctx.areas.get(r.key);
      return a ? [{ area: { id: a.id, kind: a.kind, nameZh: a.nameZh, nameEn: a.nameEn }, person: personOf(a.id), ...r }] : [];
    }),
    people: accountabilityTable(itemFacts, dFacts, 'person').flatMap((r) => {
      const u = ctx.users.get(r.key);
      return u
        ? [{ person: { id: u.id, displayName: u.display_name, role: u.role }, area: u.area_id ? ctx.areas.get(u.area_id)?.nameZh ?? null : null, ...r }]
        : [];
    }),
  };
}

export async function accountabilityCsv(deps: Deps, month?: string): Promise<string> {
  const r = await accountability(deps, month);
  const kind: Record<string, string> = { cleaning_zone: '保洁区', village: '村', community: '社区', unit: '单位' };
  return toCsv(
    ['月份', '区域', '类型', '责任人', '问题数', '逾期数', '扣款(元)', '得分'],
    r.areas.map((a) => [r.month, a.area.nameZh, kind[a.area.kind] ?? a.area.kind, a.person ?? '', a.items, a.overdue, a.deductionYuan, a.score]),
  );
}

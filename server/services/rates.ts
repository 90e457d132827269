import type { Deps } from './context.ts';
import { currentTownship } from './context.ts';
import { sweepOverdue } from './lifecycle.ts';
import { viewContext, type ViewContext } from './report-views.ts';
import { listDueItems, listInspectionSteps, listSendSteps } from '../store/case-facts.ts';
import type { TownshipRow } from '../store/townships.ts';
import { localDate, localMidnightUtc } from '../domain/calendar.ts';
import {
  percent,
  evaluationOf,
  inspectionFacts,
  inspectionRates,
  periodDates,
  ratesOf,
  ratesTable,
  returnRates,
  sendCounts,
  type CaseFact,
  type CaseRates,
  type Weights,
} from '../domain/case-rates.ts';

export type RatesBy = 'area' | 'person' | 'category';

type DueRow = Awaited<ReturnType<typeof listDueItems>>[number];

/** One period's facts, read once: what the rates per area, person, category and month are all counted from. */
interface PeriodFacts {
  t: TownshipRow;
  ctx: ViewContext;
  period: string;
  dates: { from: string; to: string };
  evaluation: ReturnType<typeof evaluationOf>;
  rows: DueRow[];
}

async function periodFacts(deps: Deps, period: string | undefined): Promise<PeriodFacts> {
  const t = await currentTownship(deps);
  await sweepOverdue(deps, t);
  const ctx = await viewContext(deps, t);
  const p = period ?? localDate(ctx.now, t.timezone).slice(0, 7);
  const dates = periodDates(p)!;
  // what had to be closed by now: a deadline still ahead in the period is not due yet
  const end = localMidnightUtc(dates.to, t.timezone);
  const rows = await listDueItems(deps.store.db, t.id, localMidnightUtc(dates.from, t.timezone), end < ctx.now ? end : ctx.now);
  return { t, ctx, period: p, dates, evaluation: evaluationOf(t.evaluation), rows };
}

const UNASSIGNED = { nameZh: '未分派', nameEn: 'Not assigned' };

/** The names of an area, person or category as the tables show them. */
function nameOf(ctx: ViewContext, by: RatesBy, key: string): { nameZh: string; nameEn: string } | null {
  if (by === 'area') {
    const a = ctx.areas.get(key);
    return a ? { nameZh: a.nameZh, nameEn: a.nameEn } : null;
  }
  if (by === 'person') {
    const u = ctx.users.get(key);
    return u ? { nameZh: u.display_name, nameEn: u.display_name } : null;
  }
  const c = ctx.categories.get(key);
  return c ? { nameZh: c.name_zh, nameEn: c.name_en } : null;
}

/** The rates of some due items per area, person or category, and for them all. */
function ratesOver(rows: readonly DueRow[], by: RatesBy, ctx: ViewContext, weights: Weights) {
  const facts: CaseFact[] = rows.map((r) => ({
    key: (by === 'area' ? r.responsible_area_id : by === 'person' ? r.assignee_id : r.category_code) ?? '',
    closed: r.status === 'closed',
    closedOnTime: r.status === 'closed' && r.deadline_at !== null && r.last_rectified_at !== null && String(r.last_rectified_at) <= r.deadline_at,
    reworked: Number(r.reopens) > 0,
    parked: r.parked_at !== null,
  }));
  const total = ratesTable(facts.map((f) => ({ ...f, key: 'all' })), weights)[0] ?? ratesOf('all', { due: 0, parked: 0, closed: 0, closedOnTime: 0, reworked: 0 }, weights);
  const named = (r: CaseRates) => ({ ...r, name: nameOf(ctx, by, r.key) ?? UNASSIGNED });
  return { total, rows: ratesTable(facts.filter((f) => f.key), weights).map(named) };
}

/** 按时核查率 per inspector and 退回率 per area over the period. */
async function inspectionAndReturns(deps: Deps, f: PeriodFacts) {
  const from = localMidnightUtc(f.dates.from, f.t.timezone);
  const to = localMidnightUtc(f.dates.to, f.t.timezone);
  const [steps, sends] = await Promise.all([listInspectionSteps(deps.store.db, f.t.id, from, to), listSendSteps(deps.store.db, f.t.id, from, to)]);
  const inspection = inspectionRates(inspectionFacts(steps, from, to), f.evaluation.verifyHours, f.ctx.now);
  const { sent, returned } = sendCounts(sends);
  const sentAll = [...sent.values()].reduce((a, b) => a + b, 0);
  const returnedAll = [...returned.values()].reduce((a, b) => a + b, 0);
  return {
    inspection: {
      verifyHours: f.evaluation.verifyHours,
      total: inspection.total,
      rows: inspection.rows.map((r) => ({ ...r, name: nameOf(f.ctx, 'person', r.key) ?? { nameZh: '无人核查', nameEn: 'Not re-inspected' } })),
    },
    dispatch: {
      total: { sent: sentAll, returned: returnedAll, returnRate: percent(returnedAll, sentAll) },
      rows: returnRates(sent, returned).map((r) => ({ ...r, name: nameOf(f.ctx, 'area', r.key) ?? UNASSIGNED })),
    },
  };
}

/**
 * The standard rates (结案率, 按期结案率, 返工率) and grades for a month, quarter or year, per area, person or
 * category, and for the township as a whole, with 按时核查率 and 退回率. Due: a deadline in the period that has
 * passed. On time: the accepted (last) rectification no later than the deadline in force; a reopened item is given
 * a new deadline, and counts in 返工率.
 */
export async function caseRates(deps: Deps, period: string | undefined, by: RatesBy = 'area') {
  const f = await periodFacts(deps, period);
  const { total, rows } = ratesOver(f.rows, by, f.ctx, f.evaluation.weights);
  return { period: f.period, by, from: f.dates.from, to: f.dates.to, evaluation: f.evaluation, total, rows, ...(await inspectionAndReturns(deps, f)) };
}

/**
 * Every table of a period's evaluation report from one read: per area, person and category, and for a quarter or
 * a year the township month by month (an item counts in the month its deadline fell in, as a month's own rates
 * count it).
 */
export async function periodRates(deps: Deps, period: string, months: readonly string[]) {
  const f = await periodFacts(deps, period);
  const weights = f.evaluation.weights;
  const area = ratesOver(f.rows, 'area', f.ctx, weights);
  const monthOf = (r: DueRow) => localDate((r.deadline_at ?? r.parked_deadline_at)!, f.t.timezone).slice(0, 7);
  return {
    t: f.t,
    from: f.dates.from,
    to: f.dates.to,
    evaluation: f.evaluation,
    total: area.total,
    byArea: area.rows,
    byPerson: ratesOver(f.rows, 'person', f.ctx, weights).rows,
    byCategory: ratesOver(f.rows, 'category', f.ctx, weights).rows,
    months: months.map((m) => ({ period: m, rates: ratesOver(f.rows.filter((r) => monthOf(r) === m), 'area', f.ctx, weights).total })),
    ...(await inspectionAndReturns(deps, f)),
  };
}

import type { Deps } from './context.ts';
import { currentTownship } from './context.ts';
import { sweepOverdue } from './lifecycle.ts';
import { viewContext } from './report-views.ts';
import { listDueItems, listInspectionSteps, listSendSteps } from '../store/case-facts.ts';
import { localDate, localMidnightUtc } from '../domain/calendar.ts';
import { percent, evaluationOf, inspectionFacts, inspectionRates, periodDates, ratesOf, ratesTable, returnRates, sendCounts, type CaseFact, type CaseRates } from '../domain/case-rates.ts';

export type RatesBy = 'area' | 'person' | 'category';

/**
 * The standard rates (结案率, 按期结案率, 返工率) and grades for a month, quarter or year, per area, person or
 * category, and for the township as a whole. Due: a deadline in the period that has passed. On time: the accepted (last) rectification no later than the
 * deadline in force; a reopened item is given a new deadline, and counts in 返工率.
 */
export async function caseRates(deps: Deps, period: string | undefined, by: RatesBy = 'area') {
  const t = await currentTownship(deps);
  await sweepOverdue(deps, t);
  const ctx = await viewContext(deps, t);
  const p = period ?? localDate(ctx.now, t.timezone).slice(0, 7);
  const dates = periodDates(p)!;
  // what had to be closed by now: a deadline still ahead in the period is not due yet
  const end = localMidnightUtc(dates.to, t.timezone);
  const rows = await listDueItems(deps.store.db, t.id, localMidnightUtc(dates.from, t.timezone), end < ctx.now ? end : ctx.now);
  const facts: (CaseFact & { all: true })[] = rows.map((r) => ({
    all: true,
    key: (by === 'area' ? r.responsible_area_id : by === 'person' ? r.assignee_id : r.category_code) ?? '',
    closed: r.status === 'closed',
    closedOnTime: r.status === 'closed' && r.deadline_at !== null && r.last_rectified_at !== null && String(r.last_rectified_at) <= r.deadline_at,
    reworked: Number(r.reopens) > 0,
    parked: r.parked_at !== null,
  }));
  const evaluation = evaluationOf(t.evaluation);
  const { weights } = evaluation;
  const total = ratesTable(facts.map((f) => ({ ...f, key: 'all' })), weights)[0] ?? ratesOf('all', { due: 0, parked: 0, closed: 0, closedOnTime: 0, reworked: 0 }, weights);
  const nameOf = (key: string) => {
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
  };
  const named = (r: CaseRates) => ({ ...r, name: nameOf(r.key) ?? { nameZh: '未分派', nameEn: 'Not assigned' } });
  const from = localMidnightUtc(dates.from, t.timezone);
  const to = localMidnightUtc(dates.to, t.timezone);
  // 按时核查率 per inspector, and 退回率 per area, over the same period
  const inspection = inspectionRates(inspectionFacts(await listInspectionSteps(deps.store.db, t.id, from, to), from, to), evaluation.verifyHours, ctx.now);
  const personName = (key: string) => {
    const u = ctx.users.get(key);
    return u ? { nameZh: u.display_name, nameEn: u.display_name } : { nameZh: '无人核查', nameEn: 'Not re-inspected' };
  };
  const { sent, returned } = sendCounts(await listSendSteps(deps.store.db, t.id, from, to));
  const returns = returnRates(sent, returned);
  const areaName = (key: string) => {
    const a = ctx.areas.get(key);
    return a ? { nameZh: a.nameZh, nameEn: a.nameEn } : { nameZh: '未分派', nameEn: 'Not assigned' };
  };
  const sentAll = [...sent.values()].reduce((a, b) => a + b, 0);
  const returnedAll = [...returned.values()].reduce((a, b) => a + b, 0);
  return {
    period: p,
    by,
    from: dates.from,
    to: dates.to,
    evaluation,
    total,
    rows: ratesTable(facts.filter((f) => f.key), weights).map(named),
    inspection: { verifyHours: evaluation.verifyHours, total: inspection.total, rows: inspection.rows.map((r) => ({ ...r, name: personName(r.key) })) },
    dispatch: {
      total: { sent: sentAll, returned: returnedAll, returnRate: percent(returnedAll, sentAll) },
      rows: returns.map((r) => ({ ...r, name: areaName(r.key) })),
    },
  };
}

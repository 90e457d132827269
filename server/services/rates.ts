import type { Deps } from './context.ts';
import { currentTownship } from './context.ts';
import { sweepOverdue } from './lifecycle.ts';
import { viewContext } from './report-views.ts';
import { listDueItems } from '../store/case-facts.ts';
import { localDate, localMidnightUtc } from '../domain/calendar.ts';
import { periodDates, ratesOf, ratesTable, type CaseFact, type CaseRates } from '../domain/case-rates.ts';

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
  const total = ratesTable(facts.map((f) => ({ ...f, key: 'all' })))[0] ?? ratesOf('all', { due: 0, parked: 0, closed: 0, closedOnTime: 0, reworked: 0 });
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
  return { period: p, by, from: dates.from, to: dates.to, total, rows: ratesTable(facts.filter((f) => f.key)).map(named) };
}

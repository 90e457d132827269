import type { Deps } from './context.ts';
import { currentTownship } from './context.ts';
import { sweepOverdue } from './lifecycle.ts';
import { countSeenAndClosed, listDueItems } from '../store/case-facts.ts';
import { countMatching } from '../store/report-query.ts';
import { localDate, localMidnightUtc, weekStartUtc } from '../domain/calendar.ts';
import { percent } from '../domain/case-rates.ts';

const WEEK = 7 * 86_400_000;

/** 按期结案率 of the items due in [from, to): closed, with the accepted rectification by the deadline in force. */
async function onTimeRate(deps: Deps, townshipId: string, from: string, to: string): Promise<number | null> {
  const rows = await listDueItems(deps.store.db, townshipId, from, to);
  const due = rows.filter((r) => r.parked_at === null);
  const onTime = due.filter((r) => r.status === 'closed' && r.deadline_at !== null && r.last_rectified_at !== null && String(r.last_rectified_at) <= r.deadline_at);
  return percent(onTime.length, due.length);
}

/**
 * The leading group's headline: today and this week (Monday on, township time) new and closed items, overdue now,
 * and 按期结案率 this week so far beside last week's.
 */
export async function headline(deps: Deps) {
  const t = await currentTownship(deps);
  await sweepOverdue(deps, t);
  const now = deps.now();
  const nowIso = now.toISOString();
  const today = localMidnightUtc(localDate(now, t.timezone), t.timezone);
  const week = new Date(weekStartUtc(now.getTime(), t.timezone)).toISOString();
  const lastWeek = new Date(Date.parse(week) - WEEK).toISOString();
  const [d, w, lw, overdue, rateNow, rateBefore] = await Promise.all([
    countSeenAndClosed(deps.store.db, t.id, today, nowIso),
    countSeenAndClosed(deps.store.db, t.id, week, nowIso),
    countSeenAndClosed(deps.store.db, t.id, lastWeek, week),
    countMatching(deps.store.db, deps.store.dialect, { townshipId: t.id, overdueAt: nowIso }),
    onTimeRate(deps, t.id, week, nowIso),
    onTimeRate(deps, t.id, lastWeek, week),
  ]);
  return {
    at: nowIso,
    overdue,
    today: { new: d.seen, closed: d.closed },
    week: { new: w.seen, closed: w.closed, onTimeRate: rateNow },
    lastWeek: { new: lw.seen, closed: lw.closed, onTimeRate: rateBefore },
  };
}

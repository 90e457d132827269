import { localDate, localMidnightUtc } from './calendar.ts';

// A cleaner's list in the order the day's work goes: what is due today or soon (including what fell overdue
// today) first, then later deadlines, then the backlog overdue since before today, and last what they have
// rectified and is waiting for the office to verify. A list that opens with items overdue since September hides
// the one due this afternoon.

export type TaskGroup = 'urgent' | 'later' | 'backlog' | 'waiting';
export const TASK_GROUPS: readonly TaskGroup[] = ['urgent', 'later', 'backlog', 'waiting'];

/** A deadline within this long from now puts an item among the day's work. */
export const DUE_SOON_MS = 24 * 3600_000;

/** An item still waiting whose deadline is this close is flagged amber ("即将到期") in the ledger and the tasks. */
export const DUE_SOON_HOURS = 2;

/** Waiting for rectification, not late yet, and due within DUE_SOON_HOURS. */
export function isDueSoon(item: Orderable, nowMs: number): boolean {
  if (item.status !== 'reported' && item.status !== 'notified') return false;
  if (!item.deadlineAt) return false;
  const left = Date.parse(item.deadlineAt) - nowMs;
  return left >= 0 && left <= DUE_SOON_HOURS * 3600_000;
}

export interface Orderable {
  status: string;
  deadlineAt: string | null;
}

const byDeadline = (a: Orderable, b: Orderable) =>
  a.deadlineAt === b.deadlineAt ? 0 : a.deadlineAt === null ? 1 : b.deadlineAt === null ? -1 : a.deadlineAt < b.deadlineAt ? -1 : 1;

/** Which group an item is in at `now`, with the township's day boundary. */
export function taskGroup(item: Orderable, now: Date, timeZone: string): TaskGroup {
  if (item.status === 'rectified') return 'waiting';
  if (!item.deadlineAt) return 'later';
  const at = Date.parse(item.deadlineAt);
  if (at < Date.parse(localMidnightUtc(localDate(now, timeZone), timeZone))) return 'backlog';
  return at <= now.getTime() + DUE_SOON_MS ? 'urgent' : 'later';
}

/** The items in their groups, each by deadline (earliest first; items with no deadline yet at the end). */
export function groupTasks<T extends Orderable>(items: readonly T[], now: Date, timeZone: string): Record<TaskGroup, T[]> {
  const out: Record<TaskGroup, T[]> = { urgent: [], later: [], backlog: [], waiting: [] };
  for (const i of items) out[taskGroup(i, now, timeZone)].push(i);
  for (const g of TASK_GROUPS) out[g].sort(byDeadline);
  return out;
}

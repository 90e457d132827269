import type { Deps } from './context.ts';
import { AppError } from './errors.ts';
import type { SessionUser } from './auth.ts';
import { toView, viewContext, type ReportView } from './report-views.ts';
import { findEventByKey, findReportById } from '../store/reports.ts';
import type { TownshipRow } from '../store/townships.ts';

// An action a phone sends from its outbox (a rectification with its after-photo, a sighting) carries the key the
// phone made for it. Done once per key and item: a retry after a lost answer, or two sends racing after the line
// came back, is answered with the item as it is now, and nothing is done twice. The key is stored on the event the
// action became (unique per item), so the second of two racing sends fails to write and is answered the same way.

export interface Done {
  report: ReportView;
  /** The action had been done under this key already: nothing new was done. */
  replayed: boolean;
}

export async function oncePerKey(
  deps: Deps,
  t: TownshipRow,
  user: SessionUser,
  reportId: string,
  key: string | undefined,
  eventType: string,
  act: () => Promise<ReportView>,
): Promise<Done> {
  if (!key) return { report: await act(), replayed: false };
  const replay = async (): Promise<Done | null> => {
    const done = await findEventByKey(deps.store.db, reportId, key);
    if (!done) return null;
    if (done.type !== eventType || done.actor_id !== user.id) {
      throw new AppError(422, 'idempotency_key_reused', '这个幂等键已用于另一项操作,请为每项操作新生成一个。This Idempotency-Key was already used for a different action. Make a new key for each action.');
    }
    const row = await findReportById(deps.store.db, t.id, reportId);
    return { report: toView(row!, await viewContext(deps, t)), replayed: true };
  };
  const before = await replay();
  if (before) return before;
  try {
    return { report: await act(), replayed: false };
  } catch (err) {
    // a send racing this one with the same key got there first (our write was stale or hit the unique key)
    const after = await replay();
    if (after) return after;
    throw err;
  }
}

import type { Deps } from './context.ts';
import { currentTownship } from './context.ts';
import type { ReportListFilter } from './reports.ts';
import { viewContext } from './report-views.ts';
import { reportPointsPacked } from '../store/report-query.ts';
import { latestReportEvent, latestReportSeq } from '../store/versions.ts';
import { encodePackedPoints, gridFor } from '../domain/points.ts';
import { bboxOf, type AreaGeometry } from '../domain/geo.ts';

// A county's million points are read from the database in about 400 ms, on SQLite on the event loop that serves
// everyone. The same map opened by the leading group, the office and the county again and again is answered from
// the points read last time: as they were while no report event is newer (every report written, changed or
// imported through the services adds one), and on SQLite with the reports written since appended, when the
// filter does not ask about status or place (nothing but a new report changes a point's position, category or
// whether it is in such a filter). SQLite has one writer, so reports become visible in the order of their seq;
// on PostgreSQL a lower seq may commit after a higher one, and any change reads the points anew (in the database,
// not on the event loop). A few answers are kept, the newest.
const KEPT = 4;
type Kept = { version: number; upToSeq: number | null; packed: number[]; body: Uint8Array };
const answers = new WeakMap<Deps, Map<string, Promise<Kept>>>();

/** Every report matching the filters as the compact binary points format (5 bytes a point), for heat layers. */
export async function pointsBinary(deps: Deps, filter: Omit<ReportListFilter, 'limit'>): Promise<{ body: Uint8Array; count: number }> {
  const t = await currentTownship(deps);
  // the categories as the report views hold them (cleared by whatever changes one): no query of their own
  const [cats, version] = await Promise.all([viewContext(deps, t).then((ctx) => [...ctx.categories.keys()]), latestReportEvent(deps.store.db)]);
  const grid = gridFor(bboxOf(JSON.parse(t.boundary) as AreaGeometry));
  const key = JSON.stringify([t.id, filter, cats, grid]);
  let kept = answers.get(deps);
  if (!kept) answers.set(deps, (kept = new Map()));
  const before = await kept.get(key)?.catch(() => undefined);
  if (before && before.version === version) return { body: before.body, count: before.packed.length };
  const appendable = deps.store.dialect === 'sqlite' && !filter.statuses?.length && !filter.zoneId && !filter.villageId && !filter.ids;
  const next = (async (): Promise<Kept> => {
    const f = { ...filter, townshipId: t.id };
    if (!appendable) {
      const packed = await reportPointsPacked(deps.store, f, grid, cats);
      return { version, upToSeq: null, packed, body: encodePackedPoints(grid, cats, packed) };
    }
    // the newest seq first, then the points up to it: a report written meanwhile is appended next time, once
    const upToSeq = await latestReportSeq(deps.store.db);
    const since = before?.upToSeq ?? null;
    const more = await reportPointsPacked(deps.store, { ...f, upToSeq, ...(since !== null ? { afterSeq: since } : {}) }, grid, cats);
    const packed = since !== null && before ? before.packed.concat(more) : more;
    return { version, upToSeq, packed, body: encodePackedPoints(grid, cats, packed) };
  })();
  kept.delete(key);
  kept.set(key, next);
  next.catch(() => kept.delete(key));
  while (kept.size > KEPT) kept.delete(kept.keys().next().value!);
  const done = await next;
  return { body: done.body, count: done.packed.length };
}

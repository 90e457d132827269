import type { Deps } from './context.ts';
import { currentTownship } from './context.ts';
import type { ReportListFilter } from './reports.ts';
import { viewContext } from './report-views.ts';
import { reportPointsPacked } from '../store/reports.ts';
import { latestReportEvent } from '../store/versions.ts';
import { encodePackedPoints, gridFor } from '../domain/points.ts';
import { bboxOf, type AreaGeometry } from '../domain/geo.ts';

// A county's million points are read from the database in about 400 ms; the same map opened by the leading
// group, the office and the county again and again between writes is answered from the bytes made last time.
// Kept per township, filter, categories and grid, for as long as no report event is newer than they are (every
// report written, changed or imported through the services adds one); a few answers only, the newest kept.
const KEPT = 4;
const answers = new WeakMap<Deps, Map<string, { version: number; answer: Promise<{ body: Uint8Array; count: number }> }>>();

/** Every report matching the filters as the compact binary points format (5 bytes a point), for heat layers. */
export async function pointsBinary(deps: Deps, filter: Omit<ReportListFilter, 'limit'>): Promise<{ body: Uint8Array; count: number }> {
  const t = await currentTownship(deps);
  // the categories as the report views hold them (cleared by whatever changes one): no query of their own
  const [cats, version] = await Promise.all([viewContext(deps, t).then((ctx) => [...ctx.categories.keys()]), latestReportEvent(deps.store.db)]);
  const grid = gridFor(bboxOf(JSON.parse(t.boundary) as AreaGeometry));
  const key = JSON.stringify([t.id, filter, cats, grid]);
  let kept = answers.get(deps);
  if (!kept) answers.set(deps, (kept = new Map()));
  const hit = kept.get(key);
  if (hit && hit.version === version) return hit.answer;
  const answer = reportPointsPacked(deps.store, { ...filter, townshipId: t.id }, grid, cats).then((packed) => ({
    body: encodePackedPoints(grid, cats, packed),
    count: packed.length,
  }));
  kept.delete(key);
  kept.set(key, { version, answer });
  answer.catch(() => kept.delete(key));
  while (kept.size > KEPT) kept.delete(kept.keys().next().value!);
  return answer;
}

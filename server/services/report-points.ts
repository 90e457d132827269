import type { Deps } from './context.ts';
import { currentTownship } from './context.ts';
import type { ReportListFilter } from './reports.ts';
import { listCategories as listCategoryRows } from '../store/categories.ts';
import { reportPointsPacked } from '../store/reports.ts';
import { encodePackedPoints, gridFor } from '../domain/points.ts';
import { bboxOf, type AreaGeometry } from '../domain/geo.ts';

/** Every report matching the filters as the compact binary points format (5 bytes a point), for heat layers. */
export async function pointsBinary(deps: Deps, filter: Omit<ReportListFilter, 'limit'>): Promise<{ body: Uint8Array; count: number }> {
  const t = await currentTownship(deps);
  const cats = (await listCategoryRows(deps.store.db, t.id)).map((c) => c.code);
  const grid = gridFor(bboxOf(JSON.parse(t.boundary) as AreaGeometry));
  const packed = await reportPointsPacked(deps.store, { ...filter, townshipId: t.id }, grid, cats);
  return { body: encodePackedPoints(grid, cats, packed), count: packed.length };
}

import type { Transaction } from 'kysely';
import type { Deps } from './context.ts';
import { assignmentFor } from './reports.ts';
import type { AreaGeometry, BBox } from '../domain/geo.ts';
import { createRouter } from '../domain/routing.ts';
import { listAreas } from '../store/areas.ts';
import { listCategories } from '../store/categories.ts';
import { insertReportEvents, listOpenReportsInBox, updateReportIfUnchanged } from '../store/reports.ts';
import type { Database } from '../store/schema.ts';
import type { TownshipRow } from '../store/townships.ts';

// When areas change (edited, drawn, imported), the items still waiting for rectification follow their spot's owner.

/**
 * Sends every item still waiting for rectification inside a box to whoever owns its spot by the areas as this
 * transaction now holds them; writes a `rerouted` event for each item moved. Returns how many moved.
 */
export async function rerouteAround(
  deps: Deps,
  trx: Transaction<Database>,
  t: TownshipRow,
  actorId: string | null,
  box: BBox,
  /** Why the items moved, kept on each `rerouted` event (the area changed, an import). */
  cause: Record<string, unknown>,
): Promise<number> {
  // Everything inside the transaction goes through trx: on SQLite a query on the outer handle would wait for the
  // connection this transaction holds, for ever.
  const router = createRouter(
    JSON.parse(t.boundary) as AreaGeometry,
    (await listAreas(trx, t.id)).map((a) => ({ id: a.id, kind: a.kind, code: a.code, nameZh: a.name_zh, nameEn: a.name_en, geometry: JSON.parse(a.polygon) as AreaGeometry })),
  );
  const categories = new Map((await listCategories(trx, t.id)).map((c) => [c.code, c]));
  const tdeps = { ...deps, store: { ...deps.store, db: trx } };
  const now = deps.now().toISOString();
  let moved = 0;
  for (const r of await listOpenReportsInBox(trx, t.id, box)) {
    const route = router.route(r.lon, r.lat);
    const category = categories.get(r.category_code);
    if (!route || !category) continue;
    const to = await assignmentFor(tdeps, route, category);
    if (to.place.zoneId === r.zone_id && to.place.villageId === r.village_id && to.place.unitId === r.unit_id && to.responsible === r.responsible_area_id) continue;
    const ok = await updateReportIfUnchanged(trx, r.id, r, {
      zone_id: to.place.zoneId,
      village_id: to.place.villageId,
      unit_id: to.place.unitId,
      responsible_area_id: to.responsible,
      assignee_id: to.assignee?.id ?? r.assignee_id,
      updated_at: now,
    });
    if (!ok) continue;
    moved++;
    await insertReportEvents(trx, [
      {
        report_id: r.id,
        township_id: t.id,
        type: 'rerouted',
        from_status: r.status,
        to_status: r.status,
        actor_id: actorId,
        at: now,
        note: null,
        data: JSON.stringify({ ...cause, from: { zone: r.zone_id, village: r.village_id, unit: r.unit_id }, to: to.place }),
      },
    ]);
  }
  return moved;
}

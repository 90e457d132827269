import { randomUUID } from 'node:crypto';
import type { Deps } from './context.ts';
import { generatorTownFrom, readDemoTown } from '../demo/town.ts';
import { generateReports, type GeneratedReport } from '../demo/generator.ts';
import { createRouter, type RoutableArea } from '../domain/routing.ts';
import { bboxOf } from '../domain/geo.ts';
import { observedAt } from '../domain/reports.ts';
import { countTownships, insertTownship } from '../store/townships.ts';
import { insertAreas } from '../store/areas.ts';
import { insertCategories } from '../store/categories.ts';
import { insertBasemapFeatures } from '../store/basemap.ts';
import { insertReportEvents, insertReports } from '../store/reports.ts';
import { isUniqueViolation } from '../store/errors.ts';

export const DEMO_SEED = 20221;
export const DEMO_DAYS = 91;

export interface DemoOptions {
  seed?: number;
  days?: number;
  /** The end of the demo period; defaults to the start of the next hour, so the map shows the last three months. */
  end?: Date;
  /** Multiplies report rates (1 ≈ 20 a day). */
  scale?: number;
}

/**
 * Loads the demo township with three months of reports, in one transaction, only when the
 * database holds no township yet. Returns how many reports were loaded, or null if it did nothing.
 */
export async function loadDemoIfEmpty(deps: Deps, opts: DemoOptions = {}): Promise<{ reports: number } | null> {
  const db = deps.store.db;
  if ((await countTownships(db)) > 0) return null;
  const town = readDemoTown();
  const now = deps.now();
  const end = opts.end ?? new Date(Math.ceil(now.getTime() / 3600_000) * 3600_000);
  const nowIso = now.toISOString();
  const townshipId = randomUUID();

  const areas: RoutableArea[] = town.areas.map((a) => ({ ...a, id: randomUUID() }));
  const router = createRouter(town.boundary, areas);
  const generated = generateReports(generatorTownFrom(town, router), {
    seed: opts.seed ?? DEMO_SEED, end: end.toISOString(), days: opts.days ?? DEMO_DAYS, scale: opts.scale ?? 1,
  });

  let loaded = 0;
  try {
    await db.transaction().execute(async (trx) => {
    // A second server starting at the same moment must not load the town twice.
    if ((await countTownships(trx)) > 0) return;
    await insertTownship(trx, {
      id: townshipId,
      code: town.code,
      name_zh: town.nameZh,
      name_en: town.nameEn,
      boundary: JSON.stringify(town.boundary),
      timezone: town.timezone,
      created_at: nowIso,
    });
    await insertAreas(
      trx,
      town.areas.map((a, i) => {
        const [minLon, minLat, maxLon, maxLat] = bboxOf(a.geometry);
        return {
          id: areas[i]!.id,
          township_id: townshipId,
          kind: a.kind,
          code: a.code,
          name_zh: a.nameZh,
          name_en: a.nameEn,
          polygon: JSON.stringify(a.geometry),
          min_lon: minLon,
          min_lat: minLat,
          max_lon: maxLon,
          max_lat: maxLat,
          responsible_name: a.responsibleName,
          responsible_phone: a.responsiblePhone,
          created_at: nowIso,
          updated_at: nowIso,
        };
      }),
    );
    await insertCategories(
      trx,
      town.categories.map((c, i) => ({
        township_id: townshipId,
        code: c.code,
        name_zh: c.nameZh,
        name_en: c.nameEn,
        color: c.color,
        deadline_hours: c.deadlineHours,
        deduction_yuan: c.deductionYuan,
        sort_order: i,
        active: 1,
      })),
    );
    await insertBasemapFeatures(
      trx,
      town.features.map((f) => ({
        township_id: townshipId,
        layer: f.layer,
        kind: f.kind,
        name_zh: f.nameZh,
        name_en: f.nameEn,
        geometry: JSON.stringify(f.geometry),
      })),
    );
    await insertGenerated(trx, townshipId, router, generated);
    loaded = generated.length;
    });
  } catch (err) {
    // Another server loaded the demo first (townships.code is unique): nothing left to do.
    if (isUniqueViolation(err)) return null;
    throw err;
  }
  deps.cache.township = undefined;
  deps.cache.routers.clear();
  return { reports: loaded };
}

async function insertGenerated(
  trx: Parameters<typeof insertReports>[0],
  townshipId: string,
  router: ReturnType<typeof createRouter>,
  reports: GeneratedReport[],
): Promise<void> {
  const rows = reports.map((g) => {
    const route = router.route(g.lon, g.lat);
    const last = g.events[g.events.length - 1]!;
    return {
      id: g.id,
      township_id: townshipId,
      category_code: g.category,
      lon: g.lon,
      lat: g.lat,
      accuracy_m: g.accuracyM,
      description: g.description,
      status: g.status,
      zone_id: route?.zone?.id ?? null,
      village_id: route?.village?.id ?? null,
      unit_id: route?.unit?.id ?? null,
      reporter_id: null,
      duplicate_of: g.duplicateOf,
      captured_at: g.capturedAt,
      received_at: g.receivedAt,
      observed_at: observedAt(g.capturedAt, g.receivedAt),
      deadline_at: g.deadlineAt,
      closed_at: g.closedAt,
      updated_at: last.at > g.receivedAt ? last.at : g.receivedAt,
      idempotency_key: null,
    };
  });
  await insertReports(trx, rows);
  await insertReportEvents(
    trx,
    reports.flatMap((g) =>
      g.events.map((e) => ({
        report_id: g.id,
        township_id: townshipId,
        type: e.type,
        from_status: e.from,
        to_status: e.to,
        actor_id: null,
        at: e.at,
        note: e.note,
        data: null,
      })),
    ),
  );
}

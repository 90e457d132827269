import { randomUUID } from 'node:crypto';
import type { Deps } from './context.ts';
import { clearCaches } from './context.ts';
import { generatorTownFrom, readDemoTown } from '../demo/town.ts';
import { generateReports, type GeneratedReport } from '../demo/generator.ts';
import { createRouter, type RoutableArea } from '../domain/routing.ts';
import { bboxOf } from '../domain/geo.ts';
import { observedAt } from '../domain/reports.ts';
import { countTownships, findDefaultTownship, insertTownship } from '../store/townships.ts';
import { insertAreas } from '../store/areas.ts';
import { insertCategories } from '../store/categories.ts';
import { categoryRows } from './townships.ts';
import { insertBasemapFeatures } from '../store/basemap.ts';
import { insertReportEvents, insertReports } from '../store/reports.ts';
import { isUniqueViolation } from '../store/errors.ts';
import { insertUsers } from '../store/users.ts';
import { insertDeductions } from '../store/deductions.ts';
import { hashPassword } from './passwords.ts';
import { sweepOverdue } from './lifecycle.ts';
import { responsibleArea } from '../domain/responsibility.ts';
import { localDate } from '../domain/calendar.ts';
import type { Role } from '../domain/lifecycle.ts';
import type { TownCategory } from '../demo/town.ts';

export const DEMO_SEED = 20221;
const DEMO_CODE = 'demo-town';

/** Whether this database holds the demo town (the sign-in page then lists the demo accounts). */
export async function isDemo(deps: Deps): Promise<boolean> {
  const t = await findDefaultTownship(deps.store.db);
  return t?.code === DEMO_CODE;
}
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

  // Demo-only accounts, all with the password "demo"; a database started without the demo never has them.
  const demoHash = await hashPassword('demo');
  const areaId = (code: string) => areas.find((a) => a.code === code)!.id;
  const person = (username: string, displayName: string, role: Role, area: string | null = null) => ({
    id: randomUUID(),
    township_id: townshipId,
    username,
    display_name: displayName,
    role,
    created_at: nowIso,
    password_hash: demoHash,
    area_id: area,
    phone: null,
    active: 1,
  });
  const users = [
    person('admin', '系统管理员', 'admin'),
    person('leader', '领导小组', 'leader'),
    person('office', '镇创建办', 'office'),
    person('inspector', '督查员', 'inspector'),
    // The county's people see every township of the deployment, here the demo town alone.
    { ...person('county-admin', '县创建办管理员', 'county_admin'), township_id: null },
    { ...person('county-leader', '县领导小组', 'county_leader'), township_id: null },
    ...town.areas
      .filter((a) => a.kind === 'cleaning_zone')
      .map((a, i) => person(`cleaner${i + 1}`, `${a.responsibleName ?? '保洁员'}(${a.nameZh})`, 'cleaner', areaId(a.code))),
    ...town.areas
      .filter((a) => a.kind === 'village' || a.kind === 'community')
      .map((a) => person(a.code.replace(/^village-/, ''), `${a.responsibleName ?? '负责人'}(${a.nameZh})`, 'cleaner', areaId(a.code))),
    ...town.areas
      .filter((a) => a.kind === 'unit')
      .map((a) => person(a.code, `${a.responsibleName ?? a.nameZh}(${a.nameZh})`, 'unit', areaId(a.code))),
  ];

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
    await insertCategories(trx, categoryRows(townshipId, town.categories));
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
    await insertUsers(trx, users);
    await insertGenerated(trx, townshipId, town.timezone, router, generated, town.categories, users, nowIso);
    loaded = generated.length;
    });
  } catch (err) {
    // Another server loaded the demo first (townships.code is unique): nothing left to do.
    if (isUniqueViolation(err)) return null;
    throw err;
  }
  clearCaches(deps);
  await sweepOverdue(deps);
  return { reports: loaded };
}

/** A generated report as a row of the reports table, at its place, before people are attached to it. */
export function generatedReportRow(
  g: GeneratedReport,
  townshipId: string,
  place: { zoneId: string | null; villageId: string | null; unitId: string | null },
  responsibleAreaId: string | null,
) {
  return {
    id: g.id,
    township_id: townshipId,
    category_code: g.category,
    lon: g.lon,
    lat: g.lat,
    accuracy_m: g.accuracyM,
    description: null as string | null,
    status: g.status,
    zone_id: place.zoneId,
    village_id: place.villageId,
    unit_id: place.unitId,
    reporter_id: null as string | null,
    duplicate_of: null as string | null,
    captured_at: g.capturedAt,
    received_at: g.receivedAt,
    observed_at: observedAt(g.capturedAt, g.receivedAt),
    deadline_at: g.deadlineAt,
    closed_at: g.closedAt,
    updated_at: g.receivedAt,
    idempotency_key: null as string | null,
    assignee_id: null as string | null,
    responsible_area_id: responsibleAreaId,
    rectified_by: null as string | null,
    recurrence_of: null as string | null,
  };
}

async function insertGenerated(
  trx: Parameters<typeof insertReports>[0],
  townshipId: string,
  timezone: string,
  router: ReturnType<typeof createRouter>,
  reports: GeneratedReport[],
  categories: TownCategory[],
  users: { id: string; username: string; role: Role; area_id: string | null }[],
  nowIso: string,
): Promise<void> {
  const byCode = new Map(categories.map((c) => [c.code, c]));
  const ownerOf = (areaId: string | null) => users.find((u) => u.area_id === areaId && (u.role === 'cleaner' || u.role === 'unit'));
  const office = users.find((u) => u.role === 'office')!;
  const inspector = users.find((u) => u.role === 'inspector')!;
  const deductions: Parameters<typeof insertDeductions>[1] = [];
  const rows = reports.map((g) => {
    const route = router.route(g.lon, g.lat);
    const place = { zoneId: route?.zone?.id ?? null, villageId: route?.village?.id ?? null, unitId: route?.unit?.id ?? null };
    const category = byCode.get(g.category);
    const responsible = responsibleArea(place, category?.responsibility ?? 'area');
    const owner = ownerOf(responsible);
    const last = g.events[g.events.length - 1]!;
    const rectified = g.events.filter((e) => e.type === 'rectify').at(-1);
    // A rectification after the deadline cost the owner its deduction.
    if (g.deadlineAt && rectified && rectified.at > g.deadlineAt && responsible) {
      deductions.push({
        township_id: townshipId,
        report_id: g.id,
        area_id: responsible,
        person_id: owner?.id ?? null,
        category_code: g.category,
        deadline_at: g.deadlineAt,
        amount_yuan: category?.responsibility === 'unit' && responsible === place.unitId ? 0 : (category?.deductionYuan ?? 0),
        points: category?.scorePoints ?? 0,
        month: localDate(g.deadlineAt, timezone).slice(0, 7),
        created_at: nowIso,
      });
    }
    return {
      ...generatedReportRow(g, townshipId, place, responsible),
      description: g.description,
      reporter_id: inspector.id,
      duplicate_of: g.duplicateOf,
      updated_at: last.at > g.receivedAt ? last.at : g.receivedAt,
      assignee_id: owner?.id ?? null,
      rectified_by: g.status === 'rectified' || g.status === 'closed' ? (owner?.id ?? office.id) : null,
      version: g.events.length,
    };
  });
  await insertReports(trx, rows);
  const actorFor = (g: GeneratedReport, type: string) => {
    if (type === 'created') return inspector.id;
    if (type === 'rectify') return rows.find((r) => r.id === g.id)?.assignee_id ?? office.id;
    if (type === 'reopen') return inspector.id;
    return office.id;
  };
  await insertReportEvents(
    trx,
    reports.flatMap((g) =>
      g.events.map((e) => ({
        report_id: g.id,
        township_id: townshipId,
        type: e.type,
        from_status: e.from,
        to_status: e.to,
        actor_id: actorFor(g, e.type),
        at: e.at,
        note: e.note,
        data: null,
      })),
    ),
  );
  await insertDeductions(trx, deductions);
}

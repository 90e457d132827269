import type { Deps } from './context.ts';
import { clearCaches, currentTownship } from './context.ts';
import { recordAudit, type AuditActor } from './audit.ts';
import { listAreas as listAreaRows } from '../store/areas.ts';
import { listBasemapFeatures } from '../store/basemap.ts';
import { listCategories as listCategoryRows } from '../store/categories.ts';
import { updateMarketDays, type TownshipRow } from '../store/townships.ts';
import { listUsers } from '../store/users.ts';
import type { AreaKind } from '../store/schema.ts';
import { bboxOf, type AreaGeometry } from '../domain/geo.ts';
import { DEFAULT_MARKET_RULE, describeMarketRule, type MarketDayRule } from '../domain/calendar.ts';

export interface AreaProperties {
  id: string;
  kind: AreaKind;
  code: string;
  nameZh: string;
  nameEn: string;
  responsibleName: string | null;
  responsiblePhone: string | null;
}

/** The township's market-day rule, the default cycle when its stored rule cannot be read. */
export function marketRuleOf(t: { market_days: string }): MarketDayRule {
  try {
    const r = JSON.parse(t.market_days) as MarketDayRule;
    if (r.kind === 'weekdays' ? Array.isArray(r.days) : Array.isArray(r.dayEndings)) return r;
  } catch {
    // fall through
  }
  return DEFAULT_MARKET_RULE;
}

/** What every view of a township shows: names, time zone, boundary and its bounding box. */
export function townshipBasics(t: TownshipRow) {
  const boundary = JSON.parse(t.boundary) as AreaGeometry;
  return { id: t.id, code: t.code, nameZh: t.name_zh, nameEn: t.name_en, timezone: t.timezone, bbox: bboxOf(boundary), boundary };
}

/** The township the deployment serves: names, time zone, market days, boundary and its bounding box. */
/** ODK Collect accepts at 5 m and calls 100 m unacceptable; a phone under trees or between houses gives 10–30 m. */
export const GPS_ACCEPT_M = 30;

export async function getTownship(deps: Deps) {
  const t = await currentTownship(deps);
  return { ...townshipBasics(t), marketDays: marketRuleOf(t), marketDaysText: describeMarketRule(marketRuleOf(t)), gpsAcceptM: deps.options.gpsAcceptM ?? GPS_ACCEPT_M };
}

/** Sets when the township holds its market; the analyses compare those days with ordinary ones. */
export async function setMarketDays(deps: Deps, actor: AuditActor, rule: MarketDayRule) {
  const t = await currentTownship(deps);
  await deps.store.db.transaction().execute(async (trx) => {
    await updateMarketDays(trx, t.id, JSON.stringify(rule));
    await recordAudit(deps, trx, { townshipId: t.id, actor, action: 'township.market_days', target: `township:${t.code}`, detail: { before: marketRuleOf(t), after: rule } });
  });
  clearCaches(deps);
  return getTownship(deps);
}

/** The township's areas as a GeoJSON FeatureCollection, optionally of some kinds only. */
export async function listAreas(deps: Deps, kinds?: readonly AreaKind[], opts: { anonymous?: boolean } = {}) {
  const t = await currentTownship(deps);
  const rows = await listAreaRows(deps.store.db, t.id, kinds);
  return {
    type: 'FeatureCollection' as const,
    features: rows.map((a) => ({
      type: 'Feature' as const,
      id: a.id,
      geometry: JSON.parse(a.polygon) as AreaGeometry,
      properties: {
        id: a.id,
        kind: a.kind,
        code: a.code,
        nameZh: a.name_zh,
        nameEn: a.name_en,
        responsibleName: a.responsible_name,
        // Responsible persons' phones are for the township's own people, not for anyone reading the public map.
        responsiblePhone: opts.anonymous ? null : a.responsible_phone,
      } satisfies AreaProperties,
    })),
  };
}

/** Roads and landmarks the offline basemap draws, as GeoJSON. */
export async function getBasemap(deps: Deps) {
  const t = await currentTownship(deps);
  const rows = await listBasemapFeatures(deps.store.db, t.id);
  return {
    type: 'FeatureCollection' as const,
    features: rows.map((r) => ({
      type: 'Feature' as const,
      id: r.id,
      geometry: JSON.parse(r.geometry) as
        | { type: 'LineString'; coordinates: [number, number][] }
        | { type: 'Point'; coordinates: [number, number] }
        | { type: 'Polygon'; coordinates: [number, number][][] },
      properties: { layer: r.layer, kind: r.kind, nameZh: r.name_zh, nameEn: r.name_en },
    })),
    /** Online or local tiles to draw under everything, when the deployment configured them. */
    tiles: deps.options.tiles ?? null,
  };
}

/** The township's problem categories in display order. */
export async function listCategories(deps: Deps) {
  const t = await currentTownship(deps);
  const rows = await listCategoryRows(deps.store.db, t.id);
  return rows.map((c) => ({
    code: c.code,
    nameZh: c.name_zh,
    nameEn: c.name_en,
    color: c.color,
    deadlineHours: c.deadline_hours,
    deadlineUnit: c.deadline_unit,
    /** The limit of an urgent (紧急) item, in deadlineUnit; null: half the normal limit, rounded up. */
    urgentHours: c.urgent_hours,
    /** 日产日清: due by the end of the day it was notified. */
    sameDay: c.same_day === 1,
    scorePoints: c.score_points,
    deductionYuan: c.deduction_yuan,
    /** Within this distance an open item of the category is taken for the same problem (the phone's hint uses it too). */
    duplicateRadiusM: c.duplicate_radius_m,
    active: c.active === 1,
  }));
}

/** Who an item can be sent to: the township's active cleaners and unit people, with the area each answers for. */
export async function listResponsiblePeople(deps: Deps) {
  const t = await currentTownship(deps);
  const people = (await listUsers(deps.store.db, t.id))
    .filter((u) => u.active === 1 && (u.role === 'cleaner' || u.role === 'unit'))
    .map((u) => ({ id: u.id, displayName: u.display_name, role: u.role as 'cleaner' | 'unit', areaId: u.area_id }));
  return { people };
}

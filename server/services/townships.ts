import { randomUUID } from 'node:crypto';
import * as turf from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import type { Deps } from './context.ts';
import { clearCaches } from './context.ts';
import { AppError } from './errors.ts';
import { recordAudit, type AuditActor } from './audit.ts';
import { addUser } from './auth.ts';
import { townshipBasics } from './areas.ts';
import { readCategories, type TownCategory } from '../demo/town.ts';
import { featureName, type GeoFeature } from '../exchange/geo-files.ts';
import { readGeoFileJob } from '../workers/pool.ts';
import { geometryProblems, townshipPlaceProblems } from '../domain/boundaries.ts';
import { bboxOf, type AreaGeometry } from '../domain/geo.ts';
import { weekStartUtc } from '../domain/calendar.ts';
import { findTownshipByCode, insertTownship, listTownships, townshipFigures } from '../store/townships.ts';
import { insertCategories } from '../store/categories.ts';
import type { CategoryTable } from '../store/schema.ts';
import type { Insertable } from 'kysely';

// A township set up from its own boundary file, and the county's view of all its townships.

export interface TownshipDraft {
  code: string;
  nameZh: string;
  nameEn?: string | undefined;
  timezone?: string | undefined;
  /** "property=value" or "#index": which feature of a file of many (a county's townships) is this township. */
  pick?: string | undefined;
  crs?: string | undefined;
  /** Accept an area outside 1–2 000 km². */
  force?: boolean | undefined;
}

export interface UploadedFile {
  name: string;
  bytes: Uint8Array;
  /** A .shp's .dbf, .prj and .cpg, when the file is given as a bare .shp. */
  siblings?: Map<string, Uint8Array> | undefined;
}

export interface TownshipAddReport {
  dryRun: boolean;
  created: boolean;
  file: { name: string; format: string; crs: string; encoding: string | null; notes: string[] };
  /** Every feature of the file, to pick from. */
  features: Array<{ index: number; name: string | null; geometryType: string | null; areaKm2: number | null; properties: Record<string, string> }>;
  picked: { index: number; name: string | null } | null;
  township: { code: string; nameZh: string; nameEn: string; timezone: string; areaKm2: number; bbox: [number, number, number, number] } | null;
  /** Each names the file, the feature and what is wrong, in Chinese and English; any problem refuses the file. */
  problems: string[];
}

export const TOWNSHIP_CODE = /^[a-z0-9][a-z0-9-]{1,31}$/;

/** Shipped default categories as rows of one township (the office edits them afterwards). */
export function categoryRows(townshipId: string, categories: readonly TownCategory[] = readCategories()): Insertable<CategoryTable>[] {
  return categories.map((c, i) => ({
    township_id: townshipId,
    code: c.code,
    name_zh: c.nameZh,
    name_en: c.nameEn,
    color: c.color,
    deadline_hours: c.deadlineHours,
    deduction_yuan: c.deductionYuan,
    sort_order: i,
    active: 1,
    same_day: c.sameDay ? 1 : 0,
    score_points: c.scorePoints,
    duplicate_radius_m: c.duplicateRadiusM,
    responsibility: c.responsibility,
  }));
}

/** A geometry as RFC 7946 wants it written: outer rings counter-clockwise, 7 decimals (about a centimetre). */
export function tidyGeometry(g: AreaGeometry): AreaGeometry {
  const r = (turf.rewind(turf.feature(g) as Feature<Polygon | MultiPolygon>, { reverse: false }) as Feature<Polygon | MultiPolygon>).geometry as AreaGeometry;
  const round = (c: unknown): unknown => (typeof c === 'number' ? Math.round(c * 1e7) / 1e7 : Array.isArray(c) ? c.map(round) : c);
  return { type: r.type, coordinates: round(r.coordinates) } as AreaGeometry;
}

const validTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

const km2 = (g: unknown) => Math.round((turf.area(turf.feature(g as Polygon)) / 1e6) * 100) / 100;

function pickFeature(features: GeoFeature[], pick: string | undefined, fileName: string, problems: string[]): GeoFeature | null {
  if (!pick) {
    if (features.length === 1) return features[0]!;
    problems.push(`${fileName}:文件有 ${features.length} 个要素,请从下方列表选择一个(命令行用 --pick 属性=值)。The file holds ${features.length} features: pick one from the list below (on the command line, --pick property=value).`);
    return null;
  }
  // "#16": the 16th feature, as the web app's feature list picks it.
  const byIndex = /^#(\d+)$/.exec(pick.trim());
  if (byIndex) {
    const hit = features.find((f) => f.index === Number(byIndex[1]));
    if (hit) return hit;
    problems.push(`${fileName}:没有第 ${byIndex[1]} 个要素。The file has no feature ${byIndex[1]}.`);
    return null;
  }
  const eq = pick.indexOf('=');
  if (eq < 1) {
    problems.push(`--pick 应写成“属性=值”,例如 name=东城区。--pick is property=value, e.g. name=东城区.`);
    return null;
  }
  const [key, value] = [pick.slice(0, eq).trim(), pick.slice(eq + 1).trim()];
  const hits = features.filter((f) => {
    const k = Object.keys(f.properties).find((p) => p.toLowerCase() === key.toLowerCase());
    return k !== undefined && String(f.properties[k] ?? '').trim() === value;
  });
  if (hits.length === 1) return hits[0]!;
  problems.push(
    hits.length
      ? `${fileName}:有 ${hits.length} 个要素的 ${key} 是“${value}”(要素 ${hits.map((h) => h.index).join('、')}),请换一个属性。${hits.length} features have ${key}=${value}; pick by another property.`
      : `${fileName}:没有 ${key} 为“${value}”的要素。No feature has ${key}=${value}.`,
  );
  return null;
}

/**
 * Sets up a township from its boundary file: checks the file, the chosen feature and the names, and with
 * dryRun=false stores the township with the shipped categories in one transaction. A refused file changes nothing.
 */
export async function addTownship(deps: Deps, actor: AuditActor, file: UploadedFile, draft: TownshipDraft, opts: { dryRun: boolean }): Promise<TownshipAddReport> {
  const read = await readGeoFileJob(actor.id ?? 'command line', file, draft.crs);
  const problems: string[] = [];
  const features = read.features.map((f) => ({
    index: f.index,
    name: featureName(f.properties),
    geometryType: f.geometry?.type ?? null,
    areaKm2: f.geometry && (f.geometry.type === 'Polygon' || f.geometry.type === 'MultiPolygon') && !geometryProblems(f.geometry).length ? km2(f.geometry) : null,
    properties: Object.fromEntries(Object.entries(f.properties).slice(0, 12).map(([k, v]) => [k, String(v ?? '').slice(0, 60)])),
  }));
  const chosen = pickFeature(read.features, draft.pick, file.name, problems);
  const label = (f: GeoFeature) => `${file.name} 要素 ${f.index}${featureName(f.properties) ? `(${featureName(f.properties)})` : ''}`;
  let geometry: AreaGeometry | null = null;
  if (chosen) {
    const gp = geometryProblems(chosen.geometry);
    for (const p of gp) problems.push(`${label(chosen)}:${p.message}`);
    if (!gp.length) {
      geometry = chosen.geometry as AreaGeometry;
      for (const p of townshipPlaceProblems(geometry)) if (!(p.forcible && draft.force)) problems.push(`${label(chosen)}:${p.message}`);
    }
  }
  const code = draft.code.trim().toLowerCase();
  if (!TOWNSHIP_CODE.test(code)) problems.push(`乡镇编码“${draft.code}”应为 2–32 位小写字母、数字或 -。A township code is 2–32 lower-case letters, digits or -.`);
  else if (await findTownshipByCode(deps.store.db, code)) problems.push(`乡镇编码“${code}”已被使用。The township code ${code} is taken.`);
  const nameZh = draft.nameZh.trim();
  if (!nameZh) problems.push('请填写乡镇的中文名称(命令行用 --name-zh)。The township needs its Chinese name (on the command line, --name-zh).');
  const timezone = draft.timezone?.trim() || 'Asia/Shanghai';
  if (!validTimeZone(timezone)) problems.push(`时区“${timezone}”无法识别,例如 Asia/Shanghai。Unknown time zone ${timezone}.`);

  // A township of the same deployment must not cover another's ground (a county's townships share borders only).
  if (geometry && !problems.length) {
    const mine = turf.feature(geometry as Polygon);
    const myArea = turf.area(mine);
    for (const other of await listTownships(deps.store.db)) {
      const theirs = turf.feature(JSON.parse(other.boundary) as Polygon);
      const inter = turf.booleanIntersects(mine, theirs) ? turf.intersect(turf.featureCollection([mine, theirs])) : null;
      const shared = inter ? turf.area(inter) : 0;
      if (shared > 0.02 * myArea) {
        problems.push(`${label(chosen!)}:与已有的“${other.name_zh}”重叠 ${(shared / 1e6).toFixed(2)} km²。It overlaps ${other.name_en || other.name_zh} by ${(shared / 1e6).toFixed(2)} km².`);
      }
    }
  }

  const nameEn = draft.nameEn?.trim() || nameZh;
  const tidy = geometry ? tidyGeometry(geometry) : null;
  const report: TownshipAddReport = {
    dryRun: opts.dryRun,
    created: false,
    file: { name: file.name, format: read.format, crs: read.crs, encoding: read.encoding ?? null, notes: read.notes },
    features,
    picked: chosen ? { index: chosen.index, name: featureName(chosen.properties) } : null,
    township: tidy ? { code, nameZh, nameEn, timezone, areaKm2: km2(tidy), bbox: bboxOf(tidy) } : null,
    problems,
  };
  if (opts.dryRun) return report;
  if (problems.length || !tidy) throw new AppError(422, 'township_has_problems', `${file.name}:乡镇未创建,请先解决所列问题。The township was not created: fix the problems listed first.`, report);

  const id = randomUUID();
  const now = deps.now().toISOString();
  await deps.store.db.transaction().execute(async (trx) => {
    await insertTownship(trx, { id, code, name_zh: nameZh, name_en: nameEn, boundary: JSON.stringify(tidy), timezone, created_at: now });
    await insertCategories(trx, categoryRows(id));
    await recordAudit(deps, trx, {
      townshipId: id,
      actor,
      action: 'township.create',
      target: `township:${code}`,
      detail: { nameZh, nameEn, timezone, file: file.name, feature: report.picked, crs: read.crs, areaKm2: report.township!.areaKm2 },
    });
  });
  clearCaches(deps);
  return { ...report, created: true };
}

/** Every township with the figures the county leader compares them by. */
export async function countyOverview(deps: Deps) {
  const now = deps.now();
  const townships = await listTownships(deps.store.db);
  // Weeks start on Monday in each township's own time; a county in one zone has one week start.
  const starts = new Map(townships.map((t) => [t.id, new Date(weekStartUtc(now.getTime(), t.timezone)).toISOString()]));
  const figures = new Map<string, Awaited<ReturnType<typeof townshipFigures>>[number]>();
  for (const weekStart of new Set(starts.values())) {
    for (const f of await townshipFigures(deps.store.db, now.toISOString(), weekStart)) if (starts.get(f.township_id) === weekStart) figures.set(f.township_id, f);
  }
  return {
    townships: townships.map((t) => {
      const f = figures.get(t.id);
      return {
        ...townshipBasics(t),
        open: f?.open ?? 0,
        overdue: f?.overdue ?? 0,
        closedThisWeek: f?.closed_week ?? 0,
        dueThisWeek: f?.due_week ?? 0,
        /** Of the items due this week so far, the share closed by their deadline; null when none fell due. */
        onTimeRate: f && f.due_week > 0 ? Math.round((f.on_time_week / f.due_week) * 1000) / 1000 : null,
      };
    }),
  };
}

/** Creates a person of one township (the county admin creates each township's first admin). */
export async function addTownshipPerson(
  deps: Deps,
  actor: AuditActor,
  code: string,
  p: { username: string; displayName: string; role: 'admin' | 'leader' | 'office'; password: string; phone?: string | null | undefined },
) {
  const t = await findTownshipByCode(deps.store.db, code);
  if (!t) throw new AppError(404, 'township_not_found', `没有编码为“${code}”的乡镇。No township with code ${code}.`);
  const u = await addUser(deps, { townshipId: t.id, username: p.username, displayName: p.displayName, role: p.role, password: p.password, phone: p.phone ?? null }, actor);
  return { id: u.id, username: u.username, displayName: u.displayName, role: u.role, township: { code: t.code, nameZh: t.name_zh } };
}

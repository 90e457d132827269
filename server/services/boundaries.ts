import { randomUUID } from 'node:crypto';
import * as turf from '@turf/turf';
import type { MultiPolygon, Polygon } from 'geojson';
import type { Deps } from './context.ts';
import { clearCaches, currentTownship } from './context.ts';
import { AppError } from './errors.ts';
import { recordAudit, type AuditActor } from './audit.ts';
import { rerouteAround } from './rerouting.ts';
import { areaSizeProblem, geometryProblems } from '../domain/boundaries.ts';
import { bboxOf, type AreaGeometry } from '../domain/geo.ts';
import { readGeoFileJob } from '../workers/pool.ts';
import { tidyGeometry } from './townships.ts';
import { runJob } from '../workers/pool.ts';
import type { BoundaryGeometryResult } from '../exchange/boundary-geometry.ts';
import { insertAreas, listAreas, updateArea } from '../store/areas.ts';
import type { AreaKind } from '../store/schema.ts';
import { AREA_KINDS } from '../domain/routing.ts';

// Zones, villages and units from a boundary file (GeoJSON, or a zipped Shapefile as county GIS offices send them):
// checked feature by feature and as a whole (overlaps, gaps, coordinate systems), then stored in one transaction.

const KINDS: readonly AreaKind[] = AREA_KINDS;
const KIND_ALIASES: Record<string, AreaKind> = { 保洁区: 'cleaning_zone', zone: 'cleaning_zone', 村: 'village', 行政村: 'village', 社区: 'community', 单位: 'unit' };

export interface BoundaryFeature {
  line: number;
  properties: Record<string, unknown>;
  geometry: unknown;
}

/** A boundary file read into WGS84: its features, and what was decided on the way (coordinate system, encoding). */
export interface BoundaryFile {
  features: BoundaryFeature[];
  crs: string;
  notes: string[];
}

/** The features of a boundary file (GeoJSON, TopoJSON, a zipped Shapefile, KML), reprojected to WGS84 in a worker. */
export async function readBoundaryFile(who: string, bytes: Uint8Array, filename: string, crs?: string, siblings?: Map<string, Uint8Array>): Promise<BoundaryFile> {
  const f = await readGeoFileJob(who, { name: filename, bytes, siblings }, crs);
  return { crs: f.crs, notes: f.notes, features: f.features.map((x) => ({ line: x.index, properties: x.properties, geometry: x.geometry })) };
}

const str = (v: unknown) => (v === null || v === undefined || String(v).trim() === '' ? undefined : String(v).trim());
const pick = (p: Record<string, unknown>, ...names: string[]) => {
  for (const n of names) {
    const hit = Object.keys(p).find((k) => k.toLowerCase() === n.toLowerCase());
    if (hit && str(p[hit])) return str(p[hit]);
  }
  return undefined;
};
/** A column's value: undefined when the file has no such column (the field is left as it is), null when blank. */
const column = (p: Record<string, unknown>, ...names: string[]): string | null | undefined => {
  for (const n of names) {
    const hit = Object.keys(p).find((k) => k.toLowerCase() === n.toLowerCase());
    if (hit !== undefined) return str(p[hit]) ?? null;
  }
  return undefined;
};

/** One field an import changes on an existing area, as the dry run lists it. */
export interface FieldChange {
  field: 'name_zh' | 'name_en' | 'boundary' | 'responsible_name' | 'responsible_phone';
  from: string | null;
  to: string | null;
}

export interface BoundaryRow {
  line: number;
  code: string | null;
  kind: AreaKind | null;
  nameZh: string | null;
  action: 'insert' | 'update' | null;
  /** For an update: every field that changes, old → new (a column the file lacks changes nothing). */
  changes: FieldChange[];
  problems: string[];
}

export interface BoundaryReport {
  dryRun: boolean;
  total: number;
  inserted: number;
  updated: number;
  rerouted: number;
  rows: BoundaryRow[];
  /** Problems of the file as a whole: overlaps, gaps in coverage. */
  fileProblems: string[];
}

/** The stored fields a feature gives: undefined where the file has no such column. */
function fieldsOf(p: Record<string, unknown>, geometry: AreaGeometry, nameZh: string) {
  const en = column(p, 'name_en', 'nameEn', 'english');
  return {
    name_zh: nameZh,
    name_en: en === null ? nameZh : en,
    polygon: JSON.stringify(tidyGeometry(geometry)),
    responsible_name: column(p, 'responsible_name', 'responsibleName', '责任人'),
    responsible_phone: column(p, 'responsible_phone', 'responsiblePhone', '电话', 'phone'),
  };
}

const m2 = (v: number) => `${Math.round(v).toLocaleString('en-US')} m²`;

export async function importBoundaries(deps: Deps, actor: AuditActor, features: readonly BoundaryFeature[], opts: { dryRun: boolean }): Promise<BoundaryReport> {
  if (!features.length) throw new AppError(422, 'empty_file', '边界文件中没有要素。The boundary file holds no features.');
  const t = await currentTownship(deps);
  const township = turf.feature(JSON.parse(t.boundary) as Polygon | MultiPolygon);
  const townshipKm2 = turf.area(township) / 1e6;
  const existing = new Map((await listAreas(deps.store.db, t.id)).map((a) => [a.code, a]));
  const rows: BoundaryRow[] = [];
  const good: Array<{ row: BoundaryRow; geometry: AreaGeometry; props: Record<string, unknown> }> = [];
  const seen = new Set<string>();

  // Coordinates in GCJ-02 sit a few hundred metres off: a noticeable part of the file lies outside the township,
  // and converting it to WGS84 brings that part in. The polygon arithmetic runs in the worker pool.
  // each feature's geometry checked once: the row checks below read the same answers
  const checkedGeometry = new Map(features.map((f) => [f, geometryProblems(f.geometry)]));
  const drawable = features.filter((f) => !checkedGeometry.get(f)!.length).map((f) => f.geometry as AreaGeometry);
  const pre = await runJob<BoundaryGeometryResult>(actor.id ?? 'import', { kind: 'boundary-geometry', input: { township: township.geometry as AreaGeometry, drawable, good: [] } });
  const looksGcj = pre.fileArea > 0 && pre.outside > 0.005 * pre.fileArea && pre.outsideAsGcj < pre.outside / 3;

  for (const f of features) {
    const p = f.properties;
    const problems: string[] = [];
    const code = pick(p, 'code', '编码', '代码') ?? null;
    const rawKind = pick(p, 'kind', 'type', '类型');
    const kind = rawKind ? (KINDS.includes(rawKind as AreaKind) ? (rawKind as AreaKind) : KIND_ALIASES[rawKind] ?? null) : null;
    const nameZh = pick(p, 'name_zh', 'nameZh', 'name', '名称') ?? null;
    if (!code) problems.push('缺少编码(code)。The feature has no code.');
    else if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(code)) problems.push(`编码“${code.slice(0, 40)}”只能包含字母、数字、- 和 _。A code is letters, digits, - and _.`);
    else if (seen.has(code)) problems.push(`编码“${code}”在文件中重复。The code appears twice.`);
    if (code) seen.add(code);
    if (!kind) problems.push(`类型“${rawKind ?? '空'}”无法识别,应为 ${KINDS.join(' / ')}。Unknown kind.`);
    if (!nameZh) problems.push('缺少名称(name_zh)。The feature has no name.');
    const gp = checkedGeometry.get(f)!;
    problems.push(...gp.map((g) => g.message));
    if (!gp.length && looksGcj) problems.push('坐标像是GCJ-02(高德/腾讯坐标),整体偏离镇界数百米,请先转换为WGS84。The coordinates look like GCJ-02; convert them to WGS84.');
    if (!gp.length && !looksGcj && !turf.booleanIntersects(turf.feature(f.geometry as Polygon), township)) problems.push('边界完全在本镇范围以外。The boundary lies wholly outside the township.');
    if (!gp.length && kind) {
      const size = areaSizeProblem(kind, turf.area(turf.feature(f.geometry as Polygon)) / 1e6, townshipKm2);
      if (size) problems.push(size);
    }
    const existingKind = code ? existing.get(code)?.kind : undefined;
    if (existingKind && kind && existingKind !== kind) problems.push(`编码“${code}”已是${existingKind},不能改为${kind}。The code already names a ${existingKind}.`);
    const old = code ? existing.get(code) : undefined;
    const changes: FieldChange[] = [];
    if (old && !problems.length) {
      const m2of = (g: string) => `${Math.round(turf.area(turf.feature(JSON.parse(g) as Polygon))).toLocaleString('en-US')} m²`;
      const next = fieldsOf(p, f.geometry as AreaGeometry, nameZh!);
      const cmp: Array<[FieldChange['field'], string | null, string | null | undefined]> = [
        ['name_zh', old.name_zh, next.name_zh],
        ['name_en', old.name_en, next.name_en],
        ['responsible_name', old.responsible_name, next.responsible_name],
        ['responsible_phone', old.responsible_phone, next.responsible_phone],
      ];
      for (const [field, from, to] of cmp) if (to !== undefined && to !== from) changes.push({ field, from, to });
      if (next.polygon !== old.polygon) changes.push({ field: 'boundary', from: m2of(old.polygon), to: m2of(next.polygon) });
    }
    const row: BoundaryRow = { line: f.line, code, kind, nameZh, action: problems.length ? null : old ? 'update' : 'insert', changes, problems };
    rows.push(row);
    if (!problems.length) good.push({ row, geometry: f.geometry as AreaGeometry, props: p });
  }

  // The file as a whole: areas of one layer must not overlap, and villages with communities must cover the township.
  const fileProblems: string[] = [];
  const layerOf = (k: AreaKind | null) => (k === 'community' ? 'village' : k);
  const geo = await runJob<BoundaryGeometryResult>(actor.id ?? 'import', {
    kind: 'boundary-geometry',
    input: { township: township.geometry as AreaGeometry, drawable: [], good: good.map((g) => ({ geometry: g.geometry, layer: layerOf(g.row.kind) })) },
  });
  for (const o of geo.overlaps) {
    const a = good[o.i]!;
    const b = good[o.j]!;
    const msg = `“${a.row.nameZh}”与“${b.row.nameZh}”重叠约 ${m2(o.area)}(在 ${o.where} 附近)。They overlap by about ${m2(o.area)}.`;
    fileProblems.push(msg);
    a.row.problems.push(msg);
    b.row.problems.push(msg);
  }
  if (geo.gap && geo.gap.area > 2000) {
    fileProblems.push(`村(社区)边界没有覆盖全镇:约 ${m2(geo.gap.area)} 不属于任何村(在 ${geo.gap.where} 附近)。Villages leave about ${m2(geo.gap.area)} of the township uncovered.`);
  }
  for (const r of rows) r.action = r.problems.length ? null : r.action;
  const ok = rows.filter((r) => r.action);
  const report: BoundaryReport = {
    dryRun: opts.dryRun,
    total: rows.length,
    inserted: ok.filter((r) => r.action === 'insert').length,
    updated: ok.filter((r) => r.action === 'update').length,
    rerouted: 0,
    rows,
    fileProblems,
  };
  if (opts.dryRun) return report;
  if (ok.length !== rows.length || fileProblems.length) {
    throw new AppError(422, 'import_has_errors', '边界文件有问题,未做任何更改。The boundary file has problems; nothing was changed. Fix them and try again.', report);
  }

  const now = deps.now().toISOString();
  await deps.store.db.transaction().execute(async (trx) => {
    for (const g of good) {
      const next = fieldsOf(g.props, g.geometry, g.row.nameZh!);
      const box = bboxOf(JSON.parse(next.polygon) as AreaGeometry);
      const geo = { polygon: next.polygon, min_lon: box[0], min_lat: box[1], max_lon: box[2], max_lat: box[3], updated_at: now };
      const old = existing.get(g.row.code!);
      // A column the file does not have leaves that field as it is.
      if (old) {
        const patch: Parameters<typeof updateArea>[3] = { name_zh: next.name_zh, ...geo };
        if (next.name_en !== undefined) patch.name_en = next.name_en;
        if (next.responsible_name !== undefined) patch.responsible_name = next.responsible_name;
        if (next.responsible_phone !== undefined) patch.responsible_phone = next.responsible_phone;
        await updateArea(trx, t.id, old.id, patch);
      }
      else {
        await insertAreas(trx, [{
          id: randomUUID(), township_id: t.id, kind: g.row.kind!, code: g.row.code!, created_at: now, name_zh: next.name_zh,
          name_en: next.name_en ?? next.name_zh, responsible_name: next.responsible_name ?? null, responsible_phone: next.responsible_phone ?? null, ...geo,
        }]);
      }
    }
    // Every item still waiting for rectification goes to whoever owns its spot now.
    report.rerouted = await rerouteAround(deps, trx, t, actor.id, bboxOf(JSON.parse(t.boundary) as AreaGeometry), { import: true });
    await recordAudit(deps, trx, { townshipId: t.id, actor, action: 'areas.import', target: `township:${t.code}`, detail: { inserted: report.inserted, updated: report.updated, rerouted: report.rerouted, codes: good.map((g) => g.row.code) } });
  });
  clearCaches(deps);
  return report;
}

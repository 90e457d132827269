import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import * as turf from '@turf/turf';
import type { Deps } from './context.ts';
import { clearCaches, currentTownship } from './context.ts';
import { AppError } from './errors.ts';
import { recordAudit, type AuditActor } from './audit.ts';
import { basemapFromGeoJson, BASEMAP_MARGIN_M, clipToTownship, readOsmFile, type BasemapFeature } from '../exchange/osm.ts';
import type { AreaGeometry } from '../domain/geo.ts';
import { countBasemapFeatures, replaceBasemapFeatures } from '../store/basemap.ts';

// The township's own map data: its roads, water and landmarks replace what its offline basemap had, so the
// basemap, the naming of hot spots and chronic spots and the briefing's maps show the real place.

export interface BasemapReport {
  dryRun: boolean;
  file: string;
  /** Kept features per layer and kind, e.g. { road: { main: 12, street: 40 }, landmark: { school: 3 } }. */
  counts: Record<string, Record<string, number>>;
  total: number;
  unnamedRoads: number;
  namedLandmarks: number;
  /** Features read from the file before clipping to the township. */
  read: number;
  /** What the township's basemap held before. */
  replaced: number;
}

const OSM_FILE = /\.(osm\.pbf|pbf|osm|osm\.xml|xml)$/i;

/** Reads a file given by path (the CLI) or by its bytes (an upload) into basemap features. */
async function readFeatures(file: { name: string; path?: string; bytes?: Uint8Array }, box: [number, number, number, number]): Promise<BasemapFeature[]> {
  if (OSM_FILE.test(file.name)) {
    // osm-read reads from a file: an upload is written to a temporary one first.
    const p = file.path;
    const tmp = p ? null : path.join(os.tmpdir(), `basemap-${randomUUID()}${/pbf$/i.test(file.name) ? '.osm.pbf' : '.osm'}`);
    if (tmp) fs.writeFileSync(tmp, file.bytes!, { mode: 0o600 });
    try {
      return await readOsmFile(p ?? tmp!, box);
    } finally {
      if (tmp) fs.rmSync(tmp, { force: true });
    }
  }
  if (/\.(geo)?json$/i.test(file.name)) {
    const bytes = file.bytes ?? fs.readFileSync(file.path!);
    return basemapFromGeoJson(JSON.parse(new TextDecoder().decode(bytes).replace(/^\uFEFF/, '')));
  }
  throw new AppError(415, 'unsupported_format', `${file.name}:底图请用 OpenStreetMap 文件(.osm.pbf / .osm)或 GeoJSON。A basemap is read from an OpenStreetMap extract (.osm.pbf or .osm) or GeoJSON.`);
}

/** Dry run or import of a township's basemap; the real run replaces its features in one transaction. */
export async function importBasemap(deps: Deps, actor: AuditActor, file: { name: string; path?: string; bytes?: Uint8Array }, opts: { dryRun: boolean }): Promise<BasemapReport> {
  const t = await currentTownship(deps);
  const boundary = JSON.parse(t.boundary) as AreaGeometry;
  // Nodes are kept a little beyond the margin so a road's last segment into the margin is whole.
  const box = turf.bbox(turf.buffer(turf.feature(boundary), (BASEMAP_MARGIN_M * 2) / 1000, { units: 'kilometers' })!) as [number, number, number, number];
  let read: BasemapFeature[];
  try {
    read = await readFeatures(file, box);
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError(422, 'unreadable_file', `${file.name}:文件无法读取(${(err as Error).message})。The file cannot be read.`);
  }
  const kept = clipToTownship(read, boundary);
  if (!kept.length) {
    throw new AppError(422, 'empty_basemap', `${file.name}:文件中没有位于${t.name_zh}范围内的道路、水系或地标(读到 ${read.length} 个要素)。No roads, water or landmarks of the file lie in ${t.name_en}; was it cut from the right region?`);
  }
  const counts: BasemapReport['counts'] = {};
  for (const f of kept) {
    counts[f.layer] ??= {};
    counts[f.layer]![f.kind] = (counts[f.layer]![f.kind] ?? 0) + 1;
  }
  const report: BasemapReport = {
    dryRun: opts.dryRun,
    file: file.name,
    counts,
    total: kept.length,
    unnamedRoads: kept.filter((f) => f.layer === 'road' && !f.nameZh).length,
    namedLandmarks: kept.filter((f) => f.layer === 'landmark' && f.nameZh).length,
    read: read.length,
    replaced: await countBasemapFeatures(deps.store.db, t.id),
  };
  if (opts.dryRun) return report;
  await deps.store.db.transaction().execute(async (trx) => {
    await replaceBasemapFeatures(
      trx,
      t.id,
      kept.map((f) => ({ township_id: t.id, layer: f.layer, kind: f.kind, name_zh: f.nameZh, name_en: f.nameEn, geometry: JSON.stringify(f.geometry) })),
    );
    await recordAudit(deps, trx, { townshipId: t.id, actor, action: 'basemap.import', target: `township:${t.code}`, detail: { file: file.name, counts, replaced: report.replaced } });
  });
  clearCaches(deps);
  return report;
}

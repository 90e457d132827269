import type { Deps } from './context.ts';
import { AppError } from './errors.ts';
import type { ViewContext } from './report-views.ts';
import type { AnalysisQuery } from './analysis.ts';
import { countReportsByCell } from '../store/report-analysis.ts';
import { listBasemapFeatures } from '../store/basemap.ts';
import { basemapSignature, latestReportEvent } from '../store/versions.ts';
import type { TownshipRow } from '../store/townships.ts';
import { buildGrid, defaultDistanceBand, type StudyGrid } from '../analysis/grid.ts';
import { estimatedPairs, MAX_NEIGHBOUR_PAIRS } from '../analysis/neighbours.ts';
import { cellsNear, lineLengthPerCell, MIN_ROAD_SHARE, STUDY_DISTANCE_M, subsetGrid, type PlaceFeatures } from '../analysis/study-area.ts';
import { bboxOf, type AreaGeometry, type Position } from '../domain/geo.ts';

// What the grid analyses share: the study area (cells near roads and landmarks, or every cell, or cells with
// road for rates), counts per cell from the database, the neighbour budget, the grid's frame for compact answers,
// who answers for a spot, and the cache of computed results per data version.

/** The options that decide which cells take part. */
export interface StudyOptions {
  study?: 'near' | 'township' | undefined;
  exposure?: 'counts' | 'roads' | undefined;
}

const MAX_CELLS = 200_000;
const CACHE_ENTRIES = 48;
const CACHE_TTL_MS = 10 * 60_000;



interface Basemap {
  signature: string;
  places: PlaceFeatures;
  roads: Position[][];
}

const basemaps = new WeakMap<Deps, Map<string, Basemap>>();

/** The township's roads and landmarks as lines and points, read again when its basemap changes. */
async function basemapOf(deps: Deps, t: TownshipRow): Promise<Basemap> {
  const signature = await basemapSignature(deps.store.db, t.id);
  let byTownship = basemaps.get(deps);
  if (!byTownship) basemaps.set(deps, (byTownship = new Map()));
  const hit = byTownship.get(t.id);
  if (hit?.signature === signature) return hit;
  const places: PlaceFeatures = { lines: [], points: [] };
  const roads: Position[][] = [];
  for (const row of await listBasemapFeatures(deps.store.db, t.id)) {
    if (row.layer === 'water') continue;
    const g = JSON.parse(row.geometry) as { type: string; coordinates: unknown };
    const lines: Position[][] =
      g.type === 'LineString' ? [g.coordinates as Position[]]
      : g.type === 'MultiLineString' || g.type === 'Polygon' ? (g.coordinates as Position[][])
      : g.type === 'MultiPolygon' ? (g.coordinates as Position[][][]).flat()
      : [];
    places.lines.push(...lines);
    if (row.layer === 'road') roads.push(...lines);
    if (g.type === 'Point') places.points.push(g.coordinates as Position);
  }
  const entry = { signature, places, roads };
  byTownship.set(t.id, entry);
  return entry;
}

export interface Study {
  /** Every cell of the township at this size. */
  full: StudyGrid;
  /** The cells analysed. */
  grid: StudyGrid;
  defaultBand: number;
  /** Road length per analysed cell, km (rates only). */
  roadKm: Float64Array | null;
  rule: string;
  ruleZh: string;
}

const studies = new WeakMap<Deps, Map<string, Study>>();

export async function studyFor(deps: Deps, t: TownshipRow, cellSize: number | undefined, q: StudyOptions): Promise<Study> {
  const basemap = await basemapOf(deps, t);
  const study = q.study ?? 'near';
  const exposure = q.exposure ?? 'counts';
  let byKey = studies.get(deps);
  if (!byKey) studies.set(deps, (byKey = new Map()));
  const key = `${t.id}:${cellSize ?? 'default'}:${study}:${exposure}:${basemap.signature}`;
  const hit = byKey.get(key);
  if (hit) return hit;
  const full = buildGrid(JSON.parse(t.boundary) as AreaGeometry, cellSize);
  if (full.x.length > MAX_CELLS) {
    throw new AppError(422, 'too_many_cells', `${cellSize} m 的网格有 ${full.x.length} 个,太多:请用更大的网格。A ${cellSize} m grid would have ${full.x.length} cells; use larger cells.`);
  }
  let grid = full;
  let roadKm: Float64Array | null = null;
  let rule = 'every cell of the township';
  let ruleZh = '全镇所有网格';
  const hasPlaces = basemap.places.lines.length + basemap.places.points.length > 0;
  if (exposure === 'roads') {
    if (!basemap.roads.length) throw new AppError(422, 'no_roads', '底图中没有道路,无法按道路长度计算比率。The basemap has no roads to compute rates against.');
    const length = lineLengthPerCell(full, basemap.roads);
    const keep = Uint8Array.from(length, (m) => (m >= full.cellSize * MIN_ROAD_SHARE ? 1 : 0));
    grid = subsetGrid(full, keep);
    roadKm = Float64Array.from(grid.x, (_, k) => length[full.lookup[grid.col[k]! + grid.row[k]! * full.cols]!]! / 1000);
    rule = `cells with at least ${full.cellSize * MIN_ROAD_SHARE} m of road, reports per km of road`;
    ruleZh = `道路长度不少于 ${full.cellSize * MIN_ROAD_SHARE} 米的网格,按每公里道路的问题数`;
  } else if (study === 'near' && hasPlaces) {
    grid = subsetGrid(full, cellsNear(full, basemap.places, STUDY_DISTANCE_M));
    rule = `cells within ${STUDY_DISTANCE_M} m of a road or landmark`;
    ruleZh = `道路或地标 ${STUDY_DISTANCE_M} 米以内的网格`;
  } else if (study === 'near') {
    rule = 'every cell of the township (its basemap has no roads or landmarks yet)';
    ruleZh = '全镇所有网格(底图尚无道路和地标)';
  }
  if (grid.x.length < 30) throw new AppError(422, 'study_too_small', `研究范围只有 ${grid.x.length} 个网格,至少需要 30 个。The study area has ${grid.x.length} cells; at least 30 are needed.`);
  // The band from the whole township's grid: it depends on the cell size alone. Taken over the study cells, "every
  // cell with 8 neighbours" would stretch to reach the loneliest cell on a mountain road (721 m in the demo town).
  const entry: Study = { full, grid, defaultBand: defaultDistanceBand(full), roadKm, rule, ruleZh };
  byKey.set(key, entry);
  return entry;
}

/** Reports per analysed cell, and how many fell outside the study area. */
export async function countsIn(deps: Deps, t: TownshipRow, s: Study, q: AnalysisQuery): Promise<{ counts: Float64Array; outside: number }> {
  const { full, grid } = s;
  const rows = await countReportsByCell(deps.store.db, deps.store.dialect, { ...q, townshipId: t.id }, {
    lon0: full.plane.origin[0],
    lat0: full.plane.origin[1],
    kx: full.plane.kx,
    ky: full.plane.ky,
    x0: full.x0,
    y0: full.y0,
    size: full.cellSize,
    bbox: bboxOf(JSON.parse(t.boundary) as AreaGeometry),
  });
  const counts = new Float64Array(grid.x.length);
  let outside = 0;
  for (const r of rows) {
    const c = Number(r.c);
    const row = Number(r.r);
    const n = Number(r.n);
    const i = c < 0 || row < 0 || c >= grid.cols || row >= grid.rows ? -1 : grid.lookup[c + row * grid.cols]!;
    if (i >= 0) counts[i]! += n;
    else outside += n;
  }
  return { counts, outside };
}

export function checkBand(grid: StudyGrid, band: number) {
  if (band < grid.cellSize) {
    throw new AppError(422, 'band_too_small', `距离带(${band} 米)至少要有一个网格宽(${grid.cellSize} 米)。The distance band (${band} m) must be at least one cell (${grid.cellSize} m) so cells have neighbours.`);
  }
  // Memory and time grow with the neighbour pairs: refuse at once what would take the server for minutes.
  const pairs = estimatedPairs(grid.x.length, grid.cellSize, band);
  if (pairs > MAX_NEIGHBOUR_PAIRS) {
    throw new AppError(
      422,
      'analysis_too_large',
      `${grid.x.length.toLocaleString('en-US')} 个网格、${band} m 的距离带约有 ${(pairs / 1e6).toFixed(0)} 百万对邻居,超过上限 ${MAX_NEIGHBOUR_PAIRS / 1e6} 百万:请用更大的网格或更小的距离带。` +
        `${grid.x.length} cells with a ${band} m band make about ${(pairs / 1e6).toFixed(0)} million neighbour pairs, over the limit of ${MAX_NEIGHBOUR_PAIRS / 1e6} million: use larger cells or a smaller band.`,
    );
  }
}



export interface Responsible {
  areaZh: string;
  areaEn: string;
  kind: string;
  person: string | null;
}

/** The zone and village a spot lies in, and the cleaner or unit answering for each. */
export function responsibleAt(ctx: ViewContext, route: { zone: { id: string } | null; village: { id: string } | null } | null): Responsible[] {
  const out: Responsible[] = [];
  for (const a of [route?.zone, route?.village]) {
    const area = a ? ctx.areas.get(a.id) : undefined;
    if (!area) continue;
    const person = [...ctx.users.values()].find((u) => u.area_id === area.id && u.active !== 0 && (u.role === 'cleaner' || u.role === 'unit'));
    out.push({ areaZh: area.nameZh, areaEn: area.nameEn, kind: area.kind, person: person?.display_name ?? null });
  }
  return out;
}

export function centreOf(grid: StudyGrid, cells: readonly number[], weights: ArrayLike<number> | null): Position {
  let sx = 0;
  let sy = 0;
  let sw = 0;
  for (const i of cells) {
    const w = weights ? Math.max(weights[i]!, 0) : 1;
    sx += grid.x[i]! * w;
    sy += grid.y[i]! * w;
    sw += w;
  }
  if (!(sw > 0)) return centreOf(grid, cells, null);
  const [lon, lat] = grid.plane.toLonLat(sx / sw, sy / sw);
  return [Math.round(lon * 1e6) / 1e6, Math.round(lat * 1e6) / 1e6];
}

/** The grid's frame for the web: cell number k sits at column k % cols, row ⌊k / cols⌋ from the south-west corner. */
export function frameOf(grid: StudyGrid) {
  const [west, south] = grid.plane.toLonLat(grid.x0, grid.y0);
  const r = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;
  return { west: r(west, 7), south: r(south, 7), dLon: r(grid.cellSize / grid.plane.kx, 9), dLat: r(grid.cellSize / grid.plane.ky, 9), cols: grid.cols, rows: grid.rows };
}
export const cellNumber = (grid: StudyGrid, i: number) => grid.col[i]! + grid.row[i]! * grid.cols;
export const round = (v: number, d: number) => (Number.isFinite(v) ? Math.round(v * 10 ** d) / 10 ** d : null);

const runs = new WeakMap<Deps, Map<string, { version: number; at: number; run: Promise<unknown> }>>();

/**
 * Computed results kept per township, filter and data version (the newest report event), so the briefing's
 * eight weeks and the map's repeated views are computed once; a request arriving while the same one is being
 * computed waits for it.
 */
export async function cached<T>(deps: Deps, key: string, compute: () => Promise<T>): Promise<T> {
  const version = await latestReportEvent(deps.store.db);
  let byKey = runs.get(deps) as Map<string, { version: number; at: number; run: Promise<T> }> | undefined;
  if (!byKey) runs.set(deps, (byKey = new Map()) as never);
  const hit = byKey.get(key);
  if (hit && hit.version === version && Date.now() - hit.at < CACHE_TTL_MS) return hit.run;
  const run = compute();
  byKey.delete(key);
  byKey.set(key, { version, at: Date.now(), run });
  run.catch(() => byKey.delete(key));
  while (byKey.size > CACHE_ENTRIES) byKey.delete(byKey.keys().next().value!);
  return run;
}


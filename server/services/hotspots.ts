import type { Deps } from './context.ts';
import { currentTownship, townshipRouter } from './context.ts';
import { viewContext } from './report-views.ts';
import { namedPlaces, type AnalysisQuery } from './analysis.ts';
import { cached, centreOf, cellNumber, checkBand, countsIn, frameOf, responsibleAt, round, studyFor, type Responsible, type Study, type StudyOptions } from './study-cells.ts';
import { listIncidents } from '../store/report-analysis.ts';
import type { TownshipRow } from '../store/townships.ts';
import { buildGrid, cellOf, cellRing, type StudyGrid } from '../analysis/grid.ts';
import { COLD_Z_90 } from '../analysis/getis-ord.ts';
import { joinSpots } from '../analysis/spots.ts';
import type { MoranBand } from '../analysis/ohsa.ts';
import { nearestPlace, type NamedPlace } from '../analysis/patterns.ts';
import { runJob } from '../workers/pool.ts';
import type { AreaGeometry, Position } from '../domain/geo.ts';

// Hot spots where problems can happen, joined into places people can act on.

export type HotspotQuery = AnalysisQuery &
  StudyOptions & {
    cellSize?: number | undefined;
    distanceBand?: number | undefined;
    /** 'default' or 'ohsa': the cell size and band Optimized Hot Spot Analysis would choose. */
    scale?: 'default' | 'ohsa' | undefined;
    minReports?: number | undefined;
  };



export interface HotspotRun {
  township: TownshipRow;
  grid: StudyGrid;
  band: number;
  counts: Float64Array;
  values: Float64Array;
  z: Float64Array;
  p: Float64Array;
  bin: Int8Array;
  total: number;
  outside: number;
  lowestZ: number;
  study: Pick<Study, 'rule' | 'ruleZh'>;
  scale: { rule: 'default' | 'ohsa'; cellRule: string; bandRule: string; bands?: MoranBand[] };
  exposure: 'counts' | 'roads';
  minReports: number;
  spots: Array<{
    cells: number[];
    heart: number;
    reports: number;
    maxZ: number;
    confidence: 95 | 99;
    centre: Position;
    near: { name: string; kind: 'landmark' | 'road'; distanceM: number } | null;
    /** The landmarks inside the spot's cells, busiest cell first. */
    landmarks: string[];
    zone: string | null;
    village: string | null;
    responsible: Responsible[];
  }>;
}

function landmarksIn(grid: StudyGrid, cells: readonly number[], counts: ArrayLike<number>, places: readonly NamedPlace[]): string[] {
  const mine = new Set(cells);
  const found: { name: string; count: number }[] = [];
  for (const p of places) {
    if (p.kind !== 'landmark' || p.geometry.type !== 'Point') continue;
    const i = cellOf(grid, p.geometry.coordinates[0], p.geometry.coordinates[1]);
    if (i >= 0 && mine.has(i)) found.push({ name: p.name, count: counts[i]! });
  }
  return [...new Set(found.sort((a, b) => b.count - a.count).map((f) => f.name))];
}

export async function runHotspots(deps: Deps, q: HotspotQuery, who = 'system'): Promise<HotspotRun> {
  const t = await currentTownship(deps);
  const key = JSON.stringify(['hot', t.id, q.categories ?? null, q.from ?? null, q.to ?? null, q.statuses ?? null, q.cellSize ?? null, q.distanceBand ?? null, q.study ?? 'near', q.exposure ?? 'counts', q.scale ?? 'default', q.minReports ?? 3]);
  return cached(deps, key, () => computeHotspots(deps, t, q, who));
}

async function computeHotspots(deps: Deps, t: TownshipRow, q: HotspotQuery, who: string): Promise<HotspotRun> {
  let cellSize = q.cellSize;
  let cellRule = 'default cell: √(township area / 5000) rounded to 10 m, within 50–1000 m';
  const ohsa = q.scale === 'ohsa';
  if (ohsa && cellSize === undefined) {
    const incidents = await listIncidents(deps.store.db, { ...q, townshipId: t.id });
    const plane = buildGrid(JSON.parse(t.boundary) as AreaGeometry, 1000).plane;
    const x = new Float64Array(incidents.length);
    const y = new Float64Array(incidents.length);
    incidents.forEach((inc, k) => {
      [x[k], y[k]] = plane.toMetres(inc.lon, inc.lat);
    });
    const c = await runJob<{ cellSize: number; meanNearest: number; outliers: number; locations: number }>(who, { kind: 'ohsa-cell', x, y });
    cellSize = c.cellSize;
    cellRule = `OHSA cell: the mean nearest-neighbour distance of ${c.locations} distinct report locations (${c.meanNearest.toFixed(1)} m, ${c.outliers} locational outliers left out), rounded to 10 m, within 50–1000 m`;
  }
  const s = await studyFor(deps, t, cellSize, q);
  const { grid } = s;
  const { counts, outside } = await countsIn(deps, t, s, q);
  const exposure = q.exposure ?? 'counts';
  const values = s.roadKm ? Float64Array.from(counts, (n, i) => n / s.roadKm![i]!) : counts;
  let band = q.distanceBand ?? s.defaultBand;
  let bandRule = 'default band: the smallest distance at which every cell has at least 8 neighbours besides itself';
  let bands: MoranBand[] | undefined;
  if (ohsa && q.distanceBand === undefined) {
    const isa = await runJob<{ band: number | null; bands: MoranBand[]; rule: string }>(who, { kind: 'ohsa-band', x: grid.x, y: grid.y, values });
    bands = isa.bands;
    if (isa.band !== null) band = Math.max(isa.band, grid.cellSize);
    bandRule = `OHSA band: incremental spatial autocorrelation over ${isa.bands.length} bands, ${isa.rule}`;
  }
  checkBand(grid, band);
  const r = await runJob<{ z: Float64Array; p: Float64Array; bin: Int8Array; lowestZ: number }>(who, { kind: 'hotspots', x: grid.x, y: grid.y, values, band });
  const minReports = q.minReports ?? 3;
  const ctx = await viewContext(deps, t);
  const { router } = await townshipRouter(deps, t);
  const places: NamedPlace[] = await namedPlaces(deps, t);
  const spots = joinSpots({ col: grid.col, row: grid.row, count: counts, bin: r.bin, z: r.z }, { minReports }).map((sp) => {
    // named and routed from its busiest cell: the centre of a long spot may fall on an empty lane
    const centre = centreOf(grid, [sp.heart], null);
    const route = router.route(centre[0], centre[1]);
    return {
      ...sp,
      maxZ: Math.round(sp.maxZ * 100) / 100,
      centre,
      near: nearestPlace(centre, places),
      landmarks: landmarksIn(grid, sp.cells, counts, places),
      zone: route?.zone?.nameZh ?? null,
      village: route?.village?.nameZh ?? null,
      responsible: responsibleAt(ctx, route),
    };
  });
  return {
    township: t,
    grid,
    band,
    counts,
    values,
    z: r.z,
    p: r.p,
    bin: r.bin,
    total: counts.reduce((a, b) => a + b, 0),
    outside,
    lowestZ: r.lowestZ,
    study: { rule: s.rule, ruleZh: s.ruleZh },
    scale: { rule: ohsa ? 'ohsa' : 'default', cellRule: q.cellSize !== undefined ? `cell of ${q.cellSize} m, as asked` : cellRule, bandRule: q.distanceBand !== undefined ? `band of ${q.distanceBand} m, as asked` : bandRule, ...(bands ? { bands } : {}) },
    exposure,
    minReports,
    spots,
  };
}

function methodOf(run: HotspotRun): string {
  return (
    `Getis-Ord Gi* over ${run.grid.x.length} cells of ${run.grid.cellSize} m (${run.study.rule}), ` +
    `${run.exposure === 'roads' ? 'reports per km of road' : 'report counts'}, binary weights within ${run.band} m (each cell its own neighbour), ` +
    `two-sided p, Benjamini–Hochberg FDR at 90/95/99 %; spots: cells at 95 % or more joined where they touch, holding at least ${run.minReports} reports`
  );
}

function legendOf(run: HotspotRun) {
  const coldPossible = run.lowestZ <= COLD_Z_90;
  return {
    coldPossible,
    lowestReachableZ: Math.round(run.lowestZ * 1000) / 1000,
    note: coldPossible
      ? null
      : `本次分析中任何网格的 z 值最低只能到 ${run.lowestZ.toFixed(2)},达不到冷点所需的 −1.645,因此不可能出现冷点。` +
        `No cell can reach a z below ${run.lowestZ.toFixed(2)} here, short of the −1.645 a 90 % cold spot needs: cold spots cannot appear.`,
  };
}

/** The compact answer the map draws: the significant cells by number on the grid's frame, and the spots in words. */
export async function hotspots(deps: Deps, q: HotspotQuery & { all?: boolean | undefined }, who = 'system') {
  const run = await runHotspots(deps, q, who);
  const { grid } = run;
  const head = {
    method: methodOf(run),
    cellSize_m: grid.cellSize,
    distanceBand_m: run.band,
    cellRule: run.scale.cellRule,
    bandRule: run.scale.bandRule,
    scale: run.scale,
    studyArea: { rule: run.study.rule, ruleZh: run.study.ruleZh, cells: grid.x.length, outsideReports: run.outside },
    exposure: run.exposure,
    total: run.total,
    legend: legendOf(run),
  };
  const inSpot = new Map<number, number>();
  run.spots.forEach((s, k) => s.cells.forEach((i) => inSpot.set(i, k)));
  const spots = run.spots.map((s, k) => ({
    id: k + 1,
    centre: s.centre,
    reports: s.reports,
    maxZ: s.maxZ,
    confidence: s.confidence,
    near: s.near,
    landmarks: s.landmarks,
    zone: s.zone,
    village: s.village,
    responsible: s.responsible,
    cells: s.cells.map((i) => cellNumber(grid, i)),
  }));
  if (q.all) {
    return {
      type: 'FeatureCollection' as const,
      ...head,
      spots,
      features: Array.from(grid.x, (_, i) => ({
        type: 'Feature' as const,
        geometry: { type: 'Polygon' as const, coordinates: [cellRing(grid, i)] },
        properties: {
          count: run.counts[i]!,
          ...(run.exposure === 'roads' ? { perKm: round(run.values[i]!, 3) } : {}),
          z: round(run.z[i]!, 4),
          p: round(run.p[i]!, 6),
          bin: run.bin[i]!,
          neighbourOnly: run.bin[i]! > 0 && run.counts[i] === 0,
          spot: inSpot.has(i) ? inSpot.get(i)! + 1 : null,
          x_m: Math.round(grid.x[i]!),
          y_m: Math.round(grid.y[i]!),
        },
      })),
    };
  }
  const significant: number[] = [];
  for (let i = 0; i < grid.x.length; i++) if (run.bin[i]) significant.push(i);
  return {
    ...head,
    grid: frameOf(grid),
    cells: {
      index: significant.map((i) => cellNumber(grid, i)),
      count: significant.map((i) => run.counts[i]!),
      z: significant.map((i) => round(run.z[i]!, 3)),
      bin: significant.map((i) => run.bin[i]!),
    },
    spots,
  };
}


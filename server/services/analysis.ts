import type { Deps } from './context.ts';
import { currentTownship } from './context.ts';
import { AppError } from './errors.ts';
import { marketRuleOf } from './areas.ts';
import { viewContext } from './report-views.ts';
import { countReportsByCell, listIncidents, type AnalysisFilter } from '../store/reports.ts';
import { listBasemapFeatures } from '../store/basemap.ts';
import type { TownshipRow } from '../store/townships.ts';
import { buildGrid, cellRing, defaultDistanceBand, type StudyGrid } from '../analysis/grid.ts';
import type { HotSpotResult } from '../analysis/getis-ord.ts';
import { estimatedPairs, MAX_NEIGHBOUR_PAIRS } from '../analysis/neighbours.ts';
import { runJob } from '../workers/pool.ts';
import { defaultBandwidth } from '../analysis/kde.ts';
import { areaTrends, nearestPlace, type ChronicSpot, type NamedPlace, type TimePatterns } from '../analysis/patterns.ts';
import { bboxOf, type AreaGeometry } from '../domain/geo.ts';
import { localDate, nextLocalDate, weekStartUtc, isoWeek } from '../domain/calendar.ts';

export type AnalysisQuery = Omit<AnalysisFilter, 'townshipId'>;

const MAX_CELLS = 200_000;
const gridCache = new WeakMap<Deps, Map<string, { grid: StudyGrid; band: number }>>();

/** The township's grid for a cell size (and its default band), built once per process. */
function gridFor(deps: Deps, t: TownshipRow, cellSize: number | undefined) {
  let byKey = gridCache.get(deps);
  if (!byKey) gridCache.set(deps, (byKey = new Map()));
  const key = `${t.id}:${cellSize ?? 'default'}`;
  let hit = byKey.get(key);
  if (!hit) {
    const boundary = JSON.parse(t.boundary) as AreaGeometry;
    const grid = buildGrid(boundary, cellSize);
    if (grid.x.length > MAX_CELLS) {
      throw new AppError(422, 'too_many_cells', `A ${cellSize} m grid would have ${grid.x.length} cells; use larger cells.`);
    }
    hit = { grid, band: defaultDistanceBand(grid) };
    byKey.set(key, hit);
  }
  return hit;
}

/** Counts per cell of the township's grid, from the database. */
async function cellCounts(deps: Deps, t: TownshipRow, grid: StudyGrid, q: AnalysisQuery): Promise<Float64Array> {
  const rows = await countReportsByCell(deps.store.db, deps.store.dialect, { ...q, townshipId: t.id }, {
    lon0: grid.plane.origin[0],
    lat0: grid.plane.origin[1],
    kx: grid.plane.kx,
    ky: grid.plane.ky,
    x0: grid.x0,
    y0: grid.y0,
    size: grid.cellSize,
    bbox: bboxOf(JSON.parse(t.boundary) as AreaGeometry),
  });
  const counts = new Float64Array(grid.x.length);
  for (const r of rows) {
    const c = Number(r.c);
    const row = Number(r.r);
    if (c < 0 || row < 0 || c >= grid.cols || row >= grid.rows) continue;
    const i = grid.lookup[c + row * grid.cols]!;
    if (i >= 0) counts[i]! += Number(r.n);
  }
  return counts;
}

/**
 * Statistical hot and cold spots: Getis-Ord Gi* over every cell of the township's grid (zero counts
 * included), binary weights within the distance band, FDR-corrected confidence bins.
 */
export async function hotspots(deps: Deps, q: AnalysisQuery & { cellSize?: number | undefined; distanceBand?: number | undefined }, who = 'system') {
  const t = await currentTownship(deps);
  const { grid, band: defaultBand } = gridFor(deps, t, q.cellSize);
  const band = q.distanceBand ?? defaultBand;
  if (band < grid.cellSize) {
    throw new AppError(422, 'band_too_small', `The distance band (${band} m) must be at least one cell (${grid.cellSize} m) so cells have neighbours.`);
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
  const counts = await cellCounts(deps, t, grid, q);
  const r = await runJob<HotSpotResult>(who, { kind: 'hotspots', x: grid.x, y: grid.y, counts, band });
  const round = (v: number, d: number) => (Number.isFinite(v) ? Math.round(v * 10 ** d) / 10 ** d : null);
  return {
    type: 'FeatureCollection' as const,
    method: `Getis-Ord Gi*, binary weights within ${band} m (each cell its own neighbour), two-sided p, Benjamini–Hochberg FDR at 90/95/99 %`,
    cellSize_m: grid.cellSize,
    distanceBand_m: band,
    cellRule: 'default cell: √(study area / 5000) rounded to 10 m, within 50–1000 m',
    bandRule: 'default band: the smallest distance at which every cell has at least 8 neighbours besides itself',
    total: counts.reduce((a, b) => a + b, 0),
    features: Array.from(grid.x, (_, i) => ({
      type: 'Feature' as const,
      geometry: { type: 'Polygon' as const, coordinates: [cellRing(grid, i)] },
      properties: {
        count: counts[i]!,
        z: round(r.z[i]!, 4),
        p: round(r.p[i]!, 6),
        bin: r.bin[i]!,
        x_m: Math.round(grid.x[i]!),
        y_m: Math.round(grid.y[i]!),
      },
    })),
  };
}

/** Named places (landmarks and streets) a spot can be described by. */
export async function namedPlaces(deps: Deps, t: TownshipRow): Promise<NamedPlace[]> {
  const rows = await listBasemapFeatures(deps.store.db, t.id);
  return rows.flatMap((r) => {
    const g = JSON.parse(r.geometry) as NamedPlace['geometry'] | { type: string };
    if (!r.name_zh || (g.type !== 'Point' && g.type !== 'LineString')) return [];
    return [{ name: r.name_zh, kind: r.layer === 'landmark' ? ('landmark' as const) : ('road' as const), geometry: g as NamedPlace['geometry'] }];
  });
}

/** Starts of the last n weeks, oldest first, ending with the current week or the last complete one. */
function lastWeeks(now: Date, timeZone: string, weeks: number, completeOnly = false): number[] {
  const last = weekStartUtc(now.getTime(), timeZone) - (completeOnly ? 7 * 86_400_000 : 0);
  return Array.from({ length: weeks }, (_, k) => last - (weeks - 1 - k) * 7 * 86_400_000);
}

/** Chronic spots over the last weeks: dense clusters that keep coming back, named by the nearest place. */
export async function chronic(deps: Deps, q: AnalysisQuery & { weeks: number; eps: number; minPts: number }, who = 'system') {
  const t = await currentTownship(deps);
  // "Now", or the end of a past period when one is given (a briefing looks back from its week's end).
  const end = q.to ? new Date(Date.parse(q.to) - 1) : deps.now();
  const weekStarts = lastWeeks(end, t.timezone, q.weeks);
  const incidents = await listIncidents(deps.store.db, {
    ...q,
    townshipId: t.id,
    from: new Date(weekStarts[0]!).toISOString(),
    to: new Date(end.getTime() + 1).toISOString(),
  });
  const ctx = await viewContext(deps, t);
  const spots = await runJob<ChronicSpot[]>(who, { kind: 'chronic', incidents, eps: q.eps, minPts: q.minPts, weekStarts, places: await namedPlaces(deps, t) });
  return {
    weeks: q.weeks,
    eps_m: q.eps,
    minPts: q.minPts,
    method: `DBSCAN (radius ${q.eps} m, at least ${q.minPts} reports) over the last ${q.weeks} weeks`,
    spots: spots.map(({ memberIndices, ...s }) => {
      const members = memberIndices.map((k) => incidents[k]!);
      const zone = mostCommon(members.map((m) => m.zoneId));
      const village = mostCommon(members.map((m) => m.villageId));
      return {
        ...s,
        zone: zone ? (ctx.areas.get(zone)?.nameZh ?? null) : null,
        village: village ? (ctx.areas.get(village)?.nameZh ?? null) : null,
      };
    }),
  };
}

function mostCommon<T>(xs: readonly (T | null | undefined)[]): T | null {
  const n = new Map<T, number>();
  for (const x of xs) if (x != null) n.set(x, (n.get(x) ?? 0) + 1);
  return [...n.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
}

/** Day-of-week × hour matrices, and market days compared with ordinary days, over a period. */
export async function patterns(deps: Deps, q: AnalysisQuery, who = 'system') {
  const t = await currentTownship(deps);
  const to = q.to ?? deps.now().toISOString();
  const from = q.from ?? new Date(Date.parse(to) - 91 * 86_400_000).toISOString();
  const incidents = await listIncidents(deps.store.db, { ...q, from, to, townshipId: t.id });
  const days: string[] = [];
  for (let d = localDate(from, t.timezone), last = localDate(Date.parse(to) - 1, t.timezone); d <= last; d = nextLocalDate(d)) days.push(d);
  const rule = marketRuleOf(t);
  return { from, to, marketDays: rule, ...(await runJob<TimePatterns>(who, { kind: 'time-patterns', incidents, timeZone: t.timezone, marketRule: rule, days })) };
}

/**
 * Each zone and village with its reports per complete week and the change in the last complete week
 * from the one before, as GeoJSON for a choropleth (a week under way would always look like a fall).
 */
export async function areasCompared(deps: Deps, q: AnalysisQuery & { weeks: number }) {
  const t = await currentTownship(deps);
  const weekStarts = lastWeeks(deps.now(), t.timezone, q.weeks, true);
  const incidents = await listIncidents(deps.store.db, {
    ...q,
    townshipId: t.id,
    from: new Date(weekStarts[0]!).toISOString(),
    to: new Date(weekStarts[weekStarts.length - 1]! + 7 * 86_400_000).toISOString(),
  });
  const trends = new Map(areaTrends(incidents, weekStarts).map((a) => [a.areaId, a]));
  const ctx = await viewContext(deps, t);
  return {
    type: 'FeatureCollection' as const,
    weeks: weekStarts.map((w) => isoWeek(localDate(w + 12 * 3600_000, t.timezone))),
    features: [...ctx.areas.values()]
      .filter((a) => a.kind !== 'unit')
      .map((a) => {
        const tr = trends.get(a.id);
        return {
          type: 'Feature' as const,
          geometry: a.geometry,
          properties: {
            id: a.id,
            kind: a.kind,
            nameZh: a.nameZh,
            nameEn: a.nameEn,
            weekly: tr?.weekly ?? new Array<number>(weekStarts.length).fill(0),
            current: tr?.current ?? 0,
            previous: tr?.previous ?? 0,
            change: tr?.change ?? null,
          },
        };
      }),
  };
}

/** The densest spots by kernel density (quartic kernel, ArcGIS default radius), local maxima first. */
export async function densityPeaks(deps: Deps, q: AnalysisQuery & { top: number }, who = 'system') {
  const t = await currentTownship(deps);
  const { grid } = gridFor(deps, t, undefined);
  const incidents = await listIncidents(deps.store.db, { ...q, townshipId: t.id });
  const px = new Float64Array(incidents.length);
  const py = new Float64Array(incidents.length);
  incidents.forEach((i, k) => {
    [px[k], py[k]] = grid.plane.toMetres(i.lon, i.lat);
  });
  const pts = { x: px, y: py };
  const radius = Math.max(grid.cellSize / 2, defaultBandwidth(pts));
  const d = await runJob<Float64Array>(who, { kind: 'density', points: pts, grid: { x: grid.x, y: grid.y }, radius });
  const places = await namedPlaces(deps, t);
  const peaks: { i: number; density: number }[] = [];
  for (let i = 0; i < d.length; i++) {
    if (d[i]! <= 0) continue;
    const c = grid.col[i]!;
    const r = grid.row[i]!;
    let isPeak = true;
    for (let dc = -1; dc <= 1 && isPeak; dc++)
      for (let dr = -1; dr <= 1; dr++) {
        if (!dc && !dr) continue;
        const cc = c + dc;
        const rr = r + dr;
        if (cc < 0 || rr < 0 || cc >= grid.cols || rr >= grid.rows) continue;
        const j = grid.lookup[cc + rr * grid.cols]!;
        if (j >= 0 && d[j]! > d[i]!) {
          isPeak = false;
          break;
        }
      }
    if (isPeak) peaks.push({ i, density: d[i]! });
  }
  peaks.sort((a, b) => b.density - a.density);
  return {
    radius_m: Math.round(radius),
    method: 'quartic kernel density per km², ArcGIS default search radius 0.9·min(SD, √(1/ln2)·Dm)·n^−0.2',
    peaks: peaks.slice(0, q.top).map((p) => {
      const [lon, lat] = grid.plane.toLonLat(grid.x[p.i]!, grid.y[p.i]!);
      return {
        lon: Math.round(lon * 1e6) / 1e6,
        lat: Math.round(lat * 1e6) / 1e6,
        densityPerKm2: Math.round(p.density * 10) / 10,
        nearest: nearestPlace([lon, lat], places),
      };
    }),
  };
}

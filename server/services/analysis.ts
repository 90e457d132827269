import type { Deps } from './context.ts';
import { currentTownship } from './context.ts';
import { AppError } from './errors.ts';
import { marketRuleOf } from './areas.ts';
import { viewContext } from './report-views.ts';
import { listIncidents, type AnalysisFilter } from '../store/report-analysis.ts';
import { listBasemapFeatures } from '../store/basemap.ts';
import type { TownshipRow } from '../store/townships.ts';
import { runJob } from '../workers/pool.ts';
import { defaultBandwidth, type DensityPeak } from '../analysis/kde.ts';
import { risingTest } from '../analysis/rates.ts';
import { areaTrends, nearestPlace, type ChronicSpot, type NamedPlace, type TimePatterns } from '../analysis/patterns.ts';
import { bboxOf, localPlane, type AreaGeometry } from '../domain/geo.ts';
import { localDate, localMidnightUtc, nextLocalDate, weekStartUtc, isoWeek } from '../domain/calendar.ts';

export type AnalysisQuery = Omit<AnalysisFilter, 'townshipId'>;

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
  // Each local day counts by the share of it the period covers: a period starting at noon has half a first day.
  const days: { date: string; share: number }[] = [];
  const [a, b] = [Date.parse(from), Date.parse(to)];
  for (let d = localDate(from, t.timezone), last = localDate(b - 1, t.timezone); d <= last; d = nextLocalDate(d)) {
    const start = Date.parse(localMidnightUtc(d, t.timezone));
    const end = Date.parse(localMidnightUtc(nextLocalDate(d), t.timezone));
    days.push({ date: d, share: Math.max(0, Math.min(end, b) - Math.max(start, a)) / (end - start) });
  }
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
            // rising or falling only when the exact test says the change is more than chance (2 → 5 is not)
            ...(() => {
              const up = risingTest(tr?.current ?? 0, tr?.previous ?? 0);
              const down = risingTest(tr?.previous ?? 0, tr?.current ?? 0);
              return { rising: up.rising, falling: down.rising, changeP: Math.round(Math.min(up.p, down.p) * 10000) / 10000 };
            })(),
          },
        };
      }),
  };
}

/** The densest spots by kernel density (quartic kernel, ArcGIS's default radius), found on a fine surface. */
export async function densityPeaks(deps: Deps, q: AnalysisQuery & { top: number }, who = 'system') {
  const t = await currentTownship(deps);
  const [minLon, minLat, maxLon, maxLat] = bboxOf(JSON.parse(t.boundary) as AreaGeometry);
  const plane = localPlane([(minLon + maxLon) / 2, (minLat + maxLat) / 2]);
  const incidents = await listIncidents(deps.store.db, { ...q, townshipId: t.id });
  const px = new Float64Array(incidents.length);
  const py = new Float64Array(incidents.length);
  incidents.forEach((i, k) => {
    [px[k], py[k]] = plane.toMetres(i.lon, i.lat);
  });
  const pts = { x: px, y: py };
  const radius = defaultBandwidth(pts);
  const r = await runJob<{ peaks: DensityPeak[]; step: number }>(who, { kind: 'density', points: pts, radius, top: q.top });
  const places = await namedPlaces(deps, t);
  return {
    radius_m: Math.round(radius),
    lattice_m: Math.round(r.step * 10) / 10,
    method:
      `quartic kernel density per km², ArcGIS's default search radius 0.9·min(SD, √(1/ln2)·Dm)·n^−0.2 = ${Math.round(radius)} m (not clamped); ` +
      `surface on a ${Math.round(r.step * 10) / 10} m lattice (≤ radius/3 and ≤ the extent's shorter side/250), each local maximum climbed to the peak of the continuous surface`,
    peaks: r.peaks.map((p) => {
      const [lon, lat] = plane.toLonLat(p.x, p.y);
      return {
        lon: Math.round(lon * 1e6) / 1e6,
        lat: Math.round(lat * 1e6) / 1e6,
        densityPerKm2: Math.round(p.density * 10) / 10,
        nearest: nearestPlace([lon, lat], places),
      };
    }),
  };
}

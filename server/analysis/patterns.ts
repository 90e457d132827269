import { isMarketDay, tzOffsetMs, type MarketDayRule } from '../domain/calendar.ts';
import { distanceMetres, localPlane, type Position } from '../domain/geo.ts';
import { dbscan } from './dbscan.ts';
import { compareRates, type RateComparison } from './rates.ts';

// When and where problems keep coming back: time patterns, area trends and chronic spots. Pure.

export interface Incident {
  lon: number;
  lat: number;
  category: string;
  /** ISO instant the problem was seen. */
  observedAt: string;
  zoneId?: string | null;
  villageId?: string | null;
}

/** Local wall-clock parts of instants, with the zone offset looked up once per UTC day. */
function localClock(timeZone: string) {
  const offsets = new Map<number, number>();
  return (iso: string) => {
    const t = Date.parse(iso);
    const day = Math.floor(t / 86_400_000);
    let off = offsets.get(day);
    if (off === undefined) offsets.set(day, (off = tzOffsetMs(timeZone, t)));
    const local = new Date(t + off);
    return { ymd: local.toISOString().slice(0, 10), weekday: (local.getUTCDay() + 6) % 7, hour: local.getUTCHours() };
  };
}

export interface TimePatterns {
  /** [weekday Monday = 0][hour] counts, all categories. */
  all: number[][];
  byCategory: Record<string, number[][]>;
  market: {
    /** Market days and ordinary days in the period, each counted by the share of it the period covers. */
    marketDays: number;
    ordinaryDays: number;
    /**
     * Reports per market day and per ordinary day, their ratio with its 95 % interval, and the exact test of equal
     * rates: "more on market days" is only said when `significant`.
     */
    byCategory: Record<string, { perMarketDay: number; perOrdinaryDay: number } & RateComparison>;
  };
}

const emptyMatrix = () => Array.from({ length: 7 }, () => new Array<number>(24).fill(0));

/** A day-of-week × hour matrix per category, and market days against ordinary days, over a period of local days. */
export function timePatterns(
  incidents: readonly Incident[],
  opts: { timeZone: string; marketRule: MarketDayRule; days: readonly { date: string; share: number }[] },
): TimePatterns {
  const clock = localClock(opts.timeZone);
  const all = emptyMatrix();
  const byCategory: Record<string, number[][]> = {};
  const marketSet = new Set(opts.days.filter((d) => isMarketDay(d.date, opts.marketRule)).map((d) => d.date));
  const dayCount = { market: 0, ordinary: 0 };
  for (const d of opts.days) dayCount[marketSet.has(d.date) ? 'market' : 'ordinary'] += d.share;
  const counts: Record<string, { market: number; ordinary: number }> = {};
  const inPeriod = new Set(opts.days.map((d) => d.date));
  for (const i of incidents) {
    const { ymd, weekday, hour } = clock(i.observedAt);
    all[weekday]![hour]!++;
    (byCategory[i.category] ??= emptyMatrix())[weekday]![hour]!++;
    if (!inPeriod.has(ymd)) continue;
    const c = (counts[i.category] ??= { market: 0, ordinary: 0 });
    if (marketSet.has(ymd)) c.market++;
    else c.ordinary++;
  }
  const market: TimePatterns['market']['byCategory'] = {};
  for (const [cat, c] of Object.entries(counts)) {
    const perMarketDay = dayCount.market ? c.market / dayCount.market : 0;
    const perOrdinaryDay = dayCount.ordinary ? c.ordinary / dayCount.ordinary : 0;
    market[cat] = { perMarketDay, perOrdinaryDay, ...compareRates(c.market, dayCount.market, c.ordinary, dayCount.ordinary) };
  }
  return { all, byCategory, market: { marketDays: dayCount.market, ordinaryDays: dayCount.ordinary, byCategory: market } };
}

export interface AreaTrend {
  areaId: string;
  /** Counts per week, oldest first, aligned with the weeks given. */
  weekly: number[];
  current: number;
  previous: number;
  /** Change from the previous week, or null when there was none before. */
  change: number | null;
}

/** Incidents per week for each zone and village, and the change in the last week from the one before. */
export function areaTrends(incidents: readonly Incident[], weekStarts: readonly number[]): AreaTrend[] {
  const weeks = weekStarts.length;
  const end = weekStarts[weeks - 1]! + 7 * 86_400_000;
  const rows = new Map<string, number[]>();
  for (const i of incidents) {
    const t = Date.parse(i.observedAt);
    if (t < weekStarts[0]! || t >= end) continue;
    let w = weeks - 1;
    while (w > 0 && t < weekStarts[w]!) w--;
    for (const id of [i.zoneId, i.villageId]) {
      if (!id) continue;
      let r = rows.get(id);
      if (!r) rows.set(id, (r = new Array<number>(weeks).fill(0)));
      r[w]!++;
    }
  }
  return [...rows.entries()].map(([areaId, weekly]) => {
    const current = weekly[weeks - 1] ?? 0;
    const previous = weekly[weeks - 2] ?? 0;
    return { areaId, weekly, current, previous, change: previous > 0 ? (current - previous) / previous : null };
  });
}

export interface NamedPlace {
  name: string;
  kind: 'landmark' | 'road';
  geometry: { type: 'Point'; coordinates: Position } | { type: 'LineString'; coordinates: Position[] };
}

export interface ChronicSpot {
  centre: Position;
  count: number;
  dominantCategory: string;
  categories: Record<string, number>;
  /** In how many of the weeks given the spot had at least one report. */
  weeksActive: number;
  weeks: number;
  radiusM: number;
  nearest: { name: string; kind: 'landmark' | 'road'; distanceM: number } | null;
  memberIndices: number[];
}

/** Within this distance a landmark names a spot; farther away, the nearest street does. */
export const LANDMARK_NAMING_M = 250;

/** The landmark within 250 m of a spot, else the nearest street, with its distance. */
export function nearestPlace(at: Position, places: readonly NamedPlace[]): ChronicSpot['nearest'] {
  const plane = localPlane(at);
  let best: ChronicSpot['nearest'] = null;
  let bestRoad: ChronicSpot['nearest'] = null;
  for (const p of places) {
    if (p.geometry.type === 'Point') {
      const d = distanceMetres(at, p.geometry.coordinates);
      if (d <= LANDMARK_NAMING_M && (!best || d < best.distanceM)) best = { name: p.name, kind: 'landmark', distanceM: Math.round(d) };
    } else {
      const c = p.geometry.coordinates.map(([lon, lat]) => plane.toMetres(lon, lat));
      for (let k = 0; k < c.length - 1; k++) {
        const [ax, ay] = c[k]!;
        const [bx, by] = c[k + 1]!;
        const len2 = (bx - ax) ** 2 + (by - ay) ** 2;
        const t = len2 > 0 ? Math.max(0, Math.min(1, (-ax * (bx - ax) - ay * (by - ay)) / len2)) : 0;
        const d = Math.hypot(ax + t * (bx - ax), ay + t * (by - ay));
        if (!bestRoad || d < bestRoad.distanceM) bestRoad = { name: p.name, kind: 'road', distanceM: Math.round(d) };
      }
    }
  }
  return best ?? bestRoad;
}

/**
 * Chronic spots: DBSCAN clusters of incidents (radius `eps` metres, at least `minPts` reports, and clusters left
 * with fewer than minPts after border points went to a nearer cluster not listed), with
 * their centre, size, main category, nearest landmark or street, and in how many of the weeks they
 * were active. Most persistent first, then largest.
 */
export function chronicSpots(
  incidents: readonly Incident[],
  opts: { eps: number; minPts: number; weekStarts: readonly number[]; places: readonly NamedPlace[] },
): ChronicSpot[] {
  if (!incidents.length) return [];
  // the plane's origin from the extent, not from whichever row came first
  const origin: Position = [Math.min(...incidents.map((i) => i.lon)), Math.min(...incidents.map((i) => i.lat))];
  const plane = localPlane(origin);
  const x = new Float64Array(incidents.length);
  const y = new Float64Array(incidents.length);
  incidents.forEach((i, k) => {
    [x[k], y[k]] = plane.toMetres(i.lon, i.lat);
  });
  const labels = dbscan({ x, y }, opts.eps, opts.minPts);
  const groups = new Map<number, number[]>();
  labels.forEach((l, k) => {
    if (l < 0) return;
    const g = groups.get(l);
    if (g) g.push(k);
    else groups.set(l, [k]);
  });
  const spots: ChronicSpot[] = [];
  for (const members of groups.values()) {
    // A cluster whose border points went to a nearer neighbour may hold fewer than minPts reports: not listed.
    if (members.length < opts.minPts) continue;
    let sx = 0;
    let sy = 0;
    const categories: Record<string, number> = {};
    const active = new Set<number>();
    for (const k of members) {
      sx += x[k]!;
      sy += y[k]!;
      const inc = incidents[k]!;
      categories[inc.category] = (categories[inc.category] ?? 0) + 1;
      const t = Date.parse(inc.observedAt);
      for (let w = opts.weekStarts.length - 1; w >= 0; w--) {
        if (t >= opts.weekStarts[w]!) {
          if (t < opts.weekStarts[w]! + 7 * 86_400_000) active.add(w);
          break;
        }
      }
    }
    const cx = sx / members.length;
    const cy = sy / members.length;
    let radius = 0;
    for (const k of members) radius = Math.max(radius, Math.hypot(x[k]! - cx, y[k]! - cy));
    const centre = plane.toLonLat(cx, cy);
    const ranked = Object.entries(categories).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const dominantCategory = ranked[0]![0];
    spots.push({
      centre: [Math.round(centre[0] * 1e6) / 1e6, Math.round(centre[1] * 1e6) / 1e6],
      count: members.length,
      dominantCategory,
      categories: Object.fromEntries(ranked),
      weeksActive: active.size,
      weeks: opts.weekStarts.length,
      radiusM: Math.round(radius),
      nearest: nearestPlace(centre, opts.places),
      memberIndices: members,
    });
  }
  return spots.sort((a, b) => b.weeksActive - a.weeksActive || b.count - a.count || a.centre[0] - b.centre[0] || a.centre[1] - b.centre[1]);
}

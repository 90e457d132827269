import { neighboursWithin, type PlanePoints } from './neighbours.ts';
import { twoSidedP } from './stats.ts';

/**
 * The scale ArcGIS's Optimized Hot Spot Analysis would choose, so a GIS analyst can put the same cell size and
 * band into Hot Spot Analysis (Getis-Ord Gi*) and get the same map. Our rules, after ArcGIS's "How Optimized Hot
 * Spot Analysis works" and "How Incremental Spatial Autocorrelation works" (ArcGIS Pro 3.x):
 * - locational outliers, incidents whose nearest neighbour is farther than the mean + 3 standard deviations of
 *   those distances, are left out of the scale;
 * - the cell size is the mean distance from each distinct incident location to its nearest neighbour, rounded to
 *   10 m and kept within 50–1 000 m (ArcGIS does not publish its exact fishnet rule; the answer states ours);
 * - the band is the first peak of global Moran's I z (binary weights, randomisation variance) over ten bands that
 *   begin where every cell has a neighbour and grow by the cells' mean nearest-neighbour distance; a peak is a band
 *   whose z is above both its neighbours' and ≥ 1.96. Without a peak the highest significant z is taken, and
 *   without that the default band (every cell with 8 neighbours).
 */

export const OHSA_BANDS = 10;
export const MIN_OHSA_CELL_M = 50;
export const MAX_OHSA_CELL_M = 1000;

/** Each point's distance to its nearest other point (Infinity when alone), by rings of buckets. */
export function nearestNeighbourDistances(pts: PlanePoints): Float64Array {
  const n = pts.x.length;
  const out = new Float64Array(n).fill(Infinity);
  if (n < 2) return out;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    minX = Math.min(minX, pts.x[i]!);
    minY = Math.min(minY, pts.y[i]!);
    maxX = Math.max(maxX, pts.x[i]!);
    maxY = Math.max(maxY, pts.y[i]!);
  }
  const side = Math.max(1, Math.sqrt(((maxX - minX + 1) * (maxY - minY + 1)) / n));
  const buckets = new Map<number, number[]>();
  const S = 1_000_003;
  const bx = (x: number) => Math.floor((x - minX) / side);
  const by = (y: number) => Math.floor((y - minY) / side);
  for (let i = 0; i < n; i++) {
    const k = bx(pts.x[i]!) * S + by(pts.y[i]!);
    const b = buckets.get(k);
    if (b) b.push(i);
    else buckets.set(k, [i]);
  }
  const maxRing = Math.ceil(Math.max(maxX - minX, maxY - minY) / side) + 1;
  for (let i = 0; i < n; i++) {
    const cx = bx(pts.x[i]!);
    const cy = by(pts.y[i]!);
    let best = Infinity;
    for (let ring = 0; ring <= maxRing; ring++) {
      // points in ring r are at least (r − 1) · side away: stop once that passes the best found
      if ((ring - 1) * side > best) break;
      for (let dx = -ring; dx <= ring; dx++) {
        for (let dy = -ring; dy <= ring; dy++) {
          if (Math.max(Math.abs(dx), Math.abs(dy)) !== ring) continue;
          const b = buckets.get((cx + dx) * S + cy + dy);
          if (!b) continue;
          for (const j of b) {
            if (j === i) continue;
            const d = Math.hypot(pts.x[j]! - pts.x[i]!, pts.y[j]! - pts.y[i]!);
            if (d < best) best = d;
          }
        }
      }
    }
    out[i] = best;
  }
  return out;
}

/** The cell size by our OHSA rule, from incident locations in metres. */
export function ohsaCellSize(pts: PlanePoints): { cellSize: number; meanNearest: number; outliers: number; locations: number } {
  const seen = new Set<string>();
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < pts.x.length; i++) {
    const k = `${Math.round(pts.x[i]! * 10)},${Math.round(pts.y[i]! * 10)}`;
    if (seen.has(k)) continue;
    seen.add(k);
    x.push(pts.x[i]!);
    y.push(pts.y[i]!);
  }
  const d = [...nearestNeighbourDistances({ x: Float64Array.from(x), y: Float64Array.from(y) })].filter(Number.isFinite);
  if (!d.length) return { cellSize: MAX_OHSA_CELL_M, meanNearest: 0, outliers: 0, locations: x.length };
  const mean = d.reduce((a, b) => a + b, 0) / d.length;
  const sd = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / d.length);
  const kept = d.filter((v) => v <= mean + 3 * sd);
  const meanNearest = kept.reduce((a, b) => a + b, 0) / kept.length;
  const cellSize = Math.min(MAX_OHSA_CELL_M, Math.max(MIN_OHSA_CELL_M, Math.round(meanNearest / 10) * 10));
  return { cellSize, meanNearest, outliers: d.length - kept.length, locations: x.length };
}

export interface MoranBand {
  distance: number;
  i: number;
  z: number;
  p: number;
}

/** Global Moran's I over fixed distance bands (binary weights, no self), z under randomisation, as ArcGIS reports it. */
export function moransIOverBands(pts: PlanePoints, values: ArrayLike<number>, distances: readonly number[]): MoranBand[] {
  const n = values.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i]!;
  mean /= n;
  const dev = Float64Array.from({ length: n }, (_, i) => values[i]! - mean);
  let m2 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    m2 += dev[i]! ** 2;
    m4 += dev[i]! ** 4;
  }
  const b2 = (n * m4) / (m2 * m2);
  const widest = Math.max(...distances);
  const { start, index } = neighboursWithin(pts, widest);
  return distances.map((distance) => {
    const d2 = distance * distance * (1 + 1e-12);
    let s0 = 0;
    let cross = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      let k = 0;
      for (let q = start[i]!; q < start[i + 1]!; q++) {
        const j = index[q]!;
        if (j === i) continue;
        if ((pts.x[j]! - pts.x[i]!) ** 2 + (pts.y[j]! - pts.y[i]!) ** 2 > d2) continue;
        k++;
        cross += dev[i]! * dev[j]!;
      }
      s0 += k;
      s2 += (2 * k) ** 2;
    }
    if (!(s0 > 0) || !(m2 > 0)) return { distance, i: Number.NaN, z: Number.NaN, p: 1 };
    const s1 = 2 * s0;
    const I = (n / s0) * (cross / m2);
    const EI = -1 / (n - 1);
    const A = n * ((n * n - 3 * n + 3) * s1 - n * s2 + 3 * s0 * s0);
    const B = b2 * ((n * n - n) * s1 - 2 * n * s2 + 6 * s0 * s0);
    const C = (n - 1) * (n - 2) * (n - 3) * s0 * s0;
    const v = (A - B) / C - EI * EI;
    const z = v > 0 ? (I - EI) / Math.sqrt(v) : Number.NaN;
    return { distance, i: I, z, p: Number.isFinite(z) ? twoSidedP(z) : 1 };
  });
}

/** Incremental spatial autocorrelation over the cells and the band it points to (null: use the default band). */
export function ohsaBand(pts: PlanePoints, values: ArrayLike<number>): { band: number | null; bands: MoranBand[]; rule: string } {
  const nn = nearestNeighbourDistances(pts);
  let begin = 0;
  let sum = 0;
  let finite = 0;
  for (const d of nn) {
    if (!Number.isFinite(d)) continue;
    begin = Math.max(begin, d);
    sum += d;
    finite++;
  }
  if (!finite) return { band: null, bands: [], rule: 'too few cells for incremental spatial autocorrelation' };
  const step = sum / finite;
  const distances = Array.from({ length: OHSA_BANDS }, (_, k) => Math.round(begin + k * step));
  const bands = moransIOverBands(pts, values, distances);
  for (let k = 1; k < bands.length - 1; k++) {
    const z = bands[k]!.z;
    if (z > bands[k - 1]!.z && z > bands[k + 1]!.z && z >= 1.96) return { band: bands[k]!.distance, bands, rule: `first peak of Moran's I z at ${bands[k]!.distance} m` };
  }
  const top = bands.filter((b) => b.z >= 1.96).sort((a, b) => b.z - a.z)[0];
  if (top) return { band: top.distance, bands, rule: `no peak; the highest significant Moran's I z, at ${top.distance} m` };
  return { band: null, bands, rule: 'no significant spatial autocorrelation at any band; the default band' };
}

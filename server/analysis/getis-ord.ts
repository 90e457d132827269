import { neighboursWithin, type PlanePoints } from './neighbours.ts';
import { fdrCutoff, twoSidedP } from './stats.ts';

/**
 * Getis-Ord Gi* with binary weights over a fixed distance band, each feature its own neighbour
 * (the form of ArcGIS Hot Spot Analysis and R spdep localG with include.self):
 *
 *   Gi* = (Σj wij xj − X̄ Σj wij) / (S √((n Σj wij² − (Σj wij)²) / (n − 1)))
 *
 * with X̄ the mean of all values and S = √(Σ xj² / n − X̄²). Returns z-scores (NaN where undefined).
 */
export function giStar(pts: PlanePoints, values: ArrayLike<number>, band: number): Float64Array {
  return giStarOver(values, neighboursWithin(pts, band));
}

/** Neighbour lists as CSR: the neighbours of i are `index[start[i]] … index[start[i+1]−1]`. */
export interface Neighbours {
  start: Int32Array;
  index: Int32Array;
}

/** Mean and S = √(Σx²/n − x̄²) of values. */
export function moments(values: ArrayLike<number>, from = 0, to = values.length): { n: number; mean: number; s: number } {
  let sum = 0;
  let sum2 = 0;
  for (let i = from; i < to; i++) {
    sum += values[i]!;
    sum2 += values[i]! * values[i]!;
  }
  const n = to - from;
  const mean = sum / n;
  return { n, mean, s: Math.sqrt(Math.max(0, sum2 / n - mean * mean)) };
}

/** Gi* of one feature from its neighbourhood total and size k (binary weights), given n, x̄ and S. */
export function giZ(local: number, k: number, m: { n: number; mean: number; s: number }): number {
  const denom = m.s * Math.sqrt((m.n * k - k * k) / (m.n - 1));
  return denom > 0 ? (local - m.mean * k) / denom : Number.NaN;
}

/** Gi* over given neighbour lists (each feature's list holding itself), binary weights. */
export function giStarOver(values: ArrayLike<number>, nb: Neighbours): Float64Array {
  const m = moments(values);
  const n = values.length;
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let local = 0;
    for (let p = nb.start[i]!; p < nb.start[i + 1]!; p++) local += values[nb.index[p]!]!;
    z[i] = giZ(local, nb.start[i + 1]! - nb.start[i]!, m);
  }
  return z;
}

/**
 * The lowest z any feature can reach with these values: where its whole neighbourhood holds nothing.
 * With counts, most of them zero, this stays far above −1.645, and no cold spot can ever be found.
 */
export function lowestReachableZ(values: ArrayLike<number>, nb: Neighbours): number {
  const m = moments(values);
  let low = Infinity;
  for (let i = 0; i < values.length; i++) {
    const z = giZ(0, nb.start[i + 1]! - nb.start[i]!, m);
    if (z < low) low = z;
  }
  return Number.isFinite(low) ? low : 0;
}

/** The z a cold spot needs at the 90 % level before any correction for many tests. */
export const COLD_Z_90 = -1.6449;

export const CONFIDENCE_LEVELS = [
  { bin: 3, alpha: 0.01 },
  { bin: 2, alpha: 0.05 },
  { bin: 1, alpha: 0.1 },
] as const;

/**
 * Confidence bins −3…+3 (99 / 95 / 90 %) after a Benjamini–Hochberg false discovery rate correction
 * at each level, signed by the z-score: +3 a hot spot with 99 % confidence, −2 a cold spot with 95 %.
 */
export function confidenceBins(z: ArrayLike<number>, p: ArrayLike<number>): Int8Array {
  const cut = CONFIDENCE_LEVELS.map((l) => ({ bin: l.bin, cutoff: fdrCutoff(p, l.alpha) }));
  const bins = new Int8Array(z.length);
  for (let i = 0; i < z.length; i++) {
    if (!Number.isFinite(z[i]!)) continue;
    const level = cut.find((c) => c.cutoff >= 0 && p[i]! <= c.cutoff);
    if (level) bins[i] = Math.sign(z[i]!) * level.bin;
  }
  return bins;
}

export interface HotSpotResult {
  z: Float64Array;
  p: Float64Array;
  bin: Int8Array;
}

/** Gi* z, two-sided p and FDR-corrected confidence bins for values at points. */
export function hotSpots(pts: PlanePoints, values: ArrayLike<number>, band: number): HotSpotResult {
  return hotSpotsOver(values, neighboursWithin(pts, band));
}

/** The same over neighbour lists already made. */
export function hotSpotsOver(values: ArrayLike<number>, nb: Neighbours): HotSpotResult {
  const z = giStarOver(values, nb);
  const p = new Float64Array(z.length);
  for (let i = 0; i < z.length; i++) p[i] = Number.isFinite(z[i]!) ? twoSidedP(z[i]!) : 1;
  return { z, p, bin: confidenceBins(z, p) };
}

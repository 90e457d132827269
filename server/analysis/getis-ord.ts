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
  const n = values.length;
  let sum = 0;
  let sum2 = 0;
  for (let i = 0; i < n; i++) {
    sum += values[i]!;
    sum2 += values[i]! * values[i]!;
  }
  const mean = sum / n;
  const s = Math.sqrt(Math.max(0, sum2 / n - mean * mean));
  const { start, index } = neighboursWithin(pts, band);
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let local = 0;
    const k = start[i + 1]! - start[i]!;
    for (let p = start[i]!; p < start[i + 1]!; p++) local += values[index[p]!]!;
    const denom = s * Math.sqrt((n * k - k * k) / (n - 1));
    z[i] = denom > 0 ? (local - mean * k) / denom : Number.NaN;
  }
  return z;
}

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
  const z = giStar(pts, values, band);
  const p = new Float64Array(z.length);
  for (let i = 0; i < z.length; i++) p[i] = Number.isFinite(z[i]!) ? twoSidedP(z[i]!) : 1;
  return { z, p, bin: confidenceBins(z, p) };
}

import { giZ, moments, type Neighbours } from './getis-ord.ts';
import { fdrCutoff, mannKendall, twoSidedP } from './stats.ts';

/**
 * Emerging hot spots: a weekly space-time cube over the study cells, Gi* for every cell and week with space-time
 * neighbours, a false discovery rate per week, a Mann-Kendall trend on each cell's z series, and the categories
 * ArcGIS Pro's Emerging Hot Spot Analysis defines ("How Emerging Hot Spot Analysis works", ArcGIS Pro 3.x).
 *
 * Neighbours of cell i in week t are the cells within the band (i itself included) in week t and in week t − 1,
 * one time step back, as ArcGIS's neighbourhood time step of 1 and R sfdep's spacetime neighbours with k = 1 take
 * them. Each week's Gi* compares with that week's mean and spread over all cells, as sfdep does; binary weights;
 * p from the normal distribution, as ArcGIS's Gi* reports it.
 */

export const EMERGING_CATEGORIES = [
  'new_hot',
  'consecutive_hot',
  'intensifying_hot',
  'persistent_hot',
  'diminishing_hot',
  'sporadic_hot',
  'oscillating_hot',
  'historical_hot',
  'new_cold',
  'consecutive_cold',
  'intensifying_cold',
  'persistent_cold',
  'diminishing_cold',
  'sporadic_cold',
  'oscillating_cold',
  'historical_cold',
  'none',
] as const;
export type EmergingCategory = (typeof EMERGING_CATEGORIES)[number];

/** Significance of a week's bin after the false discovery rate, and of the Mann-Kendall trend. */
export const EMERGING_ALPHA = 0.05;
/** "90 percent of the time-step intervals", ArcGIS's share for persistent, intensifying, diminishing and historical. */
export const MOST_STEPS = 0.9;

export interface CellTrend {
  tau: number;
  p: number;
}

/**
 * A location's category from its weekly states (+1 significant hot, −1 significant cold, 0 neither), oldest first,
 * and the trend of its z series. Hot side, when the last week is hot:
 * - hot in ≥ 90 % of the weeks: intensifying when the trend rises significantly, diminishing when it falls
 *   significantly, otherwise persistent;
 * - hot only in the last week, never significant before: new;
 * - one unbroken run of at least two hot weeks at the end, never significant before it: consecutive;
 * - cold in some earlier week: oscillating;
 * - otherwise (hot on and off, never cold): sporadic.
 * When the last week is not hot but ≥ 90 % of the weeks were: historical. The cold side mirrors it; anything else
 * has no pattern. Where the published words fit two categories (cold for eleven weeks, hot in the last: both
 * "oscillating hot" and "historical cold"), the last week decides.
 */
export function classifyEmerging(states: ArrayLike<number>, trend: CellTrend, alpha = EMERGING_ALPHA): EmergingCategory {
  const n = states.length;
  if (!n) return 'none';
  const side = (sign: 1 | -1, name: 'hot' | 'cold'): EmergingCategory | null => {
    let count = 0;
    for (let t = 0; t < n; t++) if (states[t] === sign) count++;
    const share = count / n;
    const last = states[n - 1] === sign;
    if (!last) return share >= MOST_STEPS ? (`historical_${name}` as const) : null;
    if (share >= MOST_STEPS) {
      const significant = trend.p <= alpha;
      // "intensifying" means clustering that grows stronger: z rising for hot spots, falling for cold ones
      if (significant && Math.sign(trend.tau) === sign) return `intensifying_${name}`;
      if (significant && Math.sign(trend.tau) === -sign) return `diminishing_${name}`;
      return `persistent_${name}`;
    }
    let run = 0;
    while (run < n && states[n - 1 - run] === sign) run++;
    let significantBefore = false;
    let oppositeEver = false;
    for (let t = 0; t < n - run; t++) {
      if (states[t] !== 0) significantBefore = true;
      if (states[t] === -sign) oppositeEver = true;
    }
    if (!significantBefore) return run === 1 ? `new_${name}` : `consecutive_${name}`;
    if (oppositeEver) return `oscillating_${name}`;
    return `sporadic_${name}`;
  };
  return side(1, 'hot') ?? side(-1, 'cold') ?? 'none';
}

export interface EmergingInput {
  /** Cells' spatial neighbours within the band, each holding itself. */
  neighbours: Neighbours;
  /** Counts, week-major: week t's count in cell i at t × cells + i. */
  counts: Float64Array;
  cells: number;
  weeks: number;
  alpha?: number;
}

export interface EmergingResult {
  /** Gi* z per week and cell (week-major), NaN where a week has no variation. */
  z: Float64Array;
  /** +1 significant hot, −1 significant cold, 0 neither, per week and cell. */
  state: Int8Array;
  /** Mann-Kendall on each cell's z series (weeks with no variation count as z = 0). */
  tau: Float64Array;
  trendP: Float64Array;
  category: EmergingCategory[];
}

export function emergingHotSpots(input: EmergingInput): EmergingResult {
  const { neighbours: nb, counts, cells: n, weeks: T } = input;
  const alpha = input.alpha ?? EMERGING_ALPHA;
  const z = new Float64Array(n * T);
  const state = new Int8Array(n * T);
  for (let t = 0; t < T; t++) {
    const m = moments(counts, t * n, (t + 1) * n);
    const p = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let local = 0;
      let k = 0;
      for (let q = nb.start[i]!; q < nb.start[i + 1]!; q++) {
        const j = nb.index[q]!;
        local += counts[t * n + j]!;
        k++;
        if (t > 0) {
          local += counts[(t - 1) * n + j]!;
          k++;
        }
      }
      const zi = giZ(local, k, m);
      z[t * n + i] = zi;
      p[i] = Number.isFinite(zi) ? twoSidedP(zi) : 1;
    }
    const cutoff = fdrCutoff(p, alpha);
    for (let i = 0; i < n; i++) {
      if (cutoff >= 0 && p[i]! <= cutoff) state[t * n + i] = Math.sign(z[t * n + i]!);
    }
  }
  const tau = new Float64Array(n);
  const trendP = new Float64Array(n);
  const category: EmergingCategory[] = new Array(n);
  const series = new Float64Array(T);
  const states = new Int8Array(T);
  for (let i = 0; i < n; i++) {
    let any = false;
    for (let t = 0; t < T; t++) {
      const v = z[t * n + i]!;
      series[t] = Number.isFinite(v) ? v : 0;
      states[t] = state[t * n + i]!;
      if (states[t]) any = true;
    }
    const mk = mannKendall(series);
    tau[i] = mk.tau;
    trendP[i] = mk.p;
    category[i] = any ? classifyEmerging(states, { tau: mk.tau, p: mk.p }, alpha) : 'none';
  }
  return { z, state, tau, trendP, category };
}

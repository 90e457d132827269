// Small numerics shared by the analyses: the normal distribution and the false discovery rate.

/** Complementary error function (W. J. Cody's rational approximations via Numerical Recipes erfc, |rel err| < 1.2e-7). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Two-sided p-value of a standard normal z-score. */
export function twoSidedP(z: number): number {
  if (!Number.isFinite(z)) return Number.isNaN(z) ? 1 : 0;
  return Math.min(1, erfc(Math.abs(z) / Math.SQRT2));
}

/**
 * Benjamini–Hochberg: the largest p-value that is still significant at false discovery rate `q`
 * among these p-values, or -1 when none is. A test is significant when its p ≤ the returned cut-off.
 */
export function fdrCutoff(pValues: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(pValues).sort();
  const m = sorted.length;
  let cutoff = -1;
  for (let k = m; k >= 1; k--) {
    if (sorted[k - 1]! <= (k / m) * q) {
      cutoff = sorted[k - 1]!;
      break;
    }
  }
  return cutoff;
}

/** Median of numbers (NaN for none). */
export function median(values: ArrayLike<number>): number {
  const s = Float64Array.from(values).sort();
  if (!s.length) return Number.NaN;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Standard normal cumulative distribution. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

export interface MannKendall {
  /** Kendall's S: concordant minus discordant pairs in time order. */
  s: number;
  /** Var(S) with the correction for tied values. */
  varS: number;
  /** The normal score with continuity correction, (S − sign S) / √Var(S). */
  z: number;
  /** Two-sided p of z. */
  p: number;
  /** Kendall's tau-b: S over √((n₀ − n₁)·n₀), n₀ = n(n − 1)/2 and n₁ the tied pairs. */
  tau: number;
}

/**
 * The Mann-Kendall trend test on a series in time order, with Kendall's tie correction
 * Var(S) = [n(n−1)(2n+5) − Σ t(t−1)(2t+5)] / 18 over the groups of t equal values (as R's Kendall::MannKendall).
 */
export function mannKendall(series: ArrayLike<number>): MannKendall {
  const n = series.length;
  let s = 0;
  for (let i = 0; i < n - 1; i++) for (let j = i + 1; j < n; j++) s += Math.sign(series[j]! - series[i]!);
  const groups = new Map<number, number>();
  for (let i = 0; i < n; i++) groups.set(series[i]!, (groups.get(series[i]!) ?? 0) + 1);
  let ties = 0;
  let tiedPairs = 0;
  for (const t of groups.values()) {
    ties += t * (t - 1) * (2 * t + 5);
    tiedPairs += (t * (t - 1)) / 2;
  }
  const varS = (n * (n - 1) * (2 * n + 5) - ties) / 18;
  const z = varS > 0 ? (s - Math.sign(s)) / Math.sqrt(varS) : 0;
  const n0 = (n * (n - 1)) / 2;
  const d = Math.sqrt((n0 - tiedPairs) * n0);
  return { s, varS, z, p: varS > 0 ? twoSidedP(z) : 1, tau: d > 0 ? s / d : 0 };
}

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

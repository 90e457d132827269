import binomialTest from '@stdlib/stats-binomial-test';

// Exact tests on counts, so a ratio of 6 to 17 is not read as a finding. The conditional binomial test
// (R's binom.test, from stdlib, which follows it) is the exact test of two Poisson rates: given the total,
// the count in one period follows Binomial(total, its share of the time) when the rates are equal.

/** What is said about market days only when the counts show it at this level. */
export const RATE_ALPHA = 0.05;

export interface RateComparison {
  /** Reports per day in the first period ÷ per day in the second (null when the second had none). */
  ratio: number | null;
  /** 95 % confidence interval of that ratio (Clopper–Pearson on the share, turned into a ratio). */
  ratioLow: number | null;
  ratioHigh: number | null;
  /** Two-sided exact p that the rates are equal. */
  p: number;
  significant: boolean;
}

/** Counts a and b over exposures ta and tb (days, or any time unit): is a's rate different from b's? */
export function compareRates(a: number, ta: number, b: number, tb: number): RateComparison {
  const n = a + b;
  if (n === 0 || !(ta > 0) || !(tb > 0)) return { ratio: null, ratioLow: null, ratioHigh: null, p: 1, significant: false };
  const share = ta / (ta + tb);
  const r = binomialTest(a, n, { p: share, alpha: RATE_ALPHA });
  const toRatio = (q: number) => (q >= 1 ? null : (q / (1 - q)) * (tb / ta));
  const [lo, hi] = r.ci as [number, number];
  return {
    ratio: b > 0 ? a / ta / (b / tb) : null,
    ratioLow: toRatio(lo),
    ratioHigh: toRatio(hi),
    p: r.pValue,
    significant: r.pValue < RATE_ALPHA,
  };
}

/** One-sided exact test that a count rose from the previous equal period (a Poisson test given their sum). */
export function risingTest(current: number, previous: number): { p: number; rising: boolean } {
  const n = current + previous;
  if (n === 0 || current <= previous) return { p: 1, rising: false };
  const p = binomialTest(current, n, { p: 0.5, alternative: 'greater' }).pValue;
  return { p, rising: p < RATE_ALPHA };
}

// The standard rates of a city-management evaluation (数字化城市管理 综合评价, after CJ/T 292), per area, person or
// category over a period, and the grade they earn. Formulas, as the README states them:
//   结案率     = 结案数 ÷ (应结案数 − 缓办数)
//   按期结案率 = 按期结案数 ÷ (应结案数 − 缓办数)
//   返工率     = 复查不合格的件数 ÷ 结案数
// 应结案: an item whose deadline falls in the period and has passed (rejected and duplicate items are not cases); 结案: of those,
// closed (verified) by now; 按期: rectified no later than the deadline it was given first; 缓办: parked (挂账).

export interface CaseFact {
  /** Whose the item is: an area, a person, a category. */
  key: string;
  /** Closed (verified) by now. */
  closed: boolean;
  /** Rectified no later than its deadline, and closed. */
  closedOnTime: boolean;
  /** Failed re-inspection at least once (reopened). */
  reworked: boolean;
  /** Parked (挂账): left out of what had to be closed. */
  parked: boolean;
}

export interface Weights {
  close: number;
  onTime: number;
  rework: number;
}

/** The township's default weights of the score: on time counts most, then closing at all, then no rework. */
export const DEFAULT_WEIGHTS: Weights = { close: 0.3, onTime: 0.5, rework: 0.2 };

export type Grade = 'A' | 'B' | 'C' | 'D' | 'E';

export interface CaseRates {
  key: string;
  due: number;
  parked: number;
  closed: number;
  closedOnTime: number;
  reworked: number;
  /** Percentages to two decimals; null when nothing had to be closed (or, for rework, nothing was closed). */
  closeRate: number | null;
  onTimeRate: number | null;
  reworkRate: number | null;
  score: number | null;
  grade: Grade | null;
}

/** A share as a percentage to two decimals (911 of 972 → 93.72). */
export const percent = (part: number, whole: number): number | null => (whole > 0 ? Math.round((part / whole) * 10_000) / 100 : null);

/** A ≥ 90, B ≥ 75, C ≥ 60, D ≥ 40, E below. */
export function gradeOf(score: number): Grade {
  return score >= 90 ? 'A' : score >= 75 ? 'B' : score >= 60 ? 'C' : score >= 40 ? 'D' : 'E';
}

/** The rates of one set of counts. */
export function ratesOf(key: string, c: { due: number; parked: number; closed: number; closedOnTime: number; reworked: number }, weights: Weights = DEFAULT_WEIGHTS): CaseRates {
  const base = c.due - c.parked;
  const closeRate = percent(c.closed, base);
  const onTimeRate = percent(c.closedOnTime, base);
  const reworkRate = percent(c.reworked, c.closed);
  const total = weights.close + weights.onTime + weights.rework;
  const score =
    closeRate === null || onTimeRate === null
      ? null
      : Math.round(((weights.close * closeRate + weights.onTime * onTimeRate + weights.rework * (100 - (reworkRate ?? 0))) / total) * 100) / 100;
  return { key, ...c, closeRate, onTimeRate, reworkRate, score, grade: score === null ? null : gradeOf(score) };
}

/** The rates per key, worst score first. */
export function ratesTable(facts: readonly CaseFact[], weights: Weights = DEFAULT_WEIGHTS): CaseRates[] {
  const counts = new Map<string, { due: number; parked: number; closed: number; closedOnTime: number; reworked: number }>();
  for (const f of facts) {
    let c = counts.get(f.key);
    if (!c) counts.set(f.key, (c = { due: 0, parked: 0, closed: 0, closedOnTime: 0, reworked: 0 }));
    c.due++;
    if (f.parked) c.parked++;
    else {
      if (f.closed) c.closed++;
      if (f.closed && f.closedOnTime) c.closedOnTime++;
    }
    if (f.closed && f.reworked) c.reworked++;
  }
  return [...counts.entries()]
    .map(([key, c]) => ratesOf(key, c, weights))
    .sort((a, b) => (a.score ?? 101) - (b.score ?? 101) || a.key.localeCompare(b.key));
}

/** A period as people name it: a month 2026-11, a quarter 2026-Q4, a year 2026; as local dates [from, to). */
export function periodDates(period: string): { from: string; to: string } | null {
  const pad = (n: number) => String(n).padStart(2, '0');
  let m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(period);
  if (m) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    return { from: `${y}-${pad(mo)}-01`, to: mo === 12 ? `${y + 1}-01-01` : `${y}-${pad(mo + 1)}-01` };
  }
  m = /^(\d{4})-Q([1-4])$/.exec(period);
  if (m) {
    const y = Number(m[1]);
    const q = Number(m[2]);
    return { from: `${y}-${pad(3 * q - 2)}-01`, to: q === 4 ? `${y + 1}-01-01` : `${y}-${pad(3 * q + 1)}-01` };
  }
  m = /^(\d{4})$/.exec(period);
  if (m) return { from: `${m[1]}-01-01`, to: `${Number(m[1]) + 1}-01-01` };
  return null;
}

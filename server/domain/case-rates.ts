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

/** What a township sets of its evaluation: the weights of the score, and how soon a rectification is re-inspected. */
export interface Evaluation {
  weights: Weights;
  /** 按时核查: an inspector re-inspects (verifies or reopens) a rectification within this many hours. */
  verifyHours: number;
}

export const DEFAULT_EVALUATION: Evaluation = { weights: DEFAULT_WEIGHTS, verifyHours: 24 };

/** The township's stored evaluation, the defaults filling in what it never set. */
export function evaluationOf(stored: string | null): Evaluation {
  if (!stored) return DEFAULT_EVALUATION;
  const v = JSON.parse(stored) as Partial<Evaluation>;
  return { weights: { ...DEFAULT_WEIGHTS, ...v.weights }, verifyHours: v.verifyHours ?? DEFAULT_EVALUATION.verifyHours };
}

/** One re-inspection: how long after the rectification the inspector answered, or still waiting. */
export interface InspectionFact {
  /** The inspector who answered; null while nobody has. */
  key: string | null;
  rectifiedAt: string;
  /** When it was verified or reopened; null while waiting. */
  answeredAt: string | null;
}

export interface InspectionRates {
  key: string;
  /** Rectifications whose re-inspection was due in the period. */
  due: number;
  /** Of those, answered within the limit. */
  onTime: number;
  /** 按时核查率, percent to two decimals. */
  onTimeRate: number | null;
}

/**
 * 按时核查率 = re-inspections done within the limit ÷ re-inspections that were due, per inspector and in all. A
 * rectification still waiting past the limit counts against the township (key `unanswered`).
 */
export function inspectionRates(facts: readonly InspectionFact[], verifyHours: number, now: string): { total: InspectionRates; rows: InspectionRates[] } {
  const limit = verifyHours * 3600_000;
  const by = new Map<string, { due: number; onTime: number }>();
  const total = { due: 0, onTime: 0 };
  for (const f of facts) {
    const dueAt = Date.parse(f.rectifiedAt) + limit;
    const answered = f.answeredAt === null ? null : Date.parse(f.answeredAt);
    // not yet due: still within the limit and unanswered
    if (answered === null && dueAt > Date.parse(now)) continue;
    const onTime = answered !== null && answered <= dueAt;
    const key = f.key ?? 'unanswered';
    let c = by.get(key);
    if (!c) by.set(key, (c = { due: 0, onTime: 0 }));
    c.due++;
    total.due++;
    if (onTime) {
      c.onTime++;
      total.onTime++;
    }
  }
  const row = (key: string, c: { due: number; onTime: number }): InspectionRates => ({ key, ...c, onTimeRate: percent(c.onTime, c.due) });
  return {
    total: row('all', total),
    rows: [...by.entries()].map(([k, c]) => row(k, c)).sort((a, b) => (a.onTimeRate ?? 101) - (b.onTimeRate ?? 101) || a.key.localeCompare(b.key)),
  };
}

/** 退回率 = items returned as not theirs ÷ items sent (notified or dispatched) to them, per area. */
export function returnRates(sent: ReadonlyMap<string, number>, returned: ReadonlyMap<string, number>): { key: string; sent: number; returned: number; returnRate: number | null }[] {
  const keys = new Set([...sent.keys(), ...returned.keys()]);
  return [...keys]
    .map((key) => {
      const s = sent.get(key) ?? 0;
      const r = returned.get(key) ?? 0;
      return { key, sent: s, returned: r, returnRate: percent(r, s) };
    })
    .sort((a, b) => (b.returnRate ?? -1) - (a.returnRate ?? -1) || a.key.localeCompare(b.key));
}

/** Pairs each rectification in the period with the re-inspection that answered it (events of one item in order). */
export function inspectionFacts(steps: readonly { report_id: string; type: string; actor_id: string | null; at: string }[], from: string, to: string): InspectionFact[] {
  const facts: InspectionFact[] = [];
  let open: InspectionFact | null = null;
  let item: string | null = null;
  for (const s of steps) {
    if (s.report_id !== item) {
      if (open) facts.push(open);
      open = null;
      item = s.report_id;
    }
    if (s.type === 'rectify') {
      if (open) facts.push(open);
      open = s.at >= from && s.at < to ? { key: null, rectifiedAt: s.at, answeredAt: null } : null;
    } else if (open) {
      facts.push({ ...open, key: s.actor_id, answeredAt: s.at });
      open = null;
    }
  }
  if (open) facts.push(open);
  return facts;
}

/**
 * Counts what was sent to each area and what each area gave back. A send names its area (`areaId`, or `toAreaId`
 * for a dispatch); a send from before areas were written down counts for the area the return came from, or the one
 * the item answers to now.
 */
export function sendCounts(steps: readonly { report_id: string; type: string; data: string | null; responsible_area_id: string | null }[]): { sent: Map<string, number>; returned: Map<string, number> } {
  const sent = new Map<string, number>();
  const returned = new Map<string, number>();
  const bump = (m: Map<string, number>, k: string | null | undefined) => {
    if (k) m.set(k, (m.get(k) ?? 0) + 1);
  };
  const parsed = steps.map((s) => ({ ...s, d: (s.data ? JSON.parse(s.data) : {}) as { areaId?: string | null; toAreaId?: string; fromAreaId?: string | null } }));
  parsed.forEach((s, i) => {
    if (s.type === 'return') return bump(returned, s.d.fromAreaId);
    let area = s.type === 'dispatch' ? s.d.toAreaId : s.d.areaId;
    if (area === undefined) {
      const next = parsed.slice(i + 1).find((n) => n.report_id === s.report_id && n.type !== 'notify');
      area = next?.type === 'return' ? (next.d.fromAreaId ?? undefined) : (s.responsible_area_id ?? undefined);
    }
    bump(sent, area);
  });
  return { sent, returned };
}

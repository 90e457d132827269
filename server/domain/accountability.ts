// Monthly accountability: items, missed deadlines, deductions and the score of each area and person.

export const FULL_SCORE = 100;

export interface DeductionFact {
  areaId: string;
  personId: string | null;
  amountYuan: number;
  points: number;
}

export interface ItemFact {
  responsibleAreaId: string | null;
  assigneeId: string | null;
}

export interface AccountabilityRow {
  key: string;
  items: number;
  overdue: number;
  deductionYuan: number;
  score: number;
}

/** Score = 100 minus the points of every missed deadline in the month, never below 0. */
export function scoreFrom(points: number): number {
  return Math.max(0, FULL_SCORE - points);
}

/** One row per key (an area or a person) that had items or deductions in the month. */
export function accountabilityTable(
  items: readonly ItemFact[],
  deductions: readonly DeductionFact[],
  by: 'area' | 'person',
): AccountabilityRow[] {
  const rows = new Map<string, { items: number; overdue: number; yuan: number; points: number }>();
  const row = (k: string) => {
    let r = rows.get(k);
    if (!r) rows.set(k, (r = { items: 0, overdue: 0, yuan: 0, points: 0 }));
    return r;
  };
  for (const i of items) {
    const k = by === 'area' ? i.responsibleAreaId : i.assigneeId;
    if (k) row(k).items++;
  }
  for (const d of deductions) {
    const k = by === 'area' ? d.areaId : d.personId;
    if (!k) continue;
    const r = row(k);
    r.overdue++;
    r.yuan += d.amountYuan;
    r.points += d.points;
  }
  return [...rows.entries()]
    .map(([key, r]) => ({ key, items: r.items, overdue: r.overdue, deductionYuan: r.yuan, score: scoreFrom(r.points) }))
    .sort((a, b) => a.score - b.score || b.overdue - a.overdue || a.key.localeCompare(b.key));
}

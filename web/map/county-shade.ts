// Townships shaded by overdue items: none is pale green, then five steps from yellow to deep red by the share of
// the county's worst, so the township furthest behind stands out whatever the county's numbers are.

export const COUNTY_STEPS = ['#fee8a0', '#fdbf6f', '#fb8c4c', '#e8502f', '#b3261e'] as const;
export const COUNTY_NONE = '#e3efdc';

export function countyShade(overdue: number, worst: number): string {
  if (overdue <= 0 || worst <= 0) return COUNTY_NONE;
  const i = Math.min(COUNTY_STEPS.length - 1, Math.floor((overdue / worst) * COUNTY_STEPS.length - 1e-9));
  return COUNTY_STEPS[Math.max(0, i)]!;
}

import type { Deps } from './context.ts';
import { currentTownship } from './context.ts';
import { caseRates } from './rates.ts';
import type { PeriodReportData } from '../briefing/period.ts';

// The monthly, quarterly and yearly evaluation reports, made from the same rates the 标准考核 tab shows.

const kindOf = (period: string): PeriodReportData['kind'] => (/-Q[1-4]$/.test(period) ? 'quarter' : /-\d{2}$/.test(period) ? 'month' : 'year');

/** The months of a quarter or a year (none for a month). */
export function monthsOf(period: string): string[] {
  const q = /^(\d{4})-Q([1-4])$/.exec(period);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (q) return [0, 1, 2].map((i) => `${q[1]}-${pad(3 * Number(q[2]) - 2 + i)}`);
  if (/^\d{4}$/.test(period)) return Array.from({ length: 12 }, (_, i) => `${period}-${pad(i + 1)}`);
  return [];
}

export async function periodReport(deps: Deps, period: string): Promise<PeriodReportData> {
  const t = await currentTownship(deps);
  const byArea = await caseRates(deps, period, 'area');
  const byPerson = await caseRates(deps, period, 'person');
  const byCategory = await caseRates(deps, period, 'category');
  const months = [];
  for (const m of monthsOf(period)) months.push({ period: m, rates: (await caseRates(deps, m, 'area')).total });
  return {
    township: { nameZh: t.name_zh, nameEn: t.name_en, timezone: t.timezone },
    period,
    kind: kindOf(period),
    from: byArea.from,
    to: byArea.to,
    generatedAt: deps.now().toISOString(),
    evaluation: byArea.evaluation,
    total: byArea.total,
    byArea: byArea.rows,
    byPerson: byPerson.rows,
    byCategory: byCategory.rows,
    inspection: byArea.inspection,
    dispatch: byArea.dispatch,
    months,
  };
}

import type { Deps } from './context.ts';
import { periodRates } from './rates.ts';
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
  const { t, ...r } = await periodRates(deps, period, monthsOf(period));
  return { township: { nameZh: t.name_zh, nameEn: t.name_en, timezone: t.timezone }, period, kind: kindOf(period), generatedAt: deps.now().toISOString(), ...r };
}

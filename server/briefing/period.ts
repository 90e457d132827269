import type { Table } from './tables.ts';
import type { CaseRates, Evaluation } from '../domain/case-rates.ts';

// The monthly, quarterly and yearly evaluation report (月报、季报、年报): the standard rates and grades per area, person
// and category, re-inspection on time and returns, month by month for a quarter or a year. Its tables are defined
// once here and drawn by the page, the PDF and the workbook, as the weekly briefing's are.

type Named = { name: { nameZh: string; nameEn: string } };

export interface PeriodReportData {
  township: { nameZh: string; nameEn: string; timezone: string };
  /** 2026-11, 2026-Q4 or 2026. */
  period: string;
  kind: 'month' | 'quarter' | 'year';
  /** Local dates [from, to). */
  from: string;
  to: string;
  generatedAt: string;
  evaluation: Evaluation;
  total: CaseRates;
  byArea: (CaseRates & Named)[];
  byPerson: (CaseRates & Named)[];
  byCategory: (CaseRates & Named)[];
  inspection: { verifyHours: number; total: { due: number; onTime: number; onTimeRate: number | null }; rows: ({ key: string; due: number; onTime: number; onTimeRate: number | null } & Named)[] };
  dispatch: { total: { sent: number; returned: number; returnRate: number | null }; rows: ({ key: string; sent: number; returned: number; returnRate: number | null } & Named)[] };
  /** For a quarter or a year: the township's rates month by month. */
  months: { period: string; rates: CaseRates }[];
}

/** The last day of a period ending before `to` (a local date). */
export const lastDay = (to: string) => new Date(Date.parse(`${to}T12:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

/** 2026-11-01 至 2026-11-30 · 镇创建办 */
export const periodSpan = (d: Pick<PeriodReportData, 'from' | 'to'>) => `${d.from} 至 ${lastDay(d.to)} · 镇创建办`;

export const KIND_WORDS = { month: '月报', quarter: '季报', year: '年报' } as const;

/** 2026-11 → 2026年11月, 2026-Q4 → 2026年第四季度, 2026 → 2026年. */
export function periodWords(period: string): string {
  const q = /^(\d{4})-Q([1-4])$/.exec(period);
  if (q) return `${q[1]}年第${'一二三四'[Number(q[2]) - 1]}季度`;
  const m = /^(\d{4})-(\d{2})$/.exec(period);
  if (m) return `${m[1]}年${Number(m[2])}月`;
  return `${period}年`;
}

export const periodTitle = (d: Pick<PeriodReportData, 'township' | 'period' | 'kind'>) => `${d.township.nameZh}城乡环境卫生考核${KIND_WORDS[d.kind]}(${periodWords(d.period)})`;

const pct = (v: number | null) => (v === null ? '—' : `${v.toFixed(2)}%`);
const score = (v: number | null) => (v === null ? '—' : v.toFixed(2));

const RATE_HEADERS = ['应结案', '缓办', '结案', '按期结案', '返工', '结案率', '按期结案率', '返工率', '综合得分', '等级'];
const rateCells = (r: CaseRates): (string | number)[] => [r.due, r.parked, r.closed, r.closedOnTime, r.reworked, pct(r.closeRate), pct(r.onTimeRate), pct(r.reworkRate), score(r.score), r.grade ?? '—'];

export function periodTables(d: PeriodReportData): Table[] {
  const w = d.evaluation.weights;
  const sum = w.close + w.onTime + w.rework;
  const share = (x: number) => `${Math.round((x / sum) * 1000) / 10}%`;
  const tables: Table[] = [
    {
      key: 'headline',
      title: '主要指标',
      headers: ['指标', '数值'],
      rows: [
        ['应结案数', d.total.due],
        ['缓办数(挂账)', d.total.parked],
        ['结案数', d.total.closed],
        ['按期结案数', d.total.closedOnTime],
        ['结案率', pct(d.total.closeRate)],
        ['按期结案率', pct(d.total.onTimeRate)],
        ['返工率', pct(d.total.reworkRate)],
        ['按时核查率', pct(d.inspection.total.onTimeRate)],
        ['退回率', pct(d.dispatch.total.returnRate)],
        ['综合得分', score(d.total.score)],
        ['等级', d.total.grade ?? '—'],
      ],
    },
  ];
  if (d.months.length) {
    tables.push({ key: 'months', title: '分月情况', headers: ['月份', ...RATE_HEADERS], rows: d.months.map((m) => [periodWords(m.period), ...rateCells(m.rates)]) });
  }
  tables.push(
    { key: 'areas', title: '责任区域考核(得分由低到高)', headers: ['责任区域', ...RATE_HEADERS], rows: d.byArea.map((r) => [r.name.nameZh, ...rateCells(r)]) },
    { key: 'people', title: '责任人考核', headers: ['责任人', ...RATE_HEADERS], rows: d.byPerson.map((r) => [r.name.nameZh, ...rateCells(r)]) },
    { key: 'categories', title: '分类考核', headers: ['类别', ...RATE_HEADERS], rows: d.byCategory.map((r) => [r.name.nameZh, ...rateCells(r)]) },
    {
      key: 'inspection',
      title: `按时核查(整改后${d.inspection.verifyHours}小时内复查)`,
      headers: ['核查员', '应核查', '按时核查', '按时核查率'],
      rows: d.inspection.rows.map((r) => [r.name.nameZh, r.due, r.onTime, pct(r.onTimeRate)]),
    },
    {
      key: 'dispatch',
      title: '派遣与退回',
      headers: ['责任区域', '派遣', '退回', '退回率'],
      rows: d.dispatch.rows.map((r) => [r.name.nameZh, r.sent, r.returned, pct(r.returnRate)]),
    },
    {
      key: 'method',
      title: '计算方法',
      headers: ['指标', '公式'],
      rows: [
        ['结案率', '结案数 ÷ (应结案数 − 缓办数)'],
        ['按期结案率', '按期结案数 ÷ (应结案数 − 缓办数)'],
        ['返工率', '复查不合格的件数 ÷ 结案数'],
        ['按时核查率', `整改后${d.inspection.verifyHours}小时内复查的件数 ÷ 应复查件数`],
        ['退回率', '被退回的件数 ÷ 派遣(通知整改)的件数'],
        ['综合得分', `结案率 × ${share(w.close)} + 按期结案率 × ${share(w.onTime)} + (100 − 返工率) × ${share(w.rework)}`],
        ['等级', 'A ≥ 90,B ≥ 75,C ≥ 60,D ≥ 40,其余为 E'],
        ['应结案', '整改期限在本期内且已到期的问题(不予受理、重复问题不计)'],
      ],
    },
  );
  return tables;
}

const esc = (s: unknown) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** The report as a print-ready A4 page. */
export function periodHtml(d: PeriodReportData): string {
  const title = periodTitle(d);
  const body = periodTables(d)
    .map((t) =>
      t.rows.length
        ? `<h2>${esc(t.title)}</h2><table data-table="${t.key}"><thead><tr>${t.headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${t.rows
            .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
            .join('')}</tbody></table>`
        : `<h2>${esc(t.title)}</h2><p class="none">本期无。</p>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
@page { size: A4 landscape; margin: 12mm; }
body { font-family: 'Noto Sans SC', 'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif; color: #222; font-size: 10pt; margin: 0 auto; max-width: 270mm; padding: 0 4mm; }
h1 { font-size: 16pt; margin: 4mm 0 1mm; } h2 { font-size: 12pt; margin: 5mm 0 2mm; border-left: 3pt solid #b3261e; padding-left: 2mm; }
.sub { color: #666; margin-bottom: 3mm; }
table { width: 100%; border-collapse: collapse; font-size: 9pt; margin-bottom: 2mm; }
th, td { border: 0.2mm solid #ccc; padding: 1mm 1.5mm; text-align: left; word-break: keep-all; } th { background: #f3efe3; }
tr { page-break-inside: avoid; } .none { color: #888; }
.foot { color: #888; font-size: 8pt; margin-top: 6mm; }
</style></head><body>
<h1>${esc(title)}</h1>
<div class="sub">${esc(periodSpan(d))}</div>
${body}
<p class="foot">${esc(periodFootnote(d))}</p>
</body></html>`;
}

export const periodFootnote = (d: Pick<PeriodReportData, 'generatedAt'>) => `按 CJ/T 292 数字化城市管理综合评价的口径统计;权重与复查时限为本镇设置。生成于 ${d.generatedAt}。`;

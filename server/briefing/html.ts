import type { BriefingData } from './types.ts';
import { briefingTables } from './tables.ts';
import { figureExtents, mapFigureSvg } from './map-svg.ts';

// The briefing as a print-ready A4 page (also shown in the web app's Briefing view).

const esc = (s: unknown) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export function briefingHtml(d: BriefingData): string {
  const tables = briefingTables(d);
  const ext = figureExtents(d.map);
  const table = (key: string) => {
    const t = tables.find((x) => x.key === key)!;
    if (!t.rows.length) return `<h2>${esc(t.title)}</h2><p class="none">本周无。</p>`;
    return `<h2>${esc(t.title)}</h2><table data-table="${t.key}"><thead><tr>${t.headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${t.rows
      .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
      .join('')}</tbody></table>`;
  };
  const h = d.headline.current;
  const p = d.headline.previous;
  const card = (label: string, v: string | number, was: string | number, testid: string) =>
    `<div class="card"><div class="v" data-figure="${testid}">${esc(v)}</div><div class="l">${esc(label)}</div><div class="w">上周 ${esc(was)}</div></div>`;
  const pct = (v: number | null) => (v === null ? '—' : `${Math.round(v * 1000) / 10}%`);
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(d.township.nameZh)} 创文卫生热点周报 ${esc(d.week)}</title>
<style>
@page { size: A4; margin: 14mm 12mm; }
body { font-family: 'Noto Sans SC', 'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif; color: #222; font-size: 10.5pt; margin: 0 auto; max-width: 186mm; }
h1 { font-size: 17pt; margin: 0 0 2mm; } h2 { font-size: 12pt; margin: 5mm 0 2mm; border-left: 3pt solid #b3261e; padding-left: 2mm; }
.sub { color: #666; margin-bottom: 4mm; }
.cards { display: grid; grid-template-columns: repeat(6, 1fr); gap: 2mm; }
.card { border: 0.3mm solid #ddd; border-radius: 1.5mm; padding: 2mm; text-align: center; }
.card .v { font-size: 15pt; font-weight: bold; } .card .l { font-size: 8.5pt; color: #444; } .card .w { font-size: 8pt; color: #888; }
table { width: 100%; border-collapse: collapse; font-size: 9pt; margin-bottom: 2mm; page-break-inside: auto; }
th, td { border: 0.2mm solid #ccc; padding: 1mm 1.5mm; text-align: left; } th { background: #f3efe3; }
tr { page-break-inside: avoid; }
.figures { display: grid; grid-template-columns: 1fr 1fr; gap: 3mm; } .figures svg { width: 100%; height: auto; border: 0.2mm solid #ddd; }
.focus li { margin-bottom: 1.5mm; } .none { color: #888; }
.foot { color: #888; font-size: 8pt; margin-top: 6mm; }
</style></head><body>
<h1>${esc(d.township.nameZh)}创文卫生热点周报</h1>
<div class="sub">${esc(d.week)}(${esc(d.from)} 至 ${esc(d.to)})· 镇创建办</div>
<div class="cards">
${card('新增问题', h.newReports, p.newReports, 'newReports')}
${card('销号', h.closed, p.closed, 'closed')}
${card('当周销号率', pct(h.closureRate), pct(p.closureRate), 'closureRate')}
${card('销号用时中位数(小时)', h.medianHoursToClose ?? '—', p.medianHoursToClose ?? '—', 'medianHoursToClose')}
${card('逾期未整改', h.overdue, p.overdue, 'overdue')}
${card('反复出现', h.recurrences, p.recurrences, 'recurrences')}
</div>
<h2>下周工作重点</h2>
${d.focus.length ? `<ol class="focus">${d.focus.map((f) => `<li>${esc(f.text)}<br><small class="none">依据:${esc(f.rule)}</small></li>`).join('')}</ol>` : '<p class="none">本周无突出问题。</p>'}
<h2>热点分布图</h2>
<div class="figures">
${mapFigureSvg(d.map, { bbox: ext.township, width: 340, height: 330, title: '全镇', labels: 'villages' })}
${mapFigureSvg(d.map, { bbox: ext.centre, width: 340, height: 330, title: '集镇区', labels: 'landmarks' })}
</div>
${table('headline')}
${table('areas')}
${table('categories')}
${table('hotspots')}
${table('emerging')}
${table('chronic')}
${table('overdue')}
${table('recurrences')}
<p class="foot">热点:Getis-Ord Gi*,${d.map.cellSize}米格网,距离带${d.map.band}米,Benjamini–Hochberg校正。顽固点位:DBSCAN(25米,至少8条),近12周。生成于 ${esc(d.generatedAt)}。</p>
</body></html>`;
}

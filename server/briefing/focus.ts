import type { BriefingData, PlaceWords } from './types.ts';
import { risingTest } from '../analysis/rates.ts';
import { TREND_NAMES } from '../domain/emerging-names.ts';

// The briefing's "where to focus next week": stated rules over figures the briefing shows. Pure.

/** How many earlier weeks are checked for a hot spot's streak. */
export const HOT_LOOKBACK_WEEKS = 7;

const where = (p: PlaceWords) => [p.zone, p.village].filter(Boolean).join('·') + (p.near ? `(${p.near}附近)` : '');

/** Next week's focus, by stated rules, each sentence pointing at numbers shown in the briefing. */
export function focusRules(d: {
  hotSpots: BriefingData['hotSpots'];
  emerging?: BriefingData['emerging'];
  byArea: BriefingData['byArea'];
  byCategory: BriefingData['byCategory'];
  market: Record<string, { perMarketDay: number; perOrdinaryDay: number; ratio: number | null; significant?: boolean; p?: number }>;
  overdue: BriefingData['overdue'];
}): BriefingData['focus'] {
  const out: BriefingData['focus'] = [];
  // Emerging spots that are new or getting worse come first: that is where next week's effort changes something.
  for (const e of (d.emerging ?? []).filter((x) => x.category === 'intensifying_hot' || x.category === 'new_hot' || x.category === 'consecutive_hot').slice(0, 3)) {
    out.push({
      rule: '新增、连续或加剧的热点(近12周趋势)',
      text: `${where(e.place)}:${e.categoryZh},近${e.weeks}周中${e.hotWeeks}周为热点,走势${TREND_NAMES[e.trend].zh}(共${e.reports}条),建议重点巡查${e.responsible ? `,由${e.responsible}负责` : ''}。`,
    });
  }
  for (const s of d.hotSpots.filter((h) => h.weeksHot >= 3).slice(0, 3)) {
    out.push({
      rule: '连续三周及以上为热点',
      text: `${where(s.place)}已连续${s.weeksHot}周${s.weeksHot >= HOT_LOOKBACK_WEEKS + 1 ? '以上' : ''}为统计热点(本周${s.reports}条,最高z=${s.maxZ}),建议增加巡查和保洁频次${s.responsible ? `,由${s.responsible}牵头` : ''}。`,
    });
  }
  // "rising" by the exact test of the two weeks' counts (2 → 5 is chance: p = 0.23), not by a fixed step
  const rising = d.byArea
    .filter((a) => risingTest(a.count, a.previous).rising)
    .sort((a, b) => b.count - b.previous - (a.count - a.previous))
    .slice(0, 2);
  for (const a of rising) {
    out.push({
      rule: '问题数显著上升的区域(精确检验 p<0.05)',
      text: `${a.nameZh}本周问题${a.count}条,较上周${a.previous}条增加${a.count - a.previous}条,请${a.responsible ?? '责任人'}排查原因。`,
    });
  }
  const names = new Map(d.byCategory.map((c) => [c.code, c.nameZh]));
  const spikes = Object.entries(d.market)
    .filter(([, m]) => m.ratio !== null && m.ratio >= 2 && m.perMarketDay >= 1 && m.significant !== false)
    .sort((a, b) => (b[1].ratio ?? 0) - (a[1].ratio ?? 0))
    .slice(0, 2);
  for (const [code, m] of spikes) {
    out.push({
      rule: '赶集日显著偏多的问题类别(精确检验 p<0.05)',
      text: `近四周${names.get(code) ?? code}在赶集日日均${m.perMarketDay.toFixed(1)}条,是平日(${m.perOrdinaryDay.toFixed(1)}条)的${m.ratio!.toFixed(1)}倍,赶集日请安排专人值守。`,
    });
  }
  const byPerson = new Map<string, number>();
  for (const o of d.overdue) if (o.responsible) byPerson.set(o.responsible, (byPerson.get(o.responsible) ?? 0) + 1);
  const worst = [...byPerson.entries()].sort((a, b) => b[1] - a[1])[0];
  if (worst && worst[1] >= 3) {
    out.push({ rule: '逾期未整改最多的责任人', text: `${worst[0]}名下有${worst[1]}件问题逾期未整改,请限期整改并跟踪销号。` });
  }
  return out;
}


import type { Deps } from './context.ts';
import { currentTownship, townshipRouter } from './context.ts';
import { viewContext } from './report-views.ts';
import { namedPlaces, type AnalysisQuery } from './analysis.ts';
import { cached, centreOf, cellNumber, checkBand, countsIn, frameOf, responsibleAt, round, studyFor, type Responsible } from './study-cells.ts';
import type { TownshipRow } from '../store/townships.ts';
import { joinSpots } from '../analysis/spots.ts';
import type { EmergingCategory } from '../analysis/emerging.ts';
import { nearestPlace } from '../analysis/patterns.ts';
import { runJob } from '../workers/pool.ts';
import type { Position } from '../domain/geo.ts';
import { isoWeek, localDate, weekStartUtc } from '../domain/calendar.ts';

// How the hot spots move week by week: the emerging categories over the study cells.

const DAY = 86_400_000;

export interface EmergingSpot {
  category: EmergingCategory;
  cells: number[];
  reports: number;
  hotWeeks: number;
  weeks: number;
  trend: 'rising' | 'falling' | 'steady';
  centre: Position;
  near: { name: string; kind: 'landmark' | 'road'; distanceM: number } | null;
  zone: string | null;
  village: string | null;
  responsible: Responsible[];
}

/** Categories worth a sentence in the briefing, most urgent first. */
export const EMERGING_FOCUS: readonly EmergingCategory[] = ['intensifying_hot', 'new_hot', 'consecutive_hot', 'persistent_hot'];

export async function emerging(deps: Deps, q: AnalysisQuery & { weeks: number }, who = 'system') {
  const t = await currentTownship(deps);
  const key = JSON.stringify(['emerging', t.id, q.categories ?? null, q.to ?? null, q.statuses ?? null, q.weeks]);
  return cached(deps, key, () => computeEmerging(deps, t, q, who));
}

async function computeEmerging(deps: Deps, t: TownshipRow, q: AnalysisQuery & { weeks: number }, who: string) {
  const s = await studyFor(deps, t, undefined, {});
  const { grid } = s;
  const band = s.defaultBand;
  checkBand(grid, band);
  // Complete weeks only, ending with the last one before `to` (or now): a week under way would always look like a fall.
  const end = q.to ? Date.parse(q.to) : deps.now().getTime();
  const lastStart = weekStartUtc(end, t.timezone) - (q.to ? 0 : 7 * DAY);
  const firstStart = lastStart - (q.weeks - 1) * 7 * DAY;
  const starts = Array.from({ length: q.weeks }, (_, k) => firstStart + k * 7 * DAY);
  const n = grid.x.length;
  const counts = new Float64Array(n * q.weeks);
  let outside = 0;
  for (let w = 0; w < q.weeks; w++) {
    const week = await countsIn(deps, t, s, { ...q, from: new Date(starts[w]!).toISOString(), to: new Date(starts[w]! + 7 * DAY).toISOString() });
    counts.set(week.counts, w * n);
    outside += week.outside;
  }
  const r = await runJob<{ state: Int8Array; tau: Float64Array; trendP: Float64Array; category: EmergingCategory[] }>(who, { kind: 'emerging', x: grid.x, y: grid.y, counts, weeks: q.weeks, band });
  const total = (i: number) => {
    let sum = 0;
    for (let w = 0; w < q.weeks; w++) sum += counts[w * n + i]!;
    return sum;
  };
  const hotWeeks = (i: number) => {
    let k = 0;
    for (let w = 0; w < q.weeks; w++) if (r.state[w * n + i] === 1) k++;
    return k;
  };
  const coldWeeks = (i: number) => {
    let k = 0;
    for (let w = 0; w < q.weeks; w++) if (r.state[w * n + i] === -1) k++;
    return k;
  };
  const shown: number[] = [];
  for (let i = 0; i < n; i++) if (r.category[i] !== 'none') shown.push(i);
  const ctx = await viewContext(deps, t);
  const { router } = await townshipRouter(deps, t);
  const places = await namedPlaces(deps, t);
  // cells of one category that touch make one spot
  const spots: EmergingSpot[] = [];
  const byCat = new Map<EmergingCategory, number[]>();
  for (const i of shown) byCat.set(r.category[i]!, [...(byCat.get(r.category[i]!) ?? []), i]);
  const totals = Float64Array.from({ length: n }, (_, i) => total(i));
  for (const [category, cells] of byCat) {
    if (!category.endsWith('_hot')) continue;
    const groups = joinSpots(
      { col: cells.map((i) => grid.col[i]!), row: cells.map((i) => grid.row[i]!), count: cells.map((i) => totals[i]!), bin: cells.map(() => 3), z: cells.map((i) => r.tau[i]!) },
      { minReports: 3, minBin: 1 },
    );
    for (const g of groups) {
      const members = g.cells.map((k) => cells[k]!);
      const centre = centreOf(grid, [cells[g.heart]!], null);
      const route = router.route(centre[0], centre[1]);
      const tau = members.reduce((a, i) => a + r.tau[i]!, 0) / members.length;
      const significantTrend = members.some((i) => r.trendP[i]! <= 0.05);
      spots.push({
        category,
        cells: members.map((i) => cellNumber(grid, i)),
        reports: g.reports,
        hotWeeks: Math.max(...members.map(hotWeeks)),
        weeks: q.weeks,
        trend: significantTrend ? (tau > 0 ? 'rising' : 'falling') : 'steady',
        centre,
        near: nearestPlace(centre, places),
        zone: route?.zone?.nameZh ?? null,
        village: route?.village?.nameZh ?? null,
        responsible: responsibleAt(ctx, route),
      });
    }
  }
  const rank = (c: EmergingCategory) => (EMERGING_FOCUS.includes(c) ? EMERGING_FOCUS.indexOf(c) : EMERGING_FOCUS.length);
  spots.sort((a, b) => rank(a.category) - rank(b.category) || b.reports - a.reports);
  return {
    method:
      `Emerging hot spots after ArcGIS Pro 3.x: Gi* per cell and week over ${n} cells of ${grid.cellSize} m (${s.rule}), space-time neighbours ` +
      `within ${band} m in the same and the previous week, binary weights; Benjamini–Hochberg FDR at 95 % per week; Mann-Kendall trend ` +
      `(tie-corrected) on each cell's z series at 95 %; ArcGIS's categories with "90 % of the weeks" as ⌈0.9 × ${q.weeks}⌉ = ${Math.ceil(0.9 * q.weeks)} weeks`,
    cellSize_m: grid.cellSize,
    distanceBand_m: band,
    studyArea: { rule: s.rule, ruleZh: s.ruleZh, cells: n, outsideReports: outside },
    weeks: starts.map((w) => isoWeek(localDate(w + 12 * 3600_000, t.timezone))),
    grid: frameOf(grid),
    cells: {
      index: shown.map((i) => cellNumber(grid, i)),
      category: shown.map((i) => r.category[i]!),
      reports: shown.map((i) => totals[i]!),
      hotWeeks: shown.map(hotWeeks),
      coldWeeks: shown.map(coldWeeks),
      tau: shown.map((i) => round(r.tau[i]!, 3)),
      trendP: shown.map((i) => round(r.trendP[i]!, 4)),
    },
    spots,
  };
}

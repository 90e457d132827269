import type { BriefingData, Headline, PlaceWords } from './types.ts';
import { daysOverdue } from '../domain/responsibility.ts';
import { scoreFrom } from '../domain/accountability.ts';
import { median } from '../analysis/stats.ts';
import { EMERGING_NAMES } from '../domain/emerging-names.ts';
import type { Position } from '../domain/geo.ts';

// The weekly briefing's steps, each a pure function of what was read for the week (services/briefings.ts reads
// it and runs the analyses): the headline, the counts by category and area, the spots, the lists and the map.

/** A report as the briefing reads it. */
export interface WeekReport {
  id: string;
  case_no: string | null;
  category_code: string;
  lon: number;
  lat: number;
  status: string;
  zone_id: string | null;
  village_id: string | null;
  responsible_area_id: string | null;
  assignee_id: string | null;
  observed_at: string;
  deadline_at: string | null;
  recurrence_of: string | null;
}

export interface Period {
  from: string;
  to: string;
}

/** Everything read for a week and the one before: reports, when each was first resolved, and the events. */
export interface WeekRows {
  reports: WeekReport[];
  /** report id → when it was first rectified, rejected or merged */
  resolved: Map<string, string>;
  events: { report_id: string; type: string; at: string }[];
}

const inPeriod = (r: { observed_at: string }, b: Period) => r.observed_at >= b.from && r.observed_at < b.to;

/** Waiting for rectification past its deadline at an instant (a duplicate or a rejected report never is). */
export function isOverdueAt(r: Pick<WeekReport, 'id' | 'status' | 'deadline_at' | 'observed_at'>, resolved: Map<string, string>, at: string): boolean {
  if (!r.deadline_at || r.deadline_at >= at || r.observed_at >= at) return false;
  if (r.status === 'duplicate' || r.status === 'rejected') return false;
  const done = resolved.get(r.id);
  return !done || done >= at;
}

/** The headline figures of one period. */
export function headlineOf(rows: WeekRows, b: Period): Headline {
  const byId = new Map(rows.reports.map((r) => [r.id, r]));
  const firstVerify = new Map<string, string>();
  for (const e of rows.events) if (e.type === 'verify' && (!firstVerify.has(e.report_id) || e.at < firstVerify.get(e.report_id)!)) firstVerify.set(e.report_id, e.at);
  const fresh = rows.reports.filter((r) => inPeriod(r, b) && r.status !== 'duplicate');
  const closedEvents = rows.events.filter((e) => e.type === 'verify' && e.at >= b.from && e.at < b.to);
  // verify events before the period are not loaded, but a report seen in the period cannot be verified before it
  const freshClosed = fresh.filter((r) => (firstVerify.get(r.id) ?? '~') < b.to);
  const hours = closedEvents.flatMap((e) => {
    const r = byId.get(e.report_id);
    return r ? [(Date.parse(e.at) - Date.parse(r.observed_at)) / 3600_000] : [];
  });
  return {
    newReports: fresh.length,
    closed: closedEvents.length,
    closureRate: fresh.length ? freshClosed.length / fresh.length : null,
    medianHoursToClose: hours.length ? Math.round(median(hours) * 10) / 10 : null,
    overdue: rows.reports.filter((r) => isOverdueAt(r, rows.resolved, b.to)).length,
    recurrences: fresh.filter((r) => r.recurrence_of).length,
  };
}

/** Counts by category and by area for the week and the one before, and of what was overdue at its end. */
export interface WeekTallies {
  categoryNow: Map<string, number>;
  categoryBefore: Map<string, number>;
  categoryOverdue: Map<string, number>;
  areaNow: Map<string, number>;
  areaBefore: Map<string, number>;
  areaOverdue: Map<string, number>;
}

/** Counted in one pass each (a county's months of reports, not once per category and area). */
export function tallyWeeks(counted: readonly WeekReport[], overdueNow: readonly WeekReport[], cur: Period, prev: Period): WeekTallies {
  const t: WeekTallies = { categoryNow: new Map(), categoryBefore: new Map(), categoryOverdue: new Map(), areaNow: new Map(), areaBefore: new Map(), areaOverdue: new Map() };
  const bump = (m: Map<string, number>, k: string | null) => k !== null && m.set(k, (m.get(k) ?? 0) + 1);
  for (const r of counted) {
    const now = inPeriod(r, cur);
    const before = !now && inPeriod(r, prev);
    if (!now && !before) continue;
    bump(now ? t.categoryNow : t.categoryBefore, r.category_code);
    bump(now ? t.areaNow : t.areaBefore, r.zone_id);
    if (r.village_id !== r.zone_id) bump(now ? t.areaNow : t.areaBefore, r.village_id);
  }
  for (const r of overdueNow) {
    bump(t.categoryOverdue, r.category_code);
    bump(t.areaOverdue, r.responsible_area_id);
  }
  return t;
}

export function categoryTable(categories: Iterable<{ code: string; name_zh: string; color: string }>, t: WeekTallies): BriefingData['byCategory'] {
  return [...categories].map((c) => ({
    code: c.code,
    nameZh: c.name_zh,
    color: c.color,
    count: t.categoryNow.get(c.code) ?? 0,
    previous: t.categoryBefore.get(c.code) ?? 0,
    overdue: t.categoryOverdue.get(c.code) ?? 0,
  }));
}

/** Zones and villages, worst score first: the week's deductions charged to each, and its counts. */
export function areaTable(
  areas: Iterable<{ id: string; kind: string; nameZh: string }>,
  t: WeekTallies,
  deductions: readonly { area_id: string | null; amount_yuan: number; points: number }[],
  personOfArea: (id: string) => string | null,
): BriefingData['byArea'] {
  return [...areas]
    .filter((a) => a.kind !== 'unit')
    .map((a) => {
      const ded = deductions.filter((d) => d.area_id === a.id);
      return {
        id: a.id,
        kind: a.kind,
        nameZh: a.nameZh,
        responsible: personOfArea(a.id),
        count: t.areaNow.get(a.id) ?? 0,
        previous: t.areaBefore.get(a.id) ?? 0,
        overdue: t.areaOverdue.get(a.id) ?? 0,
        deductionYuan: ded.reduce((s, d) => s + d.amount_yuan, 0),
        score: scoreFrom(ded.reduce((s, d) => s + d.points, 0)),
      };
    })
    .sort((x, y) => x.score - y.score || y.count - x.count);
}

interface SpotOfRun {
  centre: [number, number];
  cells: number[];
  reports: number;
  maxZ: number;
  confidence: number;
  near: { name: string } | null;
  zone: string | null;
  village: string | null;
  responsible: { person: string | null }[];
}

/**
 * The week's hot spots, most weeks running first: a spot has been hot for as many weeks back as one of its cells
 * (column,row) was in a spot of each week before, without a gap.
 */
export function hotSpotsOfWeek(spots: readonly SpotOfRun[], cellKey: (i: number) => string, earlierWeeks: readonly Set<string>[]): BriefingData['hotSpots'] {
  return spots
    .map((sp) => {
      let weeksHot = 1;
      for (const set of earlierWeeks) {
        if (sp.cells.some((i) => set.has(cellKey(i)))) weeksHot++;
        else break;
      }
      return {
        centre: sp.centre,
        cells: sp.cells.length,
        reports: sp.reports,
        maxZ: sp.maxZ,
        confidence: sp.confidence,
        place: { near: sp.near?.name ?? null, zone: sp.zone, village: sp.village },
        responsible: sp.responsible.find((r) => r.person)?.person ?? null,
        weeksHot,
      };
    })
    .sort((a, b) => b.weeksHot - a.weeksHot || b.reports - a.reports)
    .slice(0, 8);
}

export function emergingOfWeek(
  spots: readonly (Omit<SpotOfRun, 'cells' | 'maxZ' | 'confidence'> & { category: string; hotWeeks: number; weeks: number; trend: 'rising' | 'falling' | 'steady' })[],
  focus: readonly string[],
): NonNullable<BriefingData['emerging']> {
  return spots
    .filter((e) => focus.includes(e.category))
    .slice(0, 8)
    .map((e) => ({
      centre: e.centre,
      category: e.category,
      categoryZh: EMERGING_NAMES[e.category]?.zh ?? e.category,
      hotWeeks: e.hotWeeks,
      weeks: e.weeks,
      trend: e.trend,
      reports: e.reports,
      place: { near: e.near?.name ?? null, zone: e.zone, village: e.village },
      responsible: e.responsible.find((r) => r.person)?.person ?? null,
    }));
}

export function chronicOfWeek(
  spots: readonly { centre: Position; count: number; dominantCategory: string; weeksActive: number; weeks: number; nearest: { name: string } | null; zone: string | null; village: string | null }[],
  categoryZh: (code: string) => string,
): BriefingData['chronic'] {
  return spots.slice(0, 6).map((s) => ({
    centre: s.centre as [number, number],
    count: s.count,
    categoryZh: categoryZh(s.dominantCategory),
    weeksActive: s.weeksActive,
    weeks: s.weeks,
    place: { near: s.nearest?.name ?? null, zone: s.zone, village: s.village },
  }));
}

/** How a listed item is worded: its category, its place and who answers for it. */
export interface ItemWords {
  categoryZh(code: string): string;
  placeOf(at: Position, zoneId: string | null, villageId: string | null): PlaceWords;
  responsibleFor(r: WeekReport): string | null;
}

/** The longest overdue first; places and people looked up for the ones listed only. */
export function overdueOfWeek(overdueNow: readonly WeekReport[], at: string, limit: number, words: ItemWords): BriefingData['overdue'] {
  return overdueNow
    .map((r) => ({ r, days: daysOverdue(r.deadline_at, at) }))
    .sort((a, b) => b.days - a.days)
    .slice(0, limit)
    .map(({ r, days }) => ({
      id: r.id,
      caseNo: r.case_no,
      categoryZh: words.categoryZh(r.category_code),
      place: words.placeOf([r.lon, r.lat], r.zone_id, r.village_id),
      responsible: words.responsibleFor(r),
      deadlineAt: r.deadline_at!,
      daysOverdue: days,
    }));
}

export function recurrencesOfWeek(recurring: readonly WeekReport[], earlierCases: Map<string, string | null>, words: ItemWords): BriefingData['recurrences'] {
  return recurring.map((r) => ({
    id: r.id,
    caseNo: r.case_no,
    categoryZh: words.categoryZh(r.category_code),
    place: words.placeOf([r.lon, r.lat], r.zone_id, r.village_id),
    observedAt: r.observed_at,
    recurrenceOf: r.recurrence_of!,
    recurrenceOfCase: earlierCases.get(r.recurrence_of!) ?? null,
  }));
}

/** The statuses an item drawn on the briefing's map may have: seen, and not thrown out. */
const MAPPED_STATUSES = ['reported', 'notified', 'rectified', 'closed'];

/** The items drawn on the map: waiting at the week's end, seen since the week before, the overdue first. */
export function mapItemsOfWeek(rows: WeekRows, cur: Period, prev: Period, limit: number): BriefingData['map']['openItems'] {
  return rows.reports
    .filter((r) => r.observed_at < cur.to && !rows.resolved.has(r.id) && MAPPED_STATUSES.includes(r.status) && r.observed_at >= prev.from)
    .map((r) => ({ at: [r.lon, r.lat] as [number, number], overdue: isOverdueAt(r, rows.resolved, cur.to) }))
    .sort((a, b) => Number(b.overdue) - Number(a.overdue))
    .slice(0, limit);
}

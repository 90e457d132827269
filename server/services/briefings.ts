import { caseNumbersOf } from '../store/case-numbers.ts';
import type { Deps } from './context.ts';
import { currentTownship } from './context.ts';
import { recordAudit, type AuditActor } from './audit.ts';
import { queueEvent } from './webhooks.ts';
import { listWebhooks } from '../store/integrations.ts';
import { AppError } from './errors.ts';
import { viewContext } from './report-views.ts';
import { chronic, namedPlaces, patterns } from './analysis.ts';
import { runHotspots } from './hotspots.ts';
import { emerging, EMERGING_FOCUS } from './emerging.ts';
import { focusRules, HOT_LOOKBACK_WEEKS } from '../briefing/focus.ts';
import { cellRing } from '../analysis/grid.ts';
import { sweepOverdue } from './lifecycle.ts';
import { listDeductions } from '../store/deductions.ts';
import { findBriefing, firstResolutions, listBriefings, listEventsBetween, listReportsForBriefing, saveBriefing } from '../store/briefings.ts';
import type { BriefingData } from '../briefing/types.ts';
import {
  areaTable,
  categoryTable,
  chronicOfWeek,
  emergingOfWeek,
  headlineOf,
  hotSpotsOfWeek,
  isOverdueAt,
  mapItemsOfWeek,
  overdueOfWeek,
  recurrencesOfWeek,
  tallyWeeks,
  type ItemWords,
  type Period,
  type WeekRows,
} from '../briefing/week.ts';
import { isoWeek, isoWeekMonday, localDate, localMidnightUtc, nextLocalDate, previousIsoWeek, weekStartUtc } from '../domain/calendar.ts';
import { nearestPlace } from '../analysis/patterns.ts';
import { signedPath } from './signed-links.ts';
import { centerOfMass } from '@turf/turf';
import type { AreaGeometry } from '../domain/geo.ts';
import type { TownshipRow } from '../store/townships.ts';

const DAY = 86_400_000;
/** Lists in the briefing show the worst items; the totals stay in the headline figures. */
export const LIST_LIMIT = 100;
/** Open items drawn on the map figures, most overdue first. */
const MAP_ITEMS_LIMIT = 4000;

/** The UTC bounds of an ISO week in the township's zone. */
export function weekBounds(week: string, timeZone: string) {
  const monday = isoWeekMonday(week);
  let sunday = monday;
  for (let i = 0; i < 6; i++) sunday = nextLocalDate(sunday);
  return { monday, sunday, from: localMidnightUtc(monday, timeZone), to: localMidnightUtc(nextLocalDate(sunday), timeZone) };
}

/** The week's reports (and the four months before the week compared, for what was still open), resolutions and events. */
async function readWeek(deps: Deps, townshipId: string, cur: Period, prev: Period): Promise<WeekRows> {
  const db = deps.store.db;
  const [reports, resolved, events] = await Promise.all([
    listReportsForBriefing(db, townshipId, new Date(Date.parse(prev.from) - 120 * DAY).toISOString(), cur.to),
    firstResolutions(db, townshipId, cur.to),
    listEventsBetween(db, townshipId, prev.from, cur.to),
  ]);
  return { reports, resolved, events };
}

/** The deductions charged for deadlines that fell in the week (after charging any the sweep has not yet). */
async function deductionsOfWeek(deps: Deps, t: TownshipRow, cur: Period) {
  await sweepOverdue(deps, t);
  const months = [...new Set([localDate(cur.from, t.timezone).slice(0, 7), localDate(Date.parse(cur.to) - 1, t.timezone).slice(0, 7)])];
  return (await Promise.all(months.map((m) => listDeductions(deps.store.db, t.id, m)))).flat().filter((d) => d.deadline_at >= cur.from && d.deadline_at < cur.to);
}

/** The cells (column,row) in a hot spot in each of the weeks before this one, the nearest week first. */
async function earlierHotCells(deps: Deps, week: string, timeZone: string): Promise<Set<string>[]> {
  const out: Set<string>[] = [];
  let w = week;
  for (let k = 0; k < HOT_LOOKBACK_WEEKS; k++) {
    w = previousIsoWeek(w);
    const b = weekBounds(w, timeZone);
    const h = await runHotspots(deps, { from: b.from, to: b.to });
    out.push(new Set(h.spots.flatMap((sp) => sp.cells.map((i) => `${h.grid.col[i]},${h.grid.row[i]}`))));
  }
  return out;
}

/**
 * Composes a week's briefing from the data as it stood at the end of that week: headline figures against
 * the week before, league tables, hot and chronic spots in words, overdue and recurrence lists, and the
 * focus for next week by stated rules. It reads and runs the analyses; each part is a step of briefing/week.ts.
 */
export async function composeBriefing(deps: Deps, week: string): Promise<BriefingData> {
  const t = await currentTownship(deps);
  const tz = t.timezone;
  const cur = weekBounds(week, tz);
  const prev = weekBounds(previousIsoWeek(week), tz);
  if (cur.from > deps.now().toISOString()) throw new AppError(422, 'week_in_future', `${week} 周尚未开始。${week} has not started yet.`);
  const ctx = await viewContext(deps, t);
  const named = await namedPlaces(deps, t);
  const areaName = (id: string | null) => (id ? (ctx.areas.get(id)?.nameZh ?? null) : null);
  const personOfArea = (areaId: string | null) =>
    areaId ? ([...ctx.users.values()].find((u) => u.area_id === areaId && (u.role === 'cleaner' || u.role === 'unit'))?.display_name ?? null) : null;
  const words: ItemWords = {
    categoryZh: (code) => ctx.categories.get(code)?.name_zh ?? code,
    placeOf: (at, zoneId, villageId) => ({ near: nearestPlace(at, named)?.name ?? null, zone: areaName(zoneId), village: areaName(villageId) }),
    responsibleFor: (r) => (r.assignee_id ? (ctx.users.get(r.assignee_id)?.display_name ?? null) : personOfArea(r.responsible_area_id)),
  };

  // Everything as of the end of the week, so a past week always reads the same.
  const rows = await readWeek(deps, t.id, cur, prev);
  const counted = rows.reports.filter((r) => r.status !== 'duplicate' && r.status !== 'rejected');
  const overdueNow = rows.reports.filter((r) => isOverdueAt(r, rows.resolved, cur.to));
  const tallies = tallyWeeks(counted, overdueNow, cur, prev);
  const byCategory = categoryTable(ctx.categories.values(), tallies);
  const byArea = areaTable(ctx.areas.values(), tallies, await deductionsOfWeek(deps, t, cur), personOfArea);

  // Hot spots of the week: the analysis's spots (significant cells joined, with at least three reports in them),
  // and for how many weeks before a spot overlapped one of that week's.
  const hs = await runHotspots(deps, { from: cur.from, to: cur.to });
  const hotSpots = hotSpotsOfWeek(hs.spots, (i) => `${hs.grid.col[i]},${hs.grid.row[i]}`, await earlierHotCells(deps, week, tz));
  const emergingSpots = emergingOfWeek((await emerging(deps, { weeks: 12, to: cur.to })).spots, EMERGING_FOCUS);
  const chronicSpots = chronicOfWeek((await chronic(deps, { weeks: 12, eps: 25, minPts: 8, to: cur.to })).spots, words.categoryZh);

  const overdueList = overdueOfWeek(overdueNow, cur.to, LIST_LIMIT, words);
  const recurring = counted.filter((r) => r.observed_at >= cur.from && r.observed_at < cur.to && r.recurrence_of).slice(0, LIST_LIMIT);
  const recurrences = recurrencesOfWeek(recurring, await caseNumbersOf(deps.store.db, recurring.map((r) => r.recurrence_of!)), words);

  const pat = await patterns(deps, { from: new Date(Date.parse(cur.to) - 28 * DAY).toISOString(), to: cur.to });
  const focus = focusRules({ hotSpots, emerging: emergingSpots, byArea, byCategory, market: pat.market.byCategory, overdue: overdueList });
  const areas = [...ctx.areas.values()];
  return {
    township: { nameZh: t.name_zh, nameEn: t.name_en, timezone: tz },
    week,
    from: cur.monday,
    to: cur.sunday,
    generatedAt: deps.now().toISOString(),
    headline: { current: headlineOf(rows, cur), previous: headlineOf(rows, prev) },
    byCategory,
    byArea,
    hotSpots,
    emerging: emergingSpots,
    chronic: chronicSpots,
    overdue: overdueList,
    recurrences,
    focus,
    map: {
      boundary: JSON.parse(t.boundary),
      zones: areas.filter((a) => a.kind === 'cleaning_zone').map((z) => ({ nameZh: z.nameZh, geometry: z.geometry })),
      villages: areas
        .filter((a) => a.kind === 'village' || a.kind === 'community')
        .map((v) => ({
          nameZh: v.nameZh,
          geometry: v.geometry,
          label: centerOfMass({ type: 'Feature', properties: {}, geometry: v.geometry as AreaGeometry } as never).geometry.coordinates as [number, number],
        })),
      cells: Array.from(hs.bin.keys()).filter((i) => hs.bin[i] !== 0).map((i) => ({ ring: cellRing(hs.grid, i), bin: hs.bin[i]! })),
      openItems: mapItemsOfWeek(rows, cur, prev, MAP_ITEMS_LIMIT),
      landmarks: named.filter((p) => p.kind === 'landmark' && p.geometry.type === 'Point').map((p) => ({ nameZh: p.name, at: p.geometry.coordinates as [number, number] })),
      cellSize: hs.grid.cellSize,
      band: hs.band,
    },
  };
}

/** The week whose briefing is due: the last complete ISO week in the township's zone. */
export function lastCompleteWeek(now: Date, timeZone: string): string {
  const monday = weekStartUtc(now.getTime(), timeZone);
  return isoWeek(localDate(monday - 3 * DAY, timeZone));
}

/** A week's briefing from the archive, composing and storing it the first time. */
export async function getBriefing(deps: Deps, week: string): Promise<BriefingData> {
  const t = await currentTownship(deps);
  const stored = await findBriefing(deps.store.db, t.id, week);
  if (stored) return JSON.parse(stored.data) as BriefingData;
  const current = isoWeek(localDate(deps.now().getTime(), t.timezone));
  const data = await composeBriefing(deps, week);
  // A week still under way is shown but not archived: its figures are not final.
  if (week < current) await saveBriefing(deps.store.db, { township_id: t.id, week, generated_at: data.generatedAt, generated_by: null, data: JSON.stringify(data) }, false);
  return data;
}

/** Composes a week again and replaces the archived copy (the office's "regenerate"). */
export async function regenerateBriefing(deps: Deps, week: string, actor: AuditActor): Promise<BriefingData> {
  const t = await currentTownship(deps);
  const data = await composeBriefing(deps, week);
  await deps.store.db.transaction().execute(async (trx) => {
    await saveBriefing(trx, { township_id: t.id, week, generated_at: data.generatedAt, generated_by: actor.id, data: JSON.stringify(data) }, true);
    await recordAudit(deps, trx, { townshipId: t.id, actor, action: 'briefing.regenerate', target: `briefing:${week}` });
  });
  return data;
}

export async function briefingArchive(deps: Deps) {
  const t = await currentTownship(deps);
  return (await listBriefings(deps.store.db, t.id)).map((b) => ({ week: b.week, generatedAt: b.generated_at }));
}

/**
 * The Monday job: once it is past the configured local hour on Monday, the previous week's briefing is
 * composed and archived unless it already is. Several servers may run it; the archive keeps one.
 */
export async function runScheduledBriefing(deps: Deps, atHour: number): Promise<string | null> {
  const week = await dueBriefing(deps, atHour);
  return week ? archiveBriefing(deps, week) : null;
}

/** The week whose briefing is due and not yet archived (from Monday at `atHour`), or null: a quick check. */
export async function dueBriefing(deps: Deps, atHour: number): Promise<string | null> {
  const t = await currentTownship(deps);
  const now = deps.now();
  const weekStart = weekStartUtc(now.getTime(), t.timezone);
  if (now.getTime() < weekStart + atHour * 3600_000) return null;
  const week = lastCompleteWeek(now, t.timezone);
  return (await findBriefing(deps.store.db, t.id, week)) ? null : week;
}

/** Composes a week's briefing and archives it unless another server got there first; the week when this one did. */
export async function archiveBriefing(deps: Deps, week: string): Promise<string | null> {
  const t = await currentTownship(deps);
  const data = await composeBriefing(deps, week);
  const stored = await saveBriefing(
    deps.store.db,
    { township_id: t.id, week, generated_at: data.generatedAt, generated_by: null, data: JSON.stringify(data) },
    false,
  );
  if (stored) {
    const hooks = await listWebhooks(deps.store.db, t.id);
    const h = data.headline.current;
    const rate = h.closureRate === null ? '—' : `${Math.round(h.closureRate * 100)}%`;
    await queueEvent(deps, deps.store.db, t, hooks, `briefing:${week}`, {
      event: 'briefing.ready',
      title: `【周报】${t.name_zh} ${week} 创文卫生热点周报`,
      text: `新上报 ${h.newReports} 件,销号 ${h.closed} 件,当周销号率 ${rate},超期未整改 ${h.overdue} 件。\nWeek ${week}: ${h.newReports} new, ${h.closed} closed, ${rate} of the week's items closed, ${h.overdue} overdue.`,
      // a signed read-only link: a group member who is not signed in can open the PDF for 14 days
      link: deps.options.publicUrl ? `${deps.options.publicUrl}${await signedPath(deps, t, `/api/briefings/${week}.pdf`)}` : null,
      data: { week, headline: h, pdf: `/api/briefings/${week}.pdf`, html: `/api/briefings/${week}.html` },
    });
  }
  return stored ? week : null;
}

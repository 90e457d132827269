import { caseNumbersOf } from '../store/case-numbers.ts';
import type { Deps } from './context.ts';
import { currentTownship, townshipRouter } from './context.ts';
import { recordAudit, type AuditActor } from './audit.ts';
import { queueEvent } from './webhooks.ts';
import { listWebhooks } from '../store/integrations.ts';
import { AppError } from './errors.ts';
import { viewContext } from './report-views.ts';
import { chronic, namedPlaces, patterns } from './analysis.ts';
import { runHotspots } from './hotspots.ts';
import { emerging, EMERGING_FOCUS } from './emerging.ts';
import { EMERGING_NAMES } from '../domain/emerging-names.ts';
import { focusRules, HOT_LOOKBACK_WEEKS } from '../briefing/focus.ts';
import { cellRing } from '../analysis/grid.ts';
import { sweepOverdue } from './lifecycle.ts';
import { listDeductions } from '../store/deductions.ts';
import { findBriefing, firstResolutions, listBriefings, listEventsBetween, listReportsForBriefing, saveBriefing } from '../store/briefings.ts';
import type { BriefingData, Headline, PlaceWords } from '../briefing/types.ts';
import { isoWeek, isoWeekMonday, localDate, localMidnightUtc, nextLocalDate, previousIsoWeek, weekStartUtc } from '../domain/calendar.ts';
import { daysOverdue } from '../domain/responsibility.ts';
import { scoreFrom } from '../domain/accountability.ts';
import { nearestPlace } from '../analysis/patterns.ts';
import { median } from '../analysis/stats.ts';
import { signedPath } from './signed-links.ts';
import { centerOfMass } from '@turf/turf';
import type { AreaGeometry, Position } from '../domain/geo.ts';

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

/**
 * Composes a week's briefing from the data as it stood at the end of that week: headline figures against
 * the week before, league tables, hot and chronic spots in words, overdue and recurrence lists, and the
 * focus for next week by stated rules.
 */
export async function composeBriefing(deps: Deps, week: string): Promise<BriefingData> {
  const t = await currentTownship(deps);
  const tz = t.timezone;
  const cur = weekBounds(week, tz);
  const prev = weekBounds(previousIsoWeek(week), tz);
  if (cur.from > deps.now().toISOString()) throw new AppError(422, 'week_in_future', `${week} 周尚未开始。${week} has not started yet.`);
  const db = deps.store.db;
  const ctx = await viewContext(deps, t);
  const { router } = await townshipRouter(deps, t);
  const named = await namedPlaces(deps, t);
  const name = (id: string | null) => (id ? (ctx.areas.get(id)?.nameZh ?? null) : null);
  const personOfArea = (areaId: string | null) =>
    areaId ? ([...ctx.users.values()].find((u) => u.area_id === areaId && (u.role === 'cleaner' || u.role === 'unit'))?.display_name ?? null) : null;
  const placeOf = (at: Position, zoneId?: string | null, villageId?: string | null): PlaceWords => {
    const r = zoneId === undefined ? router.route(at[0], at[1]) : null;
    return {
      near: nearestPlace(at, named)?.name ?? null,
      zone: zoneId !== undefined ? name(zoneId ?? null) : (r?.zone?.nameZh ?? null),
      village: villageId !== undefined ? name(villageId ?? null) : (r?.village?.nameZh ?? null),
    };
  };
  const catZh = (code: string) => ctx.categories.get(code)?.name_zh ?? code;

  // Everything as of the end of the week, so a past week always reads the same.
  const reports = await listReportsForBriefing(db, t.id, new Date(Date.parse(prev.from) - 120 * DAY).toISOString(), cur.to);
  const resolved = await firstResolutions(db, t.id, cur.to);
  const events = await listEventsBetween(db, t.id, prev.from, cur.to);
  const byId = new Map(reports.map((r) => [r.id, r]));
  const firstVerify = new Map<string, string>();
  for (const e of events) if (e.type === 'verify' && (!firstVerify.has(e.report_id) || e.at < firstVerify.get(e.report_id)!)) firstVerify.set(e.report_id, e.at);

  const headlineFor = (b: { from: string; to: string }): Headline => {
    const fresh = reports.filter((r) => r.observed_at >= b.from && r.observed_at < b.to && r.status !== 'duplicate');
    const closedEvents = events.filter((e) => e.type === 'verify' && e.at >= b.from && e.at < b.to);
    // verify events before the period are not loaded, but a report seen in the period cannot be verified before it
    const freshClosed = fresh.filter((r) => (firstVerify.get(r.id) ?? '~') < b.to);
    const hours = closedEvents.flatMap((e) => {
      const r = byId.get(e.report_id);
      return r ? [(Date.parse(e.at) - Date.parse(r.observed_at)) / 3600_000] : [];
    });
    const overdueAt = reports.filter((r) => isOverdueAt(r, resolved, b.to)).length;
    return {
      newReports: fresh.length,
      closed: closedEvents.length,
      closureRate: fresh.length ? freshClosed.length / fresh.length : null,
      medianHoursToClose: hours.length ? Math.round(median(hours) * 10) / 10 : null,
      overdue: overdueAt,
      recurrences: fresh.filter((r) => r.recurrence_of).length,
    };
  };

  const inWeek = (r: { observed_at: string }, b: { from: string; to: string }) => r.observed_at >= b.from && r.observed_at < b.to;
  const counted = reports.filter((r) => r.status !== 'duplicate' && r.status !== 'rejected');
  const overdueNow = reports.filter((r) => isOverdueAt(r, resolved, cur.to));

  // Counted in one pass each (a county's months of reports, not once per category and area).
  const tally = () => new Map<string, number>();
  const bump = (m: Map<string, number>, k: string | null) => k !== null && m.set(k, (m.get(k) ?? 0) + 1);
  const [catNow, catBefore, catOverdue, areaNow, areaBefore, areaOverdue] = [tally(), tally(), tally(), tally(), tally(), tally()];
  for (const r of counted) {
    const now = inWeek(r, cur);
    const before = !now && inWeek(r, prev);
    if (!now && !before) continue;
    bump(now ? catNow : catBefore, r.category_code);
    bump(now ? areaNow : areaBefore, r.zone_id);
    if (r.village_id !== r.zone_id) bump(now ? areaNow : areaBefore, r.village_id);
  }
  for (const r of overdueNow) {
    bump(catOverdue, r.category_code);
    bump(areaOverdue, r.responsible_area_id);
  }

  const byCategory = [...ctx.categories.values()].map((c) => ({
    code: c.code,
    nameZh: c.name_zh,
    color: c.color,
    count: catNow.get(c.code) ?? 0,
    previous: catBefore.get(c.code) ?? 0,
    overdue: catOverdue.get(c.code) ?? 0,
  }));

  // Deductions charged for deadlines that fell in the week.
  await sweepOverdue(deps, t);
  const months = [...new Set([localDate(cur.from, tz).slice(0, 7), localDate(Date.parse(cur.to) - 1, tz).slice(0, 7)])];
  const deductions = (await Promise.all(months.map((m) => listDeductions(db, t.id, m))))
    .flat()
    .filter((d) => d.deadline_at >= cur.from && d.deadline_at < cur.to);
  const byArea = [...ctx.areas.values()]
    .filter((a) => a.kind !== 'unit')
    .map((a) => {
      const ded = deductions.filter((d) => d.area_id === a.id);
      return {
        id: a.id,
        kind: a.kind,
        nameZh: a.nameZh,
        responsible: personOfArea(a.id),
        count: areaNow.get(a.id) ?? 0,
        previous: areaBefore.get(a.id) ?? 0,
        overdue: areaOverdue.get(a.id) ?? 0,
        deductionYuan: ded.reduce((s, d) => s + d.amount_yuan, 0),
        score: scoreFrom(ded.reduce((s, d) => s + d.points, 0)),
      };
    })
    .sort((x, y) => x.score - y.score || y.count - x.count);

  // Hot spots of the week: the analysis's spots (significant cells joined, with at least three reports in them),
  // and for how many weeks before a spot overlapped one of that week's.
  const hs = await runHotspots(deps, { from: cur.from, to: cur.to });
  const cellKey = (i: number) => `${hs.grid.col[i]},${hs.grid.row[i]}`;
  const previousHot: Set<string>[] = [];
  let w = week;
  for (let k = 0; k < HOT_LOOKBACK_WEEKS; k++) {
    w = previousIsoWeek(w);
    const b = weekBounds(w, tz);
    const h = await runHotspots(deps, { from: b.from, to: b.to });
    previousHot.push(new Set(h.spots.flatMap((sp) => sp.cells.map((i) => `${h.grid.col[i]},${h.grid.row[i]}`))));
  }
  const hotSpots = hs.spots
    .map((sp) => {
      let weeksHot = 1;
      for (const set of previousHot) {
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

  const em = await emerging(deps, { weeks: 12, to: cur.to });
  const emergingSpots = em.spots
    .filter((e) => EMERGING_FOCUS.includes(e.category))
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

  const ch = await chronic(deps, { weeks: 12, eps: 25, minPts: 8, to: cur.to });
  const chronicSpots = ch.spots.slice(0, 6).map((s) => ({
    centre: s.centre as [number, number],
    count: s.count,
    categoryZh: catZh(s.dominantCategory),
    weeksActive: s.weeksActive,
    weeks: s.weeks,
    place: { near: s.nearest?.name ?? null, zone: s.zone, village: s.village },
  }));

  // The longest overdue first; places and people looked up for the ones listed only.
  const overdueList = overdueNow
    .map((r) => ({ r, days: daysOverdue(r.deadline_at, cur.to) }))
    .sort((a, b) => b.days - a.days)
    .slice(0, LIST_LIMIT)
    .map(({ r, days }) => ({
      id: r.id,
      caseNo: r.case_no,
      categoryZh: catZh(r.category_code),
      place: placeOf([r.lon, r.lat], r.zone_id, r.village_id),
      responsible: r.assignee_id ? (ctx.users.get(r.assignee_id)?.display_name ?? null) : personOfArea(r.responsible_area_id),
      deadlineAt: r.deadline_at!,
      daysOverdue: days,
    }));

  const recurring = counted.filter((r) => inWeek(r, cur) && r.recurrence_of).slice(0, LIST_LIMIT);
  const earlierCases = await caseNumbersOf(db, recurring.map((r) => r.recurrence_of!));
  const recurrences = recurring.map((r) => ({
    id: r.id,
    caseNo: r.case_no,
    categoryZh: catZh(r.category_code),
    place: placeOf([r.lon, r.lat], r.zone_id, r.village_id),
    observedAt: r.observed_at,
    recurrenceOf: r.recurrence_of!,
    recurrenceOfCase: earlierCases.get(r.recurrence_of!) ?? null,
  }));

  const pat = await patterns(deps, { from: new Date(Date.parse(cur.to) - 28 * DAY).toISOString(), to: cur.to });
  const headline = { current: headlineFor(cur), previous: headlineFor(prev) };
  const focus = focusRules({ hotSpots, emerging: emergingSpots, byArea, byCategory, market: pat.market.byCategory, overdue: overdueList });

  const zones = [...ctx.areas.values()].filter((a) => a.kind === 'cleaning_zone');
  const villages = [...ctx.areas.values()].filter((a) => a.kind === 'village' || a.kind === 'community');
  return {
    township: { nameZh: t.name_zh, nameEn: t.name_en, timezone: tz },
    week,
    from: cur.monday,
    to: cur.sunday,
    generatedAt: deps.now().toISOString(),
    headline,
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
      zones: zones.map((z) => ({ nameZh: z.nameZh, geometry: z.geometry })),
      villages: villages.map((v) => ({
        nameZh: v.nameZh,
        geometry: v.geometry,
        label: centerOfMass({ type: 'Feature', properties: {}, geometry: v.geometry as AreaGeometry } as never).geometry.coordinates as [number, number],
      })),
      cells: Array.from(hs.bin.keys()).filter((i) => hs.bin[i] !== 0).map((i) => ({ ring: cellRing(hs.grid, i), bin: hs.bin[i]! })),
      openItems: reports
        .filter((r) => r.observed_at < cur.to && !resolved.has(r.id) && ['reported', 'notified', 'rectified', 'closed'].includes(r.status) && r.observed_at >= prev.from)
        .map((r) => ({ at: [r.lon, r.lat] as [number, number], overdue: isOverdueAt(r, resolved, cur.to) }))
        .sort((a, b) => Number(b.overdue) - Number(a.overdue))
        .slice(0, MAP_ITEMS_LIMIT),
      landmarks: named.filter((p) => p.kind === 'landmark' && p.geometry.type === 'Point').map((p) => ({ nameZh: p.name, at: p.geometry.coordinates as [number, number] })),
      cellSize: hs.grid.cellSize,
      band: hs.band,
    },
  };
}

function isOverdueAt(
  r: { id: string; status: string; deadline_at: string | null; observed_at: string },
  resolved: Map<string, string>,
  at: string,
): boolean {
  if (!r.deadline_at || r.deadline_at >= at || r.observed_at >= at) return false;
  if (r.status === 'duplicate' || r.status === 'rejected') return false;
  const done = resolved.get(r.id);
  return !done || done >= at;
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

import { randomUUID } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { ReportEventTable } from '../store/schema.ts';
import type { Deps } from './context.ts';
import { currentTownship, townshipRouter } from './context.ts';
import { AppError } from './errors.ts';
import { deadlineRule } from './working-calendar.ts';
import type { SessionUser } from './auth.ts';
import { photoRef, requirePhotos } from './photos.ts';
import { oncePerKey, type Done } from './once-per-key.ts';
import { actorOf, areaRef, itemState, toView, viewContext, personRef, type ReportView } from './report-views.ts';
import { addSighting, findReportById, findReportByIdempotencyKey, insertReportEvents, listReportDeductions, listReportEvents, type ReportRow } from '../store/reports.ts';
import { queryPins, type ReportFilter } from '../store/report-query.ts';
import { insertReportPhotos, listReportPhotos } from '../store/photos.ts';
import { writeNewReport } from '../store/report-create.ts';
import { nearbyOf, NEARBY_SHOWN } from './nearby.ts';
import { findUsersForArea } from '../store/users.ts';
import type { CategoryRow } from '../store/categories.ts';
import type { UserRow } from '../store/users.ts';
import type { Role } from '../store/schema.ts';
import { isUniqueViolation } from '../store/errors.ts';
import type { TownshipRow } from '../store/townships.ts';
import type { Urgency } from '../store/schema.ts';
import { observedAt, OPEN_STATUSES } from '../domain/reports.ts';
import { allowedActions, SEES_ALL } from '../domain/lifecycle.ts';
import { deadlineFor, isOverdue, responsibleArea } from '../domain/responsibility.ts';

export type { ReportView } from './report-views.ts';

export interface NewReport {
  category: string;
  lon: number;
  lat: number;
  accuracyM?: number | undefined;
  /** The phone's fix, or placed on the map by hand. */
  placedBy?: 'gps' | 'hand' | undefined;
  description?: string | undefined;
  capturedAt?: string | undefined;
  /** The phone's clock when it sent this report (reveals how far its clock is off). */
  sentAt?: string | undefined;
  photoIds?: string[] | undefined;
  /** 紧急 or 一般 (the default). */
  urgency?: Urgency | undefined;
}

/** Who answers for a spot: its zone/village/unit, the area that loses points, and the person asked to rectify. */
export async function assignmentFor(
  deps: Deps,
  route: { zone?: { id: string } | null | undefined; village?: { id: string } | null | undefined; unit?: { id: string } | null | undefined },
  category: Pick<CategoryRow, 'responsibility'>,
  /** The township's people as the report views hold them (cleared by whatever changes a person), instead of a query. */
  people?: Iterable<UserRow>,
) {
  const place = { zoneId: route.zone?.id ?? null, villageId: route.village?.id ?? null, unitId: route.unit?.id ?? null };
  const responsible = responsibleArea(place, category.responsibility);
  const roles: readonly Role[] = category.responsibility === 'unit' && responsible === place.unitId ? ['unit'] : ['cleaner'];
  const answering = (users: Iterable<UserRow>) =>
    [...users].filter((u) => u.area_id === responsible && u.active === 1 && roles.includes(u.role)).sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0));
  const assignee = !responsible ? undefined : people ? answering(people)[0] : (await findUsersForArea(deps.store.db, responsible, roles))[0];
  return { place, responsible, assignee };
}

export const REPORT_LIST_MAX = 10_000;
export const REPORT_LIST_DEFAULT = 2_000;

function samePayload(row: ReportRow, input: NewReport): boolean {
  return row.category_code === input.category && row.lon === input.lon && row.lat === input.lat;
}

function activeCategory(categories: Iterable<CategoryRow>, code: string): CategoryRow {
  const all = [...categories].filter((c) => c.active === 1);
  const c = all.find((x) => x.code === code);
  if (!c) {
    throw new AppError(422, 'unknown_category', `没有这个问题类别,或已停用:“${code}”。Unknown category "${code}". Use one of: ${all.map((x) => x.code).join(', ')}.`);
  }
  return c;
}

/**
 * Records a new report at a spot, routed to its zone and village and, when the responsible person is
 * known, notified to them with the category's deadline. Open items of the same category nearby come
 * back with it, so the reporter can add a sighting instead. A retry with the same idempotency key
 * returns the first report (created: false) instead of making a second one.
 */
export async function createReport(
  deps: Deps,
  input: NewReport,
  opts: {
    idempotencyKey?: string | undefined;
    reporter?: SessionUser | null;
    /** 'app' (default), 'open311', 'import'. */
    source?: string;
    mediaUrl?: string | null | undefined;
  } = {},
): Promise<{ report: ReportView; created: boolean; nearby: (ReportView & { distanceM: number })[]; nearbyCount: number }> {
  const t = await currentTownship(deps);
  const ctx = await viewContext(deps, t);
  const db = deps.store.db;

  const replay = async () => {
    if (!opts.idempotencyKey) return undefined;
    const existing = await findReportByIdempotencyKey(db, t.id, opts.idempotencyKey);
    if (!existing) return undefined;
    if (!samePayload(existing, input)) {
      throw new AppError(
        409,
        'idempotency_key_reused',
        '此提交编号已用于另一条问题,请重新提交。This Idempotency-Key was already used for a different report. Make a new key for each new report.',
      );
    }
    return { report: toView(existing, ctx), created: false, nearby: [], nearbyCount: 0 };
  };
  const earlier = await replay();
  if (earlier) return earlier;

  const category = activeCategory(ctx.categories.values(), input.category);
  const { router } = await townshipRouter(deps, t);
  const route = router.route(input.lon, input.lat);
  if (!route) {
    throw new AppError(
      422,
      'outside_township',
      `该位置不在${t.name_zh}范围内,请把图钉移到镇界以内。The spot (${input.lon}, ${input.lat}) lies outside ${t.name_en}. Move the pin inside the township boundary.`,
    );
  }
  const photoIds = [...new Set(input.photoIds ?? [])];
  await requirePhotos(deps, t.id, photoIds);

  const now = ctx.now;
  // The nearest few are what the reporter can act on (add a sighting instead); the rest are the same spot.
  const nearby = await nearbyOf(deps, t, category, input.lon, input.lat, now, NEARBY_SHOWN);
  const { place, responsible, assignee } = await assignmentFor(deps, route, category, ctx.users.values());
  const reporterId = opts.reporter?.id ?? null;
  const row = {
    id: randomUUID(),
    township_id: t.id,
    category_code: category.code,
    lon: input.lon,
    lat: input.lat,
    // a spot placed by hand has no fix to be accurate to
    accuracy_m: input.placedBy === 'hand' ? null : (input.accuracyM ?? null),
    description: input.description?.trim() || null,
    status: assignee ? ('notified' as const) : ('reported' as const),
    zone_id: place.zoneId,
    village_id: place.villageId,
    unit_id: place.unitId,
    reporter_id: reporterId,
    duplicate_of: null,
    captured_at: input.capturedAt ? new Date(input.capturedAt).toISOString() : null,
    received_at: now,
    observed_at: observedAt(input.capturedAt, now, input.sentAt),
    deadline_at: assignee ? deadlineFor(await deadlineRule(deps, t, category, input.urgency), now, t.timezone) : null,
    urgency: input.urgency ?? 'normal',
    closed_at: null,
    updated_at: now,
    idempotency_key: opts.idempotencyKey ?? null,
    assignee_id: assignee?.id ?? null,
    responsible_area_id: responsible,
    rectified_by: null,
    recurrence_of: nearby.recurrenceOf,
    source: opts.source ?? 'app',
    media_url: opts.mediaUrl ?? null,
  };
  const events: Insertable<ReportEventTable>[] = [
    {
      report_id: row.id,
      township_id: t.id,
      type: 'created',
      from_status: null,
      to_status: 'reported',
      actor_id: reporterId,
      at: now,
      note: null,
      data: JSON.stringify({ photoIds, recurrenceOf: row.recurrence_of, capturedAt: row.captured_at, ...(input.placedBy ? { placedBy: input.placedBy } : {}) }),
    },
  ];
  if (assignee) {
    events.push({
      report_id: row.id,
      township_id: t.id,
      type: 'notify',
      from_status: 'reported',
      to_status: 'notified',
      actor_id: null,
      at: now,
      note: `自动通知 ${assignee.display_name}`,
      data: JSON.stringify({ assigneeId: assignee.id, areaId: responsible, deadlineAt: row.deadline_at, automatic: true }),
    });
  }
  let saved: ReportRow;
  try {
    saved = await writeNewReport(
      deps.store,
      row,
      events,
      photoIds.map((photo_id) => ({ report_id: row.id, photo_id, kind: 'before' as const, event_id: null, added_at: now })),
    );
  } catch (err) {
    // Two deliveries of the same report raced; the one that lost returns the winner's report.
    if (isUniqueViolation(err)) {
      const winner = await replay();
      if (winner) return winner;
    }
    throw err;
  }
  return {
    report: toView(saved, ctx),
    created: true,
    nearby: nearby.open.map((n) => ({ ...toView(n.row, ctx), distanceM: n.distanceM })),
    nearbyCount: nearby.count,
  };
}

/** Open items of a category within its duplicate radius of a spot, nearest first. */
export async function findNearby(deps: Deps, categoryCode: string, lon: number, lat: number) {
  const t = await currentTownship(deps);
  const ctx = await viewContext(deps, t);
  const category = activeCategory(ctx.categories.values(), categoryCode);
  const found = await nearbyOf(deps, t, category, lon, lat, ctx.now, Infinity);
  return {
    radiusM: category.duplicate_radius_m,
    items: found.open.map((n) => ({ ...toView(n.row, ctx), distanceM: n.distanceM })),
    recurrenceOf: found.recurrenceOf,
  };
}

/** Adds a sighting (with photos) to an existing open item instead of opening a new one. */
export async function addSightingTo(
  deps: Deps,
  user: SessionUser,
  id: string,
  input: { note?: string | undefined; photoIds?: string[] | undefined },
  opts: { idempotencyKey?: string | undefined } = {},
): Promise<Done> {
  const t = await currentTownship(deps);
  return oncePerKey(deps, t, user, id, opts.idempotencyKey, 'sighting', () => sightingNow(deps, t, user, id, input, opts.idempotencyKey));
}

async function sightingNow(
  deps: Deps,
  t: TownshipRow,
  user: SessionUser,
  id: string,
  input: { note?: string | undefined; photoIds?: string[] | undefined },
  key: string | undefined,
): Promise<ReportView> {
  const row = await findReportById(deps.store.db, t.id, id);
  if (!row) throw new AppError(404, 'report_not_found', `${t.name_zh}没有这个问题。No report with id ${id} in ${t.name_en}.`);
  if (!OPEN_STATUSES.includes(row.status)) {
    throw new AppError(409, 'item_not_open', '该问题已办结,请新报一条。This item is no longer open; report a new one.');
  }
  const photoIds = [...new Set(input.photoIds ?? [])];
  await requirePhotos(deps, t.id, photoIds);
  const now = deps.now().toISOString();
  await deps.store.db.transaction().execute(async (trx) => {
    await addSighting(trx, id, now);
    await insertReportEvents(trx, [
      {
        report_id: id,
        township_id: t.id,
        type: 'sighting',
        ...(key ? { idempotency_key: key } : {}),
        from_status: row.status,
        to_status: row.status,
        actor_id: user.id,
        at: now,
        note: input.note?.trim() || null,
        data: JSON.stringify({ photoIds }),
      },
    ]);
    await insertReportPhotos(
      trx,
      photoIds.map((photo_id) => ({ report_id: id, photo_id, kind: 'sighting' as const, event_id: null, added_at: now })),
    );
  });
  return toView((await findReportById(deps.store.db, t.id, id))!, await viewContext(deps, t));
}

export type ReportListFilter = Omit<ReportFilter, 'townshipId'>;

/** Reports matching the filters as GeoJSON, newest first, with how many were returned and whether more matched. */
export async function listReports(deps: Deps, filter: ReportListFilter, opts: { anonymous?: boolean } = {}) {
  const t = await currentTownship(deps);
  const limit = Math.min(filter.limit, REPORT_LIST_MAX);
  const rows = await queryPins(deps.store.db, deps.store.dialect, { ...filter, limit, townshipId: t.id });
  const truncated = rows.length > limit;
  const page = truncated ? rows.slice(0, limit) : rows;
  const now = deps.now().toISOString();
  return {
    type: 'FeatureCollection' as const,
    numberReturned: page.length,
    limit,
    truncated,
    features: page.map((r) => ({
      type: 'Feature' as const,
      id: r.id,
      geometry: { type: 'Point' as const, coordinates: [r.lon, r.lat] as [number, number] },
      properties: {
        id: r.id,
        category: r.category_code,
        status: r.status,
        overdue: isOverdue(r.status, r.deadline_at, now),
        zoneId: r.zone_id,
        villageId: r.village_id,
        // A description may name people or houses: the public map (nobody signed in) does not show it.
        description: opts.anonymous ? null : r.description,
        observedAt: r.observed_at,
        deadlineAt: r.deadline_at,
      },
    })),
  };
}

/** One report with its places, people, photos, history, and the actions the viewer may take. */
export async function getReport(deps: Deps, id: string, viewer: SessionUser | null) {
  const t = await currentTownship(deps);
  const ctx = await viewContext(deps, t);
  const row = await findReportById(deps.store.db, t.id, id);
  if (!row) throw new AppError(404, 'report_not_found', `${t.name_zh}没有这个问题。No report with id ${id} in ${t.name_en}.`);
  const [events, photos, deductions] = await Promise.all([
    listReportEvents(deps.store.db, id),
    listReportPhotos(deps.store.db, id),
    listReportDeductions(deps.store.db, id),
  ]);
  const actions = viewer ? allowedActions(actorOf(viewer), itemState(row)) : [];
  const created = events.find((e) => e.type === 'created');
  const placedBy = created?.data ? ((JSON.parse(created.data) as { placedBy?: 'gps' | 'hand' }).placedBy ?? null) : null;
  return {
    ...toView(row, ctx),
    /** How the spot was set on the phone: its fix, or by hand on the map (null: not said, e.g. imported). */
    placedBy,
    photos: photos.map((p) => ({ ...photoRef(p.photo_id), kind: p.kind, addedAt: p.added_at })),
    events: events.map((e) => ({
      type: e.type,
      from: e.from_status,
      to: e.to_status,
      at: e.at,
      actor: e.actor_id ? personRef(ctx.users.get(e.actor_id)) : null,
      note: e.note,
    })),
    deductions: deductions.map((d) => ({
      deadlineAt: d.deadline_at,
      amountYuan: d.amount_yuan,
      points: d.points,
      area: areaRef(ctx.areas.get(d.area_id)),
      person: d.person_id ? personRef(ctx.users.get(d.person_id)) : null,
    })),
    allowedActions: actions,
    canSeeAll: viewer ? SEES_ALL.includes(viewer.role) : false,
  };
}

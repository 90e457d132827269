import { randomUUID } from 'node:crypto';
import type { Deps } from './context.ts';
import { currentTownship, townshipRouter } from './context.ts';
import { AppError } from './errors.ts';
import {
  findReportById,
  findReportByIdempotencyKey,
  insertReportEvents,
  insertReports,
  listReportEvents,
  queryReports,
  type ReportFilter,
  type ReportRow,
} from '../store/reports.ts';
import { listCategories as listCategoryRows } from '../store/categories.ts';
import { isUniqueViolation } from '../store/errors.ts';
import type { TownshipRow } from '../store/townships.ts';
import type { RoutableArea } from '../domain/routing.ts';
import { observedAt, type ReportStatus } from '../domain/reports.ts';

export interface NewReport {
  category: string;
  lon: number;
  lat: number;
  accuracyM?: number | undefined;
  description?: string | undefined;
  capturedAt?: string | undefined;
}

export interface AreaRef {
  id: string;
  kind: RoutableArea['kind'];
  code: string;
  nameZh: string;
  nameEn: string;
}

export interface ReportView {
  id: string;
  category: string;
  lon: number;
  lat: number;
  accuracyM: number | null;
  description: string | null;
  status: ReportStatus;
  zone: AreaRef | null;
  village: AreaRef | null;
  unit: AreaRef | null;
  duplicateOf: string | null;
  capturedAt: string | null;
  receivedAt: string;
  observedAt: string;
  deadlineAt: string | null;
  closedAt: string | null;
  updatedAt: string;
}

export const REPORT_LIST_MAX = 10_000;
export const REPORT_LIST_DEFAULT = 2_000;

function areaRef(a: RoutableArea | undefined | null): AreaRef | null {
  return a ? { id: a.id, kind: a.kind, code: a.code, nameZh: a.nameZh, nameEn: a.nameEn } : null;
}

function toView(row: ReportRow, areas: Map<string, RoutableArea>): ReportView {
  const ref = (id: string | null) => (id ? areaRef(areas.get(id)) : null);
  return {
    id: row.id,
    category: row.category_code,
    lon: row.lon,
    lat: row.lat,
    accuracyM: row.accuracy_m,
    description: row.description,
    status: row.status,
    zone: ref(row.zone_id),
    village: ref(row.village_id),
    unit: ref(row.unit_id),
    duplicateOf: row.duplicate_of,
    capturedAt: row.captured_at,
    receivedAt: row.received_at,
    observedAt: row.observed_at,
    deadlineAt: row.deadline_at,
    closedAt: row.closed_at,
    updatedAt: row.updated_at,
  };
}

async function areaIndex(deps: Deps, township: TownshipRow) {
  const { areas, router } = await townshipRouter(deps, township);
  return { router, byId: new Map(areas.map((a) => [a.id, a])) };
}

function samePayload(row: ReportRow, input: NewReport): boolean {
  return row.category_code === input.category && row.lon === input.lon && row.lat === input.lat;
}

/**
 * Records a new report at a spot, routed to its cleaning zone and village. A retry with the same
 * idempotency key returns the first report (created: false) instead of making a second one.
 */
export async function createReport(
  deps: Deps,
  input: NewReport,
  opts: { idempotencyKey?: string | undefined; reporterId?: string | null } = {},
): Promise<{ report: ReportView; created: boolean }> {
  const t = await currentTownship(deps);
  const idx = await areaIndex(deps, t);
  const db = deps.store.db;

  const replay = async (): Promise<{ report: ReportView; created: boolean } | undefined> => {
    if (!opts.idempotencyKey) return undefined;
    const existing = await findReportByIdempotencyKey(db, t.id, opts.idempotencyKey);
    if (!existing) return undefined;
    if (!samePayload(existing, input)) {
      throw new AppError(
        409,
        'idempotency_key_reused',
        'This Idempotency-Key was already used for a different report. Make a new key for each new report.',
      );
    }
    return { report: toView(existing, idx.byId), created: false };
  };
  const earlier = await replay();
  if (earlier) return earlier;

  const categories = await listCategoryRows(db, t.id);
  const category = categories.find((c) => c.code === input.category && c.active === 1);
  if (!category) {
    throw new AppError(
      422,
      'unknown_category',
      `Unknown category "${input.category}". Use one of: ${categories.filter((c) => c.active === 1).map((c) => c.code).join(', ')}.`,
    );
  }
  const route = idx.router.route(input.lon, input.lat);
  if (!route) {
    throw new AppError(
      422,
      'outside_township',
      `The spot (${input.lon}, ${input.lat}) lies outside ${t.name_zh} (${t.name_en}). Move the pin inside the township boundary.`,
    );
  }

  const now = deps.now().toISOString();
  const row = {
    id: randomUUID(),
    township_id: t.id,
    category_code: category.code,
    lon: input.lon,
    lat: input.lat,
    accuracy_m: input.accuracyM ?? null,
    description: input.description?.trim() || null,
    status: 'reported' as const,
    zone_id: route.zone?.id ?? null,
    village_id: route.village?.id ?? null,
    unit_id: route.unit?.id ?? null,
    reporter_id: opts.reporterId ?? null,
    duplicate_of: null,
    captured_at: input.capturedAt ? new Date(input.capturedAt).toISOString() : null,
    received_at: now,
    observed_at: observedAt(input.capturedAt, now),
    deadline_at: null,
    closed_at: null,
    updated_at: now,
    idempotency_key: opts.idempotencyKey ?? null,
  };
  try {
    await db.transaction().execute(async (trx) => {
      await insertReports(trx, [row]);
      await insertReportEvents(trx, [
        {
          report_id: row.id,
          township_id: t.id,
          type: 'created',
          from_status: null,
          to_status: 'reported',
          actor_id: row.reporter_id,
          at: now,
          note: null,
          data: JSON.stringify({ lon: row.lon, lat: row.lat, category: row.category_code, capturedAt: row.captured_at }),
        },
      ]);
    });
  } catch (err) {
    // Two deliveries of the same report raced; the one that lost returns the winner's report.
    if (isUniqueViolation(err)) {
      const winner = await replay();
      if (winner) return winner;
    }
    throw err;
  }
  const saved = await findReportById(db, t.id, row.id);
  if (!saved) throw new AppError(500, 'report_not_saved', 'The report could not be read back after saving. Try again.');
  return { report: toView(saved, idx.byId), created: true };
}

export type ReportListFilter = Omit<ReportFilter, 'townshipId'>;

/** Reports matching the filters as GeoJSON, newest first, with how many were returned and whether more matched. */
export async function listReports(deps: Deps, filter: ReportListFilter) {
  const t = await currentTownship(deps);
  const limit = Math.min(filter.limit, REPORT_LIST_MAX);
  const rows = await queryReports(deps.store.db, deps.store.dialect, { ...filter, limit, townshipId: t.id });
  const truncated = rows.length > limit;
  const page = truncated ? rows.slice(0, limit) : rows;
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
        zoneId: r.zone_id,
        villageId: r.village_id,
        description: r.description,
        observedAt: r.observed_at,
        deadlineAt: r.deadline_at,
      },
    })),
  };
}

/** One report with its zone, village and its event history. */
export async function getReport(deps: Deps, id: string) {
  const t = await currentTownship(deps);
  const idx = await areaIndex(deps, t);
  const row = await findReportById(deps.store.db, t.id, id);
  if (!row) throw new AppError(404, 'report_not_found', `No report with id ${id} in ${t.name_zh}.`);
  const events = await listReportEvents(deps.store.db, id);
  return {
    ...toView(row, idx.byId),
    events: events.map((e) => ({
      type: e.type,
      from: e.from_status,
      to: e.to_status,
      at: e.at,
      actorId: e.actor_id,
      note: e.note,
    })),
  };
}

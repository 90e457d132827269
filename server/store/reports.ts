import { sql, type Kysely, type Transaction, type Insertable, type Selectable } from 'kysely';
import type { Database, ReportEventTable, ReportStatus, ReportTable } from './schema.ts';
import type { Dialect, Store } from './connect.ts';

type Db = Kysely<Database> | Transaction<Database>;
export type ReportRow = Selectable<ReportTable>;
export type ReportEventRow = Selectable<ReportEventTable>;

export interface ReportFilter {
  townshipId: string;
  /** [minLon, minLat, maxLon, maxLat] */
  bbox?: [number, number, number, number] | undefined;
  categories?: readonly string[] | undefined;
  statuses?: readonly ReportStatus[] | undefined;
  zoneId?: string | undefined;
  villageId?: string | undefined;
  /** observed_at >= from (ISO) */
  from?: string | undefined;
  /** observed_at < to (ISO) */
  to?: string | undefined;
  /** Items this area answers for. */
  responsibleAreaId?: string | undefined;
  /** Only items still waiting for rectification whose deadline is before this instant. */
  overdueAt?: string | undefined;
  sort?: 'observed' | 'deadline' | undefined;
  offset?: number | undefined;
  /** Only these reports. */
  ids?: readonly string[] | undefined;
  /** Only items still open, or closed at or after this instant (duplicate and recurrence checks). */
  openOrClosedSince?: string | undefined;
  limit: number;
}

// SQLite's bound-parameter limit is generous, but batches keep each statement's memory small.
const BATCH = 400;

export async function insertReports(db: Db, rows: Insertable<ReportTable>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) await db.insertInto('reports').values(rows.slice(i, i + BATCH)).execute();
}

export async function insertReportEvents(db: Db, rows: Insertable<ReportEventTable>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) await db.insertInto('report_events').values(rows.slice(i, i + BATCH)).execute();
}

export function findReportById(db: Db, townshipId: string, id: string): Promise<ReportRow | undefined> {
  return db
    .selectFrom('reports')
    .selectAll()
    .where('township_id', '=', townshipId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export function findReportByIdempotencyKey(db: Db, townshipId: string, key: string): Promise<ReportRow | undefined> {
  return db
    .selectFrom('reports')
    .selectAll()
    .where('township_id', '=', townshipId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

export function listReportEvents(db: Db, reportId: string): Promise<ReportEventRow[]> {
  return db.selectFrom('report_events').selectAll().where('report_id', '=', reportId).orderBy('id').execute();
}

/** The report query with the filter's conditions (no ordering or paging). */
function filtered(db: Db, dialect: Dialect, f: Omit<ReportFilter, 'limit'>) {
  // With a box on SQLite the R*Tree must drive the query: the unary + keeps the planner from walking the
  // (township, time) index instead, which would read every report of the township to fill the ORDER BY.
  let q =
    f.bbox && dialect === 'sqlite'
      ? db.selectFrom('reports').where(sql<boolean>`+township_id = ${f.townshipId}`)
      : db.selectFrom('reports').where('township_id', '=', f.townshipId);
  if (f.bbox) {
    const [minLon, minLat, maxLon, maxLat] = f.bbox;
    // Both spatial indexes keep 32-bit float boxes, so they only narrow the search;
    // the exact comparison on the stored doubles decides points near the edge.
    const pad = 1e-4;
    q = q
      .where(
        dialect === 'postgres'
          ? sql<boolean>`geom && ST_MakeEnvelope(${minLon - pad}, ${minLat - pad}, ${maxLon + pad}, ${maxLat + pad}, 4326)`
          : sql<boolean>`seq IN (SELECT id FROM reports_rtree WHERE max_lon >= ${minLon - pad} AND min_lon <= ${maxLon + pad}
              AND max_lat >= ${minLat - pad} AND min_lat <= ${maxLat + pad})`,
      )
      .where('lon', '>=', minLon)
      .where('lon', '<=', maxLon)
      .where('lat', '>=', minLat)
      .where('lat', '<=', maxLat);
  }
  if (f.ids) q = f.ids.length ? q.where('id', 'in', f.ids) : q.where(sql<boolean>`1 = 0`);
  if (f.openOrClosedSince) {
    const since = f.openOrClosedSince;
    q = q.where((eb) => eb.or([eb('status', 'in', ['reported', 'notified', 'rectified']), eb.and([eb('status', '=', 'closed'), eb('closed_at', '>=', since)])]));
  }
  if (f.categories?.length) q = q.where('category_code', 'in', f.categories);
  if (f.statuses?.length) q = q.where('status', 'in', f.statuses);
  if (f.zoneId) q = q.where('zone_id', '=', f.zoneId);
  if (f.villageId) q = q.where('village_id', '=', f.villageId);
  if (f.from) q = q.where('observed_at', '>=', f.from);
  if (f.to) q = q.where('observed_at', '<', f.to);
  if (f.responsibleAreaId) q = q.where('responsible_area_id', '=', f.responsibleAreaId);
  if (f.overdueAt) {
    q = q.where('status', 'in', ['reported', 'notified']).where('deadline_at', '<', f.overdueAt);
  }
  return q;
}

/** Reports matching the filter, newest observation first, at most filter.limit + 1 (so callers can tell truncation). */
export function queryReports(db: Db, dialect: Dialect, f: ReportFilter): Promise<ReportRow[]> {
  let q = filtered(db, dialect, f).selectAll();
  q =
    f.sort === 'deadline'
      ? q.orderBy(sql`deadline_at IS NULL`).orderBy('deadline_at', 'asc').orderBy('seq', 'asc')
      : q.orderBy('observed_at', 'desc').orderBy('seq', 'desc');
  return q
    .limit(f.limit + 1)
    .offset(f.offset ?? 0)
    .execute();
}

/**
 * Position and category of every report matching the filter, as columns. On SQLite the rows are read
 * as plain arrays straight from the driver: a million objects would cost more than the query.
 */
export async function reportPoints(
  store: Pick<Store, 'db' | 'dialect' | 'sqlite'>,
  f: Omit<ReportFilter, 'limit'>,
): Promise<{ lon: Float64Array; lat: Float64Array; category: string[] }> {
  const q = filtered(store.db, store.dialect, f).select(['lon', 'lat', 'category_code']);
  let rows: [number, number, string][];
  if (store.sqlite) {
    const c = q.compile();
    rows = store.sqlite.prepare(c.sql).raw(true).all(...(c.parameters as unknown[])) as [number, number, string][];
  } else {
    rows = (await q.execute()).map((r) => [r.lon, r.lat, r.category_code]);
  }
  const lon = new Float64Array(rows.length);
  const lat = new Float64Array(rows.length);
  const category = new Array<string>(rows.length);
  rows.forEach((r, i) => {
    lon[i] = r[0];
    lat[i] = r[1];
    category[i] = r[2];
  });
  return { lon, lat, category };
}

export async function countReports(db: Db, townshipId: string): Promise<number> {
  const r = await db
    .selectFrom('reports')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('township_id', '=', townshipId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * Moves an item on only if nobody moved it since it was read (same status and version);
 * returns false when someone else got there first.
 */
export async function updateReportIfUnchanged(
  db: Db,
  id: string,
  expected: { status: ReportStatus; version: number },
  patch: Partial<Omit<Insertable<ReportTable>, 'id' | 'seq' | 'version'>>,
): Promise<boolean> {
  const r = await db
    .updateTable('reports')
    .set((eb) => ({ ...patch, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('status', '=', expected.status)
    .where('version', '=', expected.version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function addSighting(db: Db, id: string, at: string): Promise<void> {
  await db
    .updateTable('reports')
    .set((eb) => ({ sightings: eb('sightings', '+', 1), updated_at: at }))
    .where('id', '=', id)
    .execute();
}

/** Items past their deadline, still not rectified, with no deduction yet for that deadline. */
export function findOverdueUncharged(db: Db, townshipId: string, now: string): Promise<ReportRow[]> {
  return db
    .selectFrom('reports')
    .selectAll()
    .where('township_id', '=', townshipId)
    .where('status', 'in', ['reported', 'notified'])
    .where('deadline_at', '<', now)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('deductions')
            .select('deductions.id')
            .whereRef('deductions.report_id', '=', 'reports.id')
            .whereRef('deductions.deadline_at', '=', 'reports.deadline_at'),
        ),
      ),
    )
    .execute();
}

/** Reports seen in a period (for the month's accountability). */
export function listReportsObserved(db: Db, townshipId: string, from: string, to: string): Promise<ReportRow[]> {
  return db
    .selectFrom('reports')
    .selectAll()
    .where('township_id', '=', townshipId)
    .where('observed_at', '>=', from)
    .where('observed_at', '<', to)
    .execute();
}

export function listReportDeductions(db: Db, reportId: string) {
  return db.selectFrom('deductions').selectAll().where('report_id', '=', reportId).orderBy('deadline_at').execute();
}

export interface AnalysisFilter {
  townshipId: string;
  categories?: readonly string[] | undefined;
  statuses?: readonly ReportStatus[] | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

function analysisQuery(db: Db, f: AnalysisFilter) {
  let q = db.selectFrom('reports').where('township_id', '=', f.townshipId);
  if (f.categories?.length) q = q.where('category_code', 'in', f.categories);
  if (f.statuses?.length) q = q.where('status', 'in', f.statuses);
  else q = q.where('status', 'not in', ['rejected', 'duplicate']);
  if (f.from) q = q.where('observed_at', '>=', f.from);
  if (f.to) q = q.where('observed_at', '<', f.to);
  return q;
}

/** What the analyses need of each report, and nothing more. */
export function listIncidents(db: Db, f: AnalysisFilter) {
  return analysisQuery(db, f)
    .select(['lon', 'lat', 'category_code as category', 'observed_at as observedAt', 'zone_id as zoneId', 'village_id as villageId'])
    .execute();
}

/**
 * Reports counted per cell of a square grid in a local metric plane, in the database: the plane is
 * x = (lon − lon0)·kx, y = (lat − lat0)·ky, cells of `size` metres from (x0, y0). Only reports inside
 * the grid's extent are counted.
 */
export function countReportsByCell(
  db: Db,
  dialect: Dialect,
  f: AnalysisFilter,
  g: { lon0: number; lat0: number; kx: number; ky: number; x0: number; y0: number; size: number; bbox: [number, number, number, number] },
) {
  const col = sql<number>`(lon - ${g.lon0}) * ${g.kx} - ${g.x0}`;
  const row = sql<number>`(lat - ${g.lat0}) * ${g.ky} - ${g.y0}`;
  // Inside the extent both are ≥ 0, so SQLite's truncating cast is a floor.
  const c = dialect === 'postgres' ? sql<number>`floor((${col}) / ${g.size})::int` : sql<number>`CAST((${col}) / ${g.size} AS INTEGER)`;
  const r = dialect === 'postgres' ? sql<number>`floor((${row}) / ${g.size})::int` : sql<number>`CAST((${row}) / ${g.size} AS INTEGER)`;
  return analysisQuery(db, f)
    .where('lon', '>=', g.bbox[0])
    .where('lat', '>=', g.bbox[1])
    .where('lon', '<=', g.bbox[2])
    .where('lat', '<=', g.bbox[3])
    .select([c.as('c'), r.as('r'), (eb) => eb.fn.countAll<number | string>().as('n')])
    .groupBy(['c', 'r'])
    .execute();
}

const REPORT_COLUMNS = [
  'id', 'township_id', 'category_code', 'lon', 'lat', 'accuracy_m', 'description', 'status', 'zone_id', 'village_id',
  'unit_id', 'reporter_id', 'duplicate_of', 'captured_at', 'received_at', 'observed_at', 'deadline_at', 'closed_at',
  'updated_at', 'idempotency_key', 'assignee_id', 'responsible_area_id', 'rectified_by', 'recurrence_of',
] as const;

/**
 * Loads many reports at once (imports, the demo, the benchmark): on SQLite one prepared statement in one
 * transaction, elsewhere batched inserts. Returns how many were written.
 */
export async function bulkInsertReports(store: Pick<Store, 'db' | 'sqlite'>, rows: Insertable<ReportTable>[]): Promise<number> {
  if (!store.sqlite) {
    await store.db.transaction().execute((trx) => insertReports(trx, rows));
    return rows.length;
  }
  const stmt = store.sqlite.prepare(
    `INSERT INTO reports (${REPORT_COLUMNS.join(', ')}) VALUES (${REPORT_COLUMNS.map(() => '?').join(', ')})`,
  );
  const run = store.sqlite.transaction((batch: Insertable<ReportTable>[]) => {
    for (const r of batch) stmt.run(REPORT_COLUMNS.map((c) => (r as Record<string, unknown>)[c] ?? null));
  });
  run(rows);
  return rows.length;
}

/** Items still waiting for rectification whose spot lies in a box (candidates for re-routing after an area changes). */
export function listOpenReportsInBox(db: Db, townshipId: string, box: readonly [number, number, number, number]): Promise<ReportRow[]> {
  return db
    .selectFrom('reports')
    .selectAll()
    .where('township_id', '=', townshipId)
    .where('status', 'in', ['reported', 'notified'])
    .where('lon', '>=', box[0])
    .where('lon', '<=', box[2])
    .where('lat', '>=', box[1])
    .where('lat', '<=', box[3])
    .execute();
}

/** Which of these report ids the township already holds (imports skip them). */
export async function existingReportIds(db: Db, townshipId: string, ids: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < ids.length; i += BATCH) {
    const rows = await db.selectFrom('reports').select('id').where('township_id', '=', townshipId).where('id', 'in', ids.slice(i, i + BATCH)).execute();
    for (const r of rows) out.add(r.id);
  }
  return out;
}

/** Any township's report with one of these ids (ids are unique across the database). */
export async function takenReportIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < ids.length; i += BATCH) {
    const rows = await db.selectFrom('reports').select('id').where('id', 'in', ids.slice(i, i + BATCH)).execute();
    for (const r of rows) out.add(r.id);
  }
  return out;
}

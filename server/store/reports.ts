import type { Kysely, Transaction, Insertable, Selectable } from 'kysely';
import type { Database, ReportEventTable, ReportStatus, ReportTable } from './schema.ts';
import { assignCaseNumbers } from './case-numbers.ts';
import { AWAITING_RECTIFICATION } from '../domain/reports.ts';

// The reports' rows and their events: written, found, changed. How a filter is read is report-query.ts.

type Db = Kysely<Database> | Transaction<Database>;
export type ReportRow = Selectable<ReportTable>;
export type ReportEventRow = Selectable<ReportEventTable>;

// SQLite's bound-parameter limit is generous, but batches keep each statement's memory small.
export const BATCH = 400;

export async function insertReports(db: Db, rows: Insertable<ReportTable>[]): Promise<void> {
  await assignCaseNumbers(db, rows);
  for (let i = 0; i < rows.length; i += BATCH) await db.insertInto('reports').values(rows.slice(i, i + BATCH)).execute();
}

export async function insertReportEvents(db: Db, rows: Insertable<ReportEventTable>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) await db.insertInto('report_events').values(rows.slice(i, i + BATCH)).execute();
}

/** The event an action with this Idempotency-Key became on this item, if it was done already. */
export function findEventByKey(db: Db, reportId: string, key: string) {
  return db
    .selectFrom('report_events')
    .select(['id', 'type', 'actor_id'])
    .where('report_id', '=', reportId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
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

/** When the item was last sent to the responsible party for rectification (null if never). */
export async function lastNotifiedAt(db: Db, reportId: string): Promise<string | null> {
  const r = await db.selectFrom('report_events').select((eb) => eb.fn.max('at').as('at')).where('report_id', '=', reportId).where('to_status', '=', 'notified').executeTakeFirst();
  return (r?.at as string | null | undefined) ?? null;
}

export function listReportEvents(db: Db, reportId: string): Promise<ReportEventRow[]> {
  return db.selectFrom('report_events').selectAll().where('report_id', '=', reportId).orderBy('id').execute();
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
export function listReportDeductions(db: Db, reportId: string) {
  return db.selectFrom('deductions').selectAll().where('report_id', '=', reportId).orderBy('deadline_at').execute();
}

/** Items still waiting for rectification whose spot lies in a box (candidates for re-routing after an area changes). */
export function listOpenReportsInBox(db: Db, townshipId: string, box: readonly [number, number, number, number]): Promise<ReportRow[]> {
  return db
    .selectFrom('reports')
    .selectAll()
    .where('township_id', '=', townshipId)
    .where('status', 'in', AWAITING_RECTIFICATION)
    .where('lon', '>=', box[0])
    .where('lon', '<=', box[2])
    .where('lat', '>=', box[1])
    .where('lat', '<=', box[3])
    .execute();
}

import type { Kysely, Transaction, Insertable, Selectable } from 'kysely';
import type { Database, PhotoTable, ReportPhotoTable } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;
export type PhotoRow = Selectable<PhotoTable>;
export type ReportPhotoRow = Selectable<ReportPhotoTable>;

/** Records a photo once; a second upload of the same bytes changes nothing. */
export async function insertPhoto(db: Db, row: Insertable<PhotoTable>): Promise<void> {
  await db.insertInto('photos').values(row).onConflict((oc) => oc.column('id').doNothing()).execute();
}

export function findPhoto(db: Db, townshipId: string, id: string): Promise<PhotoRow | undefined> {
  return db.selectFrom('photos').selectAll().where('township_id', '=', townshipId).where('id', '=', id).executeTakeFirst();
}

export async function findPhotoIds(db: Db, townshipId: string, ids: readonly string[]): Promise<string[]> {
  if (!ids.length) return [];
  const rows = await db.selectFrom('photos').select('id').where('township_id', '=', townshipId).where('id', 'in', ids).execute();
  return rows.map((r) => r.id);
}

export async function insertReportPhotos(db: Db, rows: Insertable<ReportPhotoTable>[]): Promise<void> {
  if (!rows.length) return;
  await db
    .insertInto('report_photos')
    .values(rows)
    .onConflict((oc) => oc.columns(['report_id', 'photo_id', 'kind']).doNothing())
    .execute();
}

export function listReportPhotos(db: Db, reportId: string): Promise<ReportPhotoRow[]> {
  return db.selectFrom('report_photos').selectAll().where('report_id', '=', reportId).orderBy('added_at').execute();
}

/** How many photos each of these reports has. */
export async function countPhotosByReport(db: Db, reportIds: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < reportIds.length; i += 500) {
    const rows = await db
      .selectFrom('report_photos')
      .select((eb) => ['report_id', eb.fn.countAll<number | string>().as('n')])
      .where('report_id', 'in', reportIds.slice(i, i + 500))
      .groupBy('report_id')
      .execute();
    for (const r of rows) out.set(r.report_id, Number(r.n));
  }
  return out;
}

/** Who uploaded each of these photos, and when. */
export function findPhotoOrigins(db: Db, townshipId: string, ids: readonly string[]): Promise<Pick<PhotoRow, 'id' | 'uploaded_by' | 'created_at'>[]> {
  if (!ids.length) return Promise.resolve([]);
  return db.selectFrom('photos').select(['id', 'uploaded_by', 'created_at']).where('township_id', '=', townshipId).where('id', 'in', ids).execute();
}

/** The photos of these that some report already shows (as before, after or sighting). */
export async function photosInUse(db: Db, ids: readonly string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db.selectFrom('report_photos').select('photo_id').where('photo_id', 'in', ids).execute();
  return new Set(rows.map((r) => r.photo_id));
}

import type { Kysely, Transaction, Insertable, Selectable } from 'kysely';
import type { AreaKind, AreaTable, Database } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;
export type AreaRow = Selectable<AreaTable>;

export async function insertAreas(db: Db, rows: Insertable<AreaTable>[]): Promise<void> {
  if (rows.length) await db.insertInto('areas').values(rows).execute();
}

export function listAreas(db: Db, townshipId: string, kinds?: readonly AreaKind[]): Promise<AreaRow[]> {
  let q = db.selectFrom('areas').selectAll().where('township_id', '=', townshipId);
  if (kinds?.length) q = q.where('kind', 'in', kinds);
  return q.orderBy('kind').orderBy('code').execute();
}

export function findArea(db: Db, townshipId: string, id: string): Promise<AreaRow | undefined> {
  return db.selectFrom('areas').selectAll().where('township_id', '=', townshipId).where('id', '=', id).executeTakeFirst();
}

export async function updateArea(
  db: Db,
  townshipId: string,
  id: string,
  patch: Partial<Pick<AreaRow, 'name_zh' | 'name_en' | 'polygon' | 'min_lon' | 'min_lat' | 'max_lon' | 'max_lat' | 'responsible_name' | 'responsible_phone' | 'updated_at'>>,
): Promise<void> {
  await db.updateTable('areas').set(patch).where('township_id', '=', townshipId).where('id', '=', id).execute();
}

import type { Kysely, Transaction, Insertable, Selectable } from 'kysely';
import type { CategoryTable, Database } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;
export type CategoryRow = Selectable<CategoryTable>;

export async function insertCategories(db: Db, rows: Insertable<CategoryTable>[]): Promise<void> {
  if (rows.length) await db.insertInto('categories').values(rows).execute();
}

export function listCategories(db: Db, townshipId: string): Promise<CategoryRow[]> {
  return db
    .selectFrom('categories')
    .selectAll()
    .where('township_id', '=', townshipId)
    .orderBy('sort_order')
    .orderBy('code')
    .execute();
}

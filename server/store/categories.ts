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

export async function updateCategory(
  db: Db,
  townshipId: string,
  code: string,
  patch: Partial<Pick<CategoryRow, 'name_zh' | 'name_en' | 'color' | 'deadline_hours' | 'deadline_unit' | 'urgent_hours' | 'deduction_yuan' | 'score_points' | 'active' | 'same_day'>>,
): Promise<void> {
  await db.updateTable('categories').set(patch).where('township_id', '=', townshipId).where('code', '=', code).execute();
}

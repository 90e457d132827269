import type { Kysely, Transaction, Insertable, Selectable } from 'kysely';
import type { BasemapFeatureTable, Database } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;
export type BasemapFeatureRow = Selectable<BasemapFeatureTable>;

export async function insertBasemapFeatures(db: Db, rows: Insertable<BasemapFeatureTable>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) await db.insertInto('basemap_features').values(rows.slice(i, i + 200)).execute();
}

export function listBasemapFeatures(db: Db, townshipId: string): Promise<BasemapFeatureRow[]> {
  return db.selectFrom('basemap_features').selectAll().where('township_id', '=', townshipId).orderBy('id').execute();
}

/** Replaces a township's basemap features (in the caller's transaction). */
export async function replaceBasemapFeatures(db: Db, townshipId: string, rows: Insertable<BasemapFeatureTable>[]): Promise<void> {
  await db.deleteFrom('basemap_features').where('township_id', '=', townshipId).execute();
  await insertBasemapFeatures(db, rows);
}

export async function countBasemapFeatures(db: Db, townshipId: string): Promise<number> {
  const r = await db.selectFrom('basemap_features').select((eb) => eb.fn.countAll<number | string>().as('n')).where('township_id', '=', townshipId).executeTakeFirstOrThrow();
  return Number(r.n);
}

import type { Kysely, Transaction, Insertable, Selectable } from 'kysely';
import type { Database, TownshipTable } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;
export type TownshipRow = Selectable<TownshipTable>;

export function insertTownship(db: Db, row: Insertable<TownshipTable>) {
  return db.insertInto('townships').values(row).execute();
}

/** The first township created: the one a single-township deployment serves. */
export function findDefaultTownship(db: Db): Promise<TownshipRow | undefined> {
  return db.selectFrom('townships').selectAll().orderBy('created_at').orderBy('id').limit(1).executeTakeFirst();
}

export function findTownshipById(db: Db, id: string): Promise<TownshipRow | undefined> {
  return db.selectFrom('townships').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function countTownships(db: Db): Promise<number> {
  const r = await db.selectFrom('townships').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function updateMarketDays(db: Db, id: string, json: string): Promise<void> {
  await db.updateTable('townships').set({ market_days: json }).where('id', '=', id).execute();
}

export async function listTownshipIds(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('townships').select('id').orderBy('created_at').orderBy('id').execute();
  return rows.map((r) => r.id);
}

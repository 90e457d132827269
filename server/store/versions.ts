import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

// Cheap answers to "has anything changed?", for the caches of computed analyses: each a lookup on a primary key.

/** The newest report event: every report written, changed or imported through the services adds one. */
export async function latestReportEvent(db: Db): Promise<number> {
  const r = await db.selectFrom('report_events').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
  return Number(r?.id ?? 0);
}

/** How many basemap features a township has and the newest one's number: changes when its basemap is replaced. */
export async function basemapSignature(db: Db, townshipId: string): Promise<string> {
  const r = await db
    .selectFrom('basemap_features')
    .select((eb) => [eb.fn.countAll<number | string>().as('n'), eb.fn.max('id').as('id')])
    .where('township_id', '=', townshipId)
    .executeTakeFirst();
  return `${Number(r?.n ?? 0)}:${Number(r?.id ?? 0)}`;
}

/** The newest report's sequence number (0 when there is none). */
export async function latestReportSeq(db: Db): Promise<number> {
  const r = await db.selectFrom('reports').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
  return Number(r?.seq ?? 0);
}

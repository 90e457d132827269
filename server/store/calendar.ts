import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** The township's own changes to the shipped calendar. */
export function listCalendarDays(db: Db, townshipId: string) {
  return db.selectFrom('calendar_days').select(['day', 'kind', 'note']).where('township_id', '=', townshipId).orderBy('day').execute();
}

/** Sets (or, with kind null, clears) the township's own marking of these days. */
export async function setCalendarDays(db: Db, townshipId: string, days: readonly { day: string; kind: 'holiday' | 'workday' | null; note?: string | null }[]): Promise<void> {
  for (const d of days) {
    await db.deleteFrom('calendar_days').where('township_id', '=', townshipId).where('day', '=', d.day).execute();
    if (d.kind) await db.insertInto('calendar_days').values({ township_id: townshipId, day: d.day, kind: d.kind, note: d.note ?? null }).execute();
  }
}

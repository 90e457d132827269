import type { Kysely, Transaction, Selectable } from 'kysely';
import type { BriefingTable, Database } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;
export type BriefingRow = Selectable<BriefingTable>;

/** Stores a week's briefing; with `replace` false an existing one is kept (returns whether this one was stored). */
export async function saveBriefing(db: Db, row: BriefingTable, replace: boolean): Promise<boolean> {
  const r = await db
    .insertInto('briefings')
    .values(row)
    .onConflict((oc) =>
      replace
        ? oc.columns(['township_id', 'week']).doUpdateSet({ data: row.data, generated_at: row.generated_at, generated_by: row.generated_by })
        : oc.columns(['township_id', 'week']).doNothing(),
    )
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export function findBriefing(db: Db, townshipId: string, week: string): Promise<BriefingRow | undefined> {
  return db.selectFrom('briefings').selectAll().where('township_id', '=', townshipId).where('week', '=', week).executeTakeFirst();
}

export function listBriefings(db: Db, townshipId: string) {
  return db
    .selectFrom('briefings')
    .select(['week', 'generated_at', 'generated_by'])
    .where('township_id', '=', townshipId)
    .orderBy('week', 'desc')
    .execute();
}

/** The events of a period (for what was closed, rectified or reported when). */
export function listEventsBetween(db: Db, townshipId: string, from: string, to: string) {
  return db
    .selectFrom('report_events')
    .select(['report_id', 'type', 'at'])
    .where('township_id', '=', townshipId)
    .where('at', '>=', from)
    .where('at', '<', to)
    .execute();
}

/** Reports seen from `since` until before an instant (the weeks compared, and what was still open in them). */
export function listReportsForBriefing(db: Db, townshipId: string, since: string, before: string) {
  return db
    .selectFrom('reports')
    .select([
      'id',
      'case_no',
      'category_code',
      'lon',
      'lat',
      'status',
      'zone_id',
      'village_id',
      'responsible_area_id',
      'assignee_id',
      'observed_at',
      'deadline_at',
      'closed_at',
      'recurrence_of',
      'description',
    ])
    .where('township_id', '=', townshipId)
    .where('observed_at', '>=', since)
    .where('observed_at', '<', before)
    .execute();
}

/** When each of these reports was first rectified, rejected or merged (the end of waiting). */
export async function firstResolutions(db: Db, townshipId: string, before: string): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('report_events')
    .select(['report_id', (eb) => eb.fn.min('at').as('at')])
    .where('township_id', '=', townshipId)
    .where('type', 'in', ['rectify', 'reject', 'merge'])
    .where('at', '<', before)
    .groupBy('report_id')
    .execute();
  return new Map(rows.map((r) => [r.report_id, String(r.at)]));
}

import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * The items due in [from, to) (deadline in force in the period, or for a parked item the one it had; rejected and
 * duplicate items are no cases), with
 * when they were last rectified and how often re-inspection failed: what the standard rates are counted from.
 */
export function listDueItems(db: Db, townshipId: string, from: string, to: string) {
  return db
    .selectFrom('reports')
    .select(['id', 'responsible_area_id', 'assignee_id', 'category_code', 'status', 'deadline_at', 'parked_at', 'parked_deadline_at'])
    .select((eb) => [
      eb
        .selectFrom('report_events')
        .select((e) => e.fn.max('at').as('at'))
        .whereRef('report_events.report_id', '=', 'reports.id')
        .where('report_events.type', '=', 'rectify')
        .as('last_rectified_at'),
      eb
        .selectFrom('report_events')
        .select((e) => e.fn.countAll<number | string>().as('n'))
        .whereRef('report_events.report_id', '=', 'reports.id')
        .where('report_events.type', '=', 'reopen')
        .as('reopens'),
    ])
    .where('township_id', '=', townshipId)
    // a parked item counts by the deadline it had when it was parked (缓办)
    .where((eb) =>
      eb.or([
        eb.and([eb('deadline_at', '>=', from), eb('deadline_at', '<', to)]),
        eb.and([eb('parked_at', 'is not', null), eb('parked_deadline_at', '>=', from), eb('parked_deadline_at', '<', to)]),
      ]),
    )
    .where('status', 'not in', ['rejected', 'duplicate'])
    .execute();
}

/** How many items were seen, and how many closed, in [from, to). */
export async function countSeenAndClosed(db: Db, townshipId: string, from: string, to: string): Promise<{ seen: number; closed: number }> {
  const [seen, closed] = await Promise.all([
    db
      .selectFrom('reports')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('township_id', '=', townshipId)
      .where('observed_at', '>=', from)
      .where('observed_at', '<', to)
      .where('status', '!=', 'duplicate')
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('reports')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('township_id', '=', townshipId)
      .where('status', '=', 'closed')
      .where('closed_at', '>=', from)
      .where('closed_at', '<', to)
      .executeTakeFirstOrThrow(),
  ]);
  return { seen: Number(seen.n), closed: Number(closed.n) };
}

/**
 * The re-inspection steps of the items rectified in [from, to): every rectify, verify and reopen event of those
 * items, in order, with who acted. What 按时核查率 is counted from.
 */
export function listInspectionSteps(db: Db, townshipId: string, from: string, to: string) {
  return db
    .selectFrom('report_events')
    .select(['report_id', 'type', 'actor_id', 'at'])
    .where('township_id', '=', townshipId)
    .where('type', 'in', ['rectify', 'verify', 'reopen'])
    .where('at', '>=', from)
    .where('report_id', 'in', (eb) =>
      eb
        .selectFrom('report_events')
        .select('report_id')
        .where('township_id', '=', townshipId)
        .where('type', '=', 'rectify')
        .where('at', '>=', from)
        .where('at', '<', to),
    )
    .orderBy('report_id')
    .orderBy('at')
    .orderBy('id')
    .execute();
}

/**
 * The sending steps in [from, to) (notify, dispatch) and the returns, with the area each named, and for an item
 * the area it answers to now: what 退回率 is counted from.
 */
export function listSendSteps(db: Db, townshipId: string, from: string, to: string) {
  return db
    .selectFrom('report_events')
    .innerJoin('reports', 'reports.id', 'report_events.report_id')
    .select(['report_events.report_id', 'report_events.type', 'report_events.at', 'report_events.data', 'reports.responsible_area_id'])
    .where('report_events.township_id', '=', townshipId)
    .where('report_events.type', 'in', ['notify', 'dispatch', 'return'])
    .where('report_events.at', '>=', from)
    .where('report_events.at', '<', to)
    .orderBy('report_events.report_id')
    .orderBy('report_events.at')
    .orderBy('report_events.id')
    .execute();
}

import type { Kysely, Transaction, Insertable, Selectable } from 'kysely';
import type { Database, TownshipTable } from './schema.ts';
import { AWAITING_RECTIFICATION, OPEN_STATUSES } from '../domain/reports.ts';

type Db = Kysely<Database> | Transaction<Database>;
export type TownshipRow = Selectable<TownshipTable>;

export function insertTownship(db: Db, row: Insertable<TownshipTable>) {
  return db.insertInto('townships').values(row).execute();
}

/** The first township created: the one a single-township deployment serves. */
export function findDefaultTownship(db: Db): Promise<TownshipRow | undefined> {
  return db.selectFrom('townships').selectAll().orderBy('created_at').orderBy('code').limit(1).executeTakeFirst();
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
  const rows = await db.selectFrom('townships').select('id').orderBy('created_at').orderBy('code').execute();
  return rows.map((r) => r.id);
}

export function findTownshipByCode(db: Db, code: string): Promise<TownshipRow | undefined> {
  return db.selectFrom('townships').selectAll().where('code', '=', code).executeTakeFirst();
}

/** Every township of the deployment, in the order they were added. */
export function listTownships(db: Db): Promise<TownshipRow[]> {
  return db.selectFrom('townships').selectAll().orderBy('created_at').orderBy('code').execute();
}

export interface TownshipFigureRow {
  township_id: string;
  open: number;
  overdue: number;
  closed_week: number;
  due_week: number;
  on_time_week: number;
}

/**
 * Headline figures of every township at once: open and overdue items now, items closed since the week began,
 * and of the items whose deadline fell this week so far, how many were closed by it.
 */
export async function townshipFigures(db: Db, now: string, weekStart: string): Promise<TownshipFigureRow[]> {
  const rows = await db
    .selectFrom('reports')
    .select((eb) => [
      'township_id',
      eb.fn.sum<number>(eb.case().when('status', 'in', OPEN_STATUSES).then(1).else(0).end()).as('open'),
      eb.fn
        .sum<number>(eb.case().when(eb.and([eb('status', 'in', AWAITING_RECTIFICATION), eb('deadline_at', '<', now)])).then(1).else(0).end())
        .as('overdue'),
      eb.fn.sum<number>(eb.case().when(eb.and([eb('status', '=', 'closed'), eb('closed_at', '>=', weekStart)])).then(1).else(0).end()).as('closed_week'),
      eb.fn
        .sum<number>(
          eb.case().when(eb.and([eb('deadline_at', '>=', weekStart), eb('deadline_at', '<', now), eb('status', 'not in', ['rejected', 'duplicate'])])).then(1).else(0).end(),
        )
        .as('due_week'),
      eb.fn
        .sum<number>(
          eb
            .case()
            .when(eb.and([eb('deadline_at', '>=', weekStart), eb('deadline_at', '<', now), eb('status', '=', 'closed'), eb('closed_at', '<=', eb.ref('deadline_at'))]))
            .then(1)
            .else(0)
            .end(),
        )
        .as('on_time_week'),
    ])
    .groupBy('township_id')
    .execute();
  return rows.map((r) => ({
    township_id: r.township_id,
    open: Number(r.open ?? 0),
    overdue: Number(r.overdue ?? 0),
    closed_week: Number(r.closed_week ?? 0),
    due_week: Number(r.due_week ?? 0),
    on_time_week: Number(r.on_time_week ?? 0),
  }));
}

export async function updateEvaluation(db: Db, id: string, json: string): Promise<void> {
  await db.updateTable('townships').set({ evaluation: json }).where('id', '=', id).execute();
}

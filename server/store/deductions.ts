import type { Kysely, Transaction, Insertable, Selectable } from 'kysely';
import type { Database, DeductionTable } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;
export type DeductionRow = Selectable<DeductionTable>;

/** Inserts deductions not yet recorded (one per missed deadline); returns the report ids newly charged. */
export async function insertDeductions(db: Db, rows: Insertable<DeductionTable>[]): Promise<string[]> {
  const charged: string[] = [];
  for (const row of rows) {
    const r = await db
      .insertInto('deductions')
      .values(row)
      .onConflict((oc) => oc.columns(['report_id', 'deadline_at']).doNothing())
      .returning('report_id')
      .executeTakeFirst();
    if (r) charged.push(r.report_id);
  }
  return charged;
}

export function listDeductions(db: Db, townshipId: string, month: string): Promise<DeductionRow[]> {
  return db
    .selectFrom('deductions')
    .selectAll()
    .where('township_id', '=', townshipId)
    .where('month', '=', month)
    .orderBy('deadline_at')
    .execute();
}

export async function hasDeduction(db: Db, reportId: string, deadlineAt: string): Promise<boolean> {
  const r = await db
    .selectFrom('deductions')
    .select('id')
    .where('report_id', '=', reportId)
    .where('deadline_at', '=', deadlineAt)
    .executeTakeFirst();
  return r !== undefined;
}

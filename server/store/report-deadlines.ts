import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.ts';
import type { ReportRow } from './reports.ts';
import { AWAITING_RECTIFICATION } from '../domain/reports.ts';

// The items a deadline job looks at: due soon, past their deadline and not yet charged, seen in a month.

type Db = Kysely<Database> | Transaction<Database>;

/** Items still waiting for rectification, not parked, whose deadline falls in [from, to). */
export function findDueBetween(db: Db, townshipId: string, from: string, to: string): Promise<ReportRow[]> {
  return db
    .selectFrom('reports')
    .selectAll()
    .where('township_id', '=', townshipId)
    .where('status', 'in', AWAITING_RECTIFICATION)
    .where('deadline_at', '>=', from)
    .where('deadline_at', '<', to)
    .where('parked_at', 'is', null)
    .execute();
}

export function findOverdueUncharged(db: Db, townshipId: string, now: string): Promise<ReportRow[]> {
  return db
    .selectFrom('reports')
    .selectAll()
    .where('township_id', '=', townshipId)
    .where('status', 'in', AWAITING_RECTIFICATION)
    .where('deadline_at', '<', now)
    // an imported item whose deadline had passed before it arrived is not charged (the import's default)
    .where((eb) => eb.or([eb('source', '!=', 'import'), eb('deadline_at', '>=', eb.ref('received_at'))]))
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('deductions')
            .select('deductions.id')
            .whereRef('deductions.report_id', '=', 'reports.id')
            .whereRef('deductions.deadline_at', '=', 'reports.deadline_at'),
        ),
      ),
    )
    .execute();
}

/** Reports seen in a period (for the month's accountability). */
export function listReportsObserved(db: Db, townshipId: string, from: string, to: string): Promise<ReportRow[]> {
  return db
    .selectFrom('reports')
    .selectAll()
    .where('township_id', '=', townshipId)
    .where('observed_at', '>=', from)
    .where('observed_at', '<', to)
    .execute();
}

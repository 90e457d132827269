import type { Kysely, Transaction, Insertable, Selectable } from 'kysely';
import type { AuditTable, Database } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;
export type AuditRow = Selectable<AuditTable>;

export async function insertAudit(db: Db, row: Insertable<AuditTable>): Promise<void> {
  await db.insertInto('audit_log').values(row).execute();
}

/** Newest first; `before` pages back by id. */
export function listAudit(db: Db, townshipId: string, opts: { limit: number; before?: number | undefined }): Promise<AuditRow[]> {
  let q = db.selectFrom('audit_log').selectAll().where('township_id', '=', townshipId);
  if (opts.before !== undefined) q = q.where('id', '<', opts.before);
  return q.orderBy('id', 'desc').limit(opts.limit).execute();
}

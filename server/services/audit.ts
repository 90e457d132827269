import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.ts';
import { insertAudit, listAudit } from '../store/audit.ts';
import type { Deps } from './context.ts';
import { currentTownship } from './context.ts';

// The audit log: who changed users, areas, categories, settings and keys, when, and from what to what.

export interface AuditActor {
  id: string | null;
  username: string;
}

/** Changes made with `npm run user` or another command on the server itself. */
export const COMMAND_LINE: AuditActor = { id: null, username: '(command line)' };

export async function recordAudit(
  deps: Deps,
  db: Kysely<Database> | Transaction<Database>,
  e: { townshipId: string | null; actor: AuditActor; action: string; target: string; detail?: unknown },
): Promise<void> {
  await insertAudit(db, {
    township_id: e.townshipId,
    at: deps.now().toISOString(),
    actor_id: e.actor.id,
    actor_name: e.actor.username,
    action: e.action,
    target: e.target,
    detail: e.detail === undefined ? null : JSON.stringify(e.detail),
  });
}

export async function auditLog(deps: Deps, opts: { limit: number; before?: number | undefined }) {
  const t = await currentTownship(deps);
  const rows = await listAudit(deps.store.db, t.id, opts);
  return {
    entries: rows.map((r) => ({
      id: Number(r.id),
      at: new Date(r.at).toISOString(),
      actor: { id: r.actor_id, username: r.actor_name },
      action: r.action,
      target: r.target,
      detail: r.detail ? (JSON.parse(r.detail) as unknown) : null,
    })),
  };
}

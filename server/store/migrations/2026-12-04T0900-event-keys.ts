import type { Kysely } from 'kysely';

// Frozen: an action sent from a phone's outbox (a rectification with its after-photo, a sighting) carries the
// Idempotency-Key the phone made for it, kept on the event it became; one key makes at most one event per item, so a
// retry after a lost answer is answered with the item as it is, not done twice.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('report_events').addColumn('idempotency_key', 'text').execute();
  await db.schema.createIndex('report_events_idempotency').unique().on('report_events').columns(['report_id', 'idempotency_key']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('report_events_idempotency').ifExists().execute();
  await db.schema.alterTable('report_events').dropColumn('idempotency_key').execute();
}

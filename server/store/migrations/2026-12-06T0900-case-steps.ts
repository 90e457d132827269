import type { Kysely } from 'kysely';

// Frozen: the steps of a case around the loop. An item parked (挂账) keeps when and the deadline it had, and has
// none while parked; an extension the responsible party asked for waits, as the date asked for, for the office.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('reports').addColumn('parked_at', 'text').execute();
  await db.schema.alterTable('reports').addColumn('parked_deadline_at', 'text').execute();
  await db.schema.alterTable('reports').addColumn('extension_until', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const c of ['extension_until', 'parked_deadline_at', 'parked_at']) await db.schema.alterTable('reports').dropColumn(c).execute();
}

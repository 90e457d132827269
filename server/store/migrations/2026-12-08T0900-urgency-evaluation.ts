import type { Kysely } from 'kysely';

// Frozen: urgency and the township's evaluation. An item is 紧急 (urgent) or 一般 (normal); an urgent item of a
// category gets that category's urgent limit. A township keeps the weights of its score and the limit within which
// an inspector re-inspects a rectification (按时核查).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('reports').addColumn('urgency', 'text', (c) => c.notNull().defaultTo('normal')).execute();
  await db.schema.alterTable('categories').addColumn('urgent_hours', 'integer').execute();
  await db.schema.alterTable('townships').addColumn('evaluation', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('townships').dropColumn('evaluation').execute();
  await db.schema.alterTable('categories').dropColumn('urgent_hours').execute();
  await db.schema.alterTable('reports').dropColumn('urgency').execute();
}

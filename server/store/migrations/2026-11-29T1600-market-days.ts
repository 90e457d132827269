import type { Kysely } from 'kysely';

// Frozen: each township's market-day rule (JSON), so analyses can compare market days with ordinary days.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('townships')
    .addColumn('market_days', 'text', (c) => c.notNull().defaultTo('{"kind":"solar","dayEndings":[0,5]}'))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('townships').dropColumn('market_days').execute();
}

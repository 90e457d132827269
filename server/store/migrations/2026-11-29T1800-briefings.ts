import { sql, PostgresAdapter, type Kysely } from 'kysely';

// Frozen: the archive of weekly briefings, one per township and ISO week.

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('briefings')
    .addColumn('township_id', 'text', (c) => c.notNull().references('townships.id'))
    .addColumn('week', 'text', (c) => c.notNull())
    .addColumn('generated_at', pg ? sql`timestamptz` : 'text', (c) => c.notNull())
    .addColumn('generated_by', 'text', (c) => c.references('users.id'))
    .addColumn('data', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('briefings_pk', ['township_id', 'week'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('briefings').ifExists().execute();
}

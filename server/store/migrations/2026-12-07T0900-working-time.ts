import type { Kysely } from 'kysely';

// Frozen: deadlines in working time. A category's limit is read in its unit: calendar hours (as before), working
// hours or working days. A township keeps its own changes to the shipped calendar: a day off, or a day worked.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('categories').addColumn('deadline_unit', 'text', (c) => c.notNull().defaultTo('hours')).execute();
  await db.schema
    .createTable('calendar_days')
    .addColumn('township_id', 'text', (c) => c.notNull().references('townships.id'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addPrimaryKeyConstraint('calendar_days_pk', ['township_id', 'day'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('calendar_days').ifExists().execute();
  await db.schema.alterTable('categories').dropColumn('deadline_unit').execute();
}

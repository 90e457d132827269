import { sql, PostgresAdapter, type Kysely } from 'kysely';

// Frozen: devices a person has signed in from. A known device keeps signing in with the right password while
// someone elsewhere guesses that person's name, so wrong guesses cannot lock the real person out.

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const ts = pg ? sql`timestamptz` : sql`text`;
  await db.schema
    .createTable('known_devices')
    // SHA-256 of the device cookie's token; the token itself is never stored. A shared phone knows several people.
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('last_used_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('known_devices_pk', ['id', 'user_id'])
    .execute();
  await db.schema.createIndex('known_devices_user').on('known_devices').column('user_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('known_devices').ifExists().execute();
}

import { sql, PostgresAdapter, type Kysely } from 'kysely';

// Frozen: people and sessions, photos, the item's responsible party, deductions. Never imports application code.

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const ts = pg ? sql`timestamptz` : sql`text`;
  const serial = (c: any) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());

  await db.schema.alterTable('users').addColumn('password_hash', 'text').execute();
  await db.schema.alterTable('users').addColumn('area_id', 'text', (c) => c.references('areas.id')).execute();
  await db.schema.alterTable('users').addColumn('phone', 'text').execute();
  await db.schema.alterTable('users').addColumn('active', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  await db.schema.createIndex('users_area').on('users').columns(['area_id', 'role']).execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey()) // SHA-256 of the cookie token; the token itself is never stored
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('last_seen_at', ts, (c) => c.notNull())
    .addColumn('expires_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('login_failures')
    .addColumn('id', pg ? 'bigserial' : 'integer', serial)
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('login_failures_key_at').on('login_failures').columns(['key', 'at']).execute();

  await db.schema
    .createTable('photos')
    .addColumn('id', 'text', (c) => c.primaryKey()) // SHA-256 of the bytes
    .addColumn('township_id', 'text', (c) => c.notNull().references('townships.id'))
    .addColumn('mime', 'text', (c) => c.notNull())
    .addColumn('bytes', 'integer', (c) => c.notNull())
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('height', 'integer', (c) => c.notNull())
    .addColumn('taken_at', ts)
    .addColumn('uploaded_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('report_photos')
    .addColumn('report_id', 'text', (c) => c.notNull().references('reports.id'))
    .addColumn('photo_id', 'text', (c) => c.notNull().references('photos.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('before', 'after', 'sighting')`))
    .addColumn('event_id', 'bigint')
    .addColumn('added_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('report_photos_pk', ['report_id', 'photo_id', 'kind'])
    .execute();

  for (const [name, type] of [
    ['assignee_id', 'text'],
    ['responsible_area_id', 'text'],
    ['rectified_by', 'text'],
    ['recurrence_of', 'text'],
  ] as const) {
    await db.schema.alterTable('reports').addColumn(name, type).execute();
  }
  await db.schema.alterTable('reports').addColumn('version', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  await db.schema.alterTable('reports').addColumn('sightings', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.createIndex('reports_assignee').on('reports').columns(['assignee_id', 'status']).execute();
  await db.schema.createIndex('reports_deadline').on('reports').columns(['township_id', 'status', 'deadline_at']).execute();

  await db.schema.alterTable('categories').addColumn('same_day', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('categories').addColumn('score_points', 'integer', (c) => c.notNull().defaultTo(2)).execute();
  await db.schema
    .alterTable('categories')
    .addColumn('duplicate_radius_m', 'integer', (c) => c.notNull().defaultTo(30))
    .execute();
  await db.schema
    .alterTable('categories')
    .addColumn('responsibility', 'text', (c) => c.notNull().defaultTo('area'))
    .execute();

  await db.schema
    .createTable('deductions')
    .addColumn('id', pg ? 'bigserial' : 'integer', serial)
    .addColumn('township_id', 'text', (c) => c.notNull().references('townships.id'))
    .addColumn('report_id', 'text', (c) => c.notNull().references('reports.id'))
    .addColumn('area_id', 'text', (c) => c.notNull().references('areas.id'))
    .addColumn('person_id', 'text', (c) => c.references('users.id'))
    .addColumn('category_code', 'text', (c) => c.notNull())
    .addColumn('deadline_at', ts, (c) => c.notNull())
    .addColumn('amount_yuan', 'integer', (c) => c.notNull())
    .addColumn('points', 'integer', (c) => c.notNull())
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    // one deduction per missed deadline, however many servers sweep at once
    .addUniqueConstraint('deductions_once', ['report_id', 'deadline_at'])
    .execute();
  await db.schema.createIndex('deductions_month').on('deductions').columns(['township_id', 'month']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['deductions', 'report_photos', 'photos', 'login_failures', 'sessions']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}

import { sql, PostgresAdapter, type Kysely } from 'kysely';

// Frozen: this file describes the schema as of its date and never imports application code.

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const ts = pg ? sql`timestamptz` : sql`text`;
  const float = pg ? sql`double precision` : sql`real`;

  if (pg) await sql`CREATE EXTENSION IF NOT EXISTS postgis`.execute(db);

  await db.schema
    .createTable('townships')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name_zh', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('boundary', 'text', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull().defaultTo('Asia/Shanghai'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('areas')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('township_id', 'text', (c) => c.notNull().references('townships.id'))
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(sql`kind IN ('cleaning_zone', 'village', 'community', 'unit')`),
    )
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name_zh', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('polygon', 'text', (c) => c.notNull())
    .addColumn('min_lon', float, (c) => c.notNull())
    .addColumn('min_lat', float, (c) => c.notNull())
    .addColumn('max_lon', float, (c) => c.notNull())
    .addColumn('max_lat', float, (c) => c.notNull())
    .addColumn('responsible_name', 'text')
    .addColumn('responsible_phone', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addUniqueConstraint('areas_township_code', ['township_id', 'code'])
    .execute();
  await db.schema.createIndex('areas_township_kind').on('areas').columns(['township_id', 'kind']).execute();

  await db.schema
    .createTable('categories')
    .addColumn('township_id', 'text', (c) => c.notNull().references('townships.id'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name_zh', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('color', 'text', (c) => c.notNull())
    .addColumn('deadline_hours', 'integer', (c) => c.notNull())
    .addColumn('deduction_yuan', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sort_order', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addPrimaryKeyConstraint('categories_pk', ['township_id', 'code'])
    .execute();

  await db.schema
    .createTable('basemap_features')
    .addColumn('id', pg ? 'serial' : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('township_id', 'text', (c) => c.notNull().references('townships.id'))
    .addColumn('layer', 'text', (c) => c.notNull().check(sql`layer IN ('road', 'landmark', 'water')`))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name_zh', 'text')
    .addColumn('name_en', 'text')
    .addColumn('geometry', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('basemap_features_township').on('basemap_features').column('township_id').execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('township_id', 'text', (c) => c.notNull().references('townships.id'))
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) =>
      c.notNull().check(sql`role IN ('admin', 'leader', 'office', 'inspector', 'cleaner', 'unit')`),
    )
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('reports')
    .addColumn('seq', pg ? 'bigserial' : 'integer', (c) => (pg ? c.notNull().unique() : c.primaryKey()))
    .addColumn('id', 'text', (c) => (pg ? c.primaryKey() : c.notNull().unique()))
    .addColumn('township_id', 'text', (c) => c.notNull().references('townships.id'))
    .addColumn('category_code', 'text', (c) => c.notNull())
    .addColumn('lon', float, (c) => c.notNull().check(sql`lon >= -180 AND lon <= 180`))
    .addColumn('lat', float, (c) => c.notNull().check(sql`lat >= -90 AND lat <= 90`))
    .addColumn('accuracy_m', float)
    .addColumn('description', 'text')
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status IN ('reported', 'notified', 'rectified', 'closed', 'rejected', 'duplicate')`),
    )
    .addColumn('zone_id', 'text', (c) => c.references('areas.id'))
    .addColumn('village_id', 'text', (c) => c.references('areas.id'))
    .addColumn('unit_id', 'text', (c) => c.references('areas.id'))
    .addColumn('reporter_id', 'text', (c) => c.references('users.id'))
    .addColumn('duplicate_of', 'text', (c) => c.references('reports.id'))
    .addColumn('captured_at', ts)
    .addColumn('received_at', ts, (c) => c.notNull())
    .addColumn('observed_at', ts, (c) => c.notNull())
    .addColumn('deadline_at', ts)
    .addColumn('closed_at', ts)
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('idempotency_key', 'text')
    .addForeignKeyConstraint('reports_category_fk', ['township_id', 'category_code'], 'categories', [
      'township_id',
      'code',
    ])
    .addUniqueConstraint('reports_idempotency', ['township_id', 'idempotency_key'])
    .execute();
  for (const [name, cols] of [
    ['reports_township_observed', ['township_id', 'observed_at']],
    ['reports_township_status', ['township_id', 'status']],
    ['reports_township_category', ['township_id', 'category_code', 'observed_at']],
    ['reports_zone', ['zone_id', 'observed_at']],
    ['reports_village', ['village_id', 'observed_at']],
  ] as const) {
    await db.schema.createIndex(name).on('reports').columns([...cols]).execute();
  }

  await db.schema
    .createTable('report_events')
    .addColumn('id', pg ? 'bigserial' : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('report_id', 'text', (c) => c.notNull().references('reports.id'))
    .addColumn('township_id', 'text', (c) => c.notNull().references('townships.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text')
    .addColumn('actor_id', 'text', (c) => c.references('users.id'))
    .addColumn('at', ts, (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('data', 'text')
    .execute();
  await db.schema.createIndex('report_events_report').on('report_events').columns(['report_id', 'id']).execute();

  if (pg) {
    // Geometry derived from the stored values, so writers never have to keep two copies in step.
    await sql`ALTER TABLE reports ADD COLUMN geom geometry(Point, 4326)
      GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED`.execute(db);
    await sql`CREATE INDEX reports_geom ON reports USING gist (geom)`.execute(db);
    await sql`ALTER TABLE areas ADD COLUMN geom geometry(Geometry, 4326)
      GENERATED ALWAYS AS (ST_SetSRID(ST_GeomFromGeoJSON(polygon), 4326)) STORED`.execute(db);
    await sql`CREATE INDEX areas_geom ON areas USING gist (geom)`.execute(db);
    // The event log is append-only: the database itself refuses edits and deletions.
    await sql`CREATE FUNCTION report_events_append_only() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION 'report_events is append-only'; END $$ LANGUAGE plpgsql`.execute(db);
    await sql`CREATE TRIGGER report_events_no_update BEFORE UPDATE OR DELETE ON report_events
      FOR EACH ROW EXECUTE FUNCTION report_events_append_only()`.execute(db);
  } else {
    await sql`CREATE VIRTUAL TABLE reports_rtree USING rtree(id, min_lon, max_lon, min_lat, max_lat)`.execute(db);
    await sql`CREATE TRIGGER reports_rtree_insert AFTER INSERT ON reports BEGIN
      INSERT INTO reports_rtree VALUES (new.seq, new.lon, new.lon, new.lat, new.lat); END`.execute(db);
    await sql`CREATE TRIGGER reports_rtree_update AFTER UPDATE OF lon, lat ON reports BEGIN
      UPDATE reports_rtree SET min_lon = new.lon, max_lon = new.lon, min_lat = new.lat, max_lat = new.lat
      WHERE id = new.seq; END`.execute(db);
    await sql`CREATE TRIGGER reports_rtree_delete AFTER DELETE ON reports BEGIN
      DELETE FROM reports_rtree WHERE id = old.seq; END`.execute(db);
    await sql`CREATE TRIGGER report_events_no_update BEFORE UPDATE ON report_events BEGIN
      SELECT RAISE(ABORT, 'report_events is append-only'); END`.execute(db);
    await sql`CREATE TRIGGER report_events_no_delete BEFORE DELETE ON report_events BEGIN
      SELECT RAISE(ABORT, 'report_events is append-only'); END`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  if (!pg) await sql`DROP TABLE IF EXISTS reports_rtree`.execute(db);
  for (const t of ['report_events', 'reports', 'users', 'basemap_features', 'categories', 'areas', 'townships']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
  if (pg) await sql`DROP FUNCTION IF EXISTS report_events_append_only()`.execute(db);
}

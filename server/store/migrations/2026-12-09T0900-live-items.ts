import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Frozen: the duplicate check reads only what can be a duplicate or come back.
//
// A report's POST asks which items of its category lie within 20–60 m and are open or were closed lately. In a
// year of a busy town that spot holds hundreds of items, and through the map's spatial indexes each one was a
// lookup in the reports table (a million rows: 2.7 ms a POST at a typical spot on SQLite). Both databases now
// keep a small table of the items that can matter, open ones and closed ones (the server prunes those closed
// more than 14 days ago each minute, by its own clock, so a trigger need not know the time), with what the
// check weighs, keyed by township, category and a grid of cells 1/5000° on a side (about 20 m), then seq:
// a spot's items of its category are a few short ranges of one index, read in order without visiting the
// reports table (measured on a million reports: 0.29 ms at a typical spot; an R*Tree of the same items with
// auxiliary columns took 0.53 ms, looking up each entry's columns).
//
// SQLite keeps it in step with row triggers. PostgreSQL with statement triggers over the transition tables,
// so a COPY of a million reports adds the live ones in one statement rather than a function call per row. Its
// index holds what the check reads (INCLUDE): once vacuumed, the check is an index-only scan.

const CELLS = 5000;
const cell = (v: string, pg: boolean) => (pg ? `floor(${v} * ${CELLS})::integer` : `CAST(floor(${v} * ${CELLS}) AS INTEGER)`);
const LIVE = (r: string) => `${r}.status IN ('reported', 'notified', 'rectified', 'closed')`;
const COLUMNS = 'township_id, category_code, cy, cx, seq, id, status, closed_at, lon, lat';
const row = (r: string, pg: boolean) =>
  `${r}.township_id, ${r}.category_code, ${cell(`${r}.lat`, pg)}, ${cell(`${r}.lon`, pg)}, ${r}.seq, ${r}.id, ${r}.status, ${r}.closed_at, ${r}.lon, ${r}.lat`;
/** The live row (of table alias `l`, or unqualified) of report `r`. */
const sameKey = (r: string, pg: boolean, l = '') =>
  `${l}township_id = ${r}.township_id AND ${l}category_code = ${r}.category_code AND ${l}cy = ${cell(`${r}.lat`, pg)} AND ${l}cx = ${cell(`${r}.lon`, pg)} AND ${l}seq = ${r}.seq`;

async function sqlite(db: Kysely<any>): Promise<void> {
  await sql.raw(`CREATE TABLE report_live (township_id TEXT NOT NULL, category_code TEXT NOT NULL, cy INTEGER NOT NULL, cx INTEGER NOT NULL,
      seq INTEGER NOT NULL, id TEXT NOT NULL, status TEXT NOT NULL, closed_at TEXT, lon REAL NOT NULL, lat REAL NOT NULL,
      PRIMARY KEY (township_id, category_code, cy, cx, seq)) WITHOUT ROWID`).execute(db);
  // The rows a bulk load adds after its batch, as a view.
  await sql.raw(`CREATE VIEW report_live_rows AS SELECT ${row('r', false)} FROM reports r WHERE ${LIVE('r')}`).execute(db);
  await sql.raw(`INSERT INTO report_live SELECT * FROM report_live_rows
      WHERE status <> 'closed' OR closed_at >= strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-15 days')`).execute(db);
  await sql.raw(`CREATE TRIGGER report_live_insert AFTER INSERT ON reports WHEN ${LIVE('new')} BEGIN
      INSERT INTO report_live (${COLUMNS}) VALUES (${row('new', false)}); END`).execute(db);
  await sql.raw(`CREATE TRIGGER report_live_update AFTER UPDATE OF lon, lat, status, closed_at, category_code, township_id ON reports BEGIN
      DELETE FROM report_live WHERE ${sameKey('old', false)};
      INSERT INTO report_live (${COLUMNS}) SELECT ${row('new', false)} WHERE ${LIVE('new')}; END`).execute(db);
  await sql.raw(`CREATE TRIGGER report_live_delete AFTER DELETE ON reports BEGIN
      DELETE FROM report_live WHERE ${sameKey('old', false)}; END`).execute(db);
}

async function postgres(db: Kysely<any>): Promise<void> {
  // INCLUDE: the check reads its columns from the index
  await sql.raw(`CREATE TABLE report_live (township_id text NOT NULL, category_code text NOT NULL, cy integer NOT NULL, cx integer NOT NULL,
      seq bigint NOT NULL, id text NOT NULL, status text NOT NULL, closed_at timestamptz, lon double precision NOT NULL, lat double precision NOT NULL,
      PRIMARY KEY (township_id, category_code, cy, cx, seq) INCLUDE (id, status, closed_at, lon, lat))`).execute(db);
  await sql.raw(`INSERT INTO report_live SELECT ${row('r', true)} FROM reports r
      WHERE ${LIVE('r')} AND (r.status <> 'closed' OR r.closed_at >= now() - interval '15 days')`).execute(db);
  // A bulk load says from when closed items still matter (SET LOCAL hotspots.live_since), by the server's clock:
  // a county's years of closed items are not added only to be pruned a minute later.
  await sql.raw(`CREATE FUNCTION report_live_added() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE since timestamptz := nullif(current_setting('hotspots.live_since', true), '')::timestamptz;
    BEGIN
      INSERT INTO report_live (${COLUMNS}) SELECT ${row('n', true)} FROM added n
        WHERE ${LIVE('n')} AND (since IS NULL OR n.status <> 'closed' OR n.closed_at >= since);
      RETURN NULL; END $$`).execute(db);
  await sql.raw(`CREATE FUNCTION report_live_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
      DELETE FROM report_live l USING before o WHERE ${sameKey('o', true, 'l.')};
      INSERT INTO report_live (${COLUMNS}) SELECT ${row('n', true)} FROM after n WHERE ${LIVE('n')};
      RETURN NULL; END $$`).execute(db);
  await sql.raw(`CREATE FUNCTION report_live_removed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
      DELETE FROM report_live l USING before o WHERE ${sameKey('o', true, 'l.')};
      RETURN NULL; END $$`).execute(db);
  await sql.raw(`CREATE TRIGGER report_live_insert AFTER INSERT ON reports REFERENCING NEW TABLE AS added
      FOR EACH STATEMENT EXECUTE FUNCTION report_live_added()`).execute(db);
  await sql.raw(`CREATE TRIGGER report_live_update AFTER UPDATE ON reports REFERENCING OLD TABLE AS before NEW TABLE AS after
      FOR EACH STATEMENT EXECUTE FUNCTION report_live_changed()`).execute(db);
  await sql.raw(`CREATE TRIGGER report_live_delete AFTER DELETE ON reports REFERENCING OLD TABLE AS before
      FOR EACH STATEMENT EXECUTE FUNCTION report_live_removed()`).execute(db);
}

export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) await postgres(db);
  else await sqlite(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  for (const t of ['insert', 'update', 'delete']) await sql.raw(`DROP TRIGGER IF EXISTS report_live_${t}${pg ? ' ON reports' : ''}`).execute(db);
  if (pg) for (const f of ['added', 'changed', 'removed']) await sql.raw(`DROP FUNCTION IF EXISTS report_live_${f}()`).execute(db);
  else await sql`DROP VIEW IF EXISTS report_live_rows`.execute(db);
  await sql`DROP TABLE IF EXISTS report_live`.execute(db);
}

import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Frozen: the duplicate check reads only what can be a duplicate or come back.
//
// A report's POST asks which items of its category lie within 20–60 m and are open or were closed lately. In a
// year of a busy town that spot holds hundreds of items, and through the life tree each one was a lookup in the
// reports table (a million rows, 2.7 ms a POST at a typical spot). SQLite keeps a second, small R*Tree of the
// items that can matter: open ones and closed ones (the server prunes those closed more than 14 days ago each
// minute, by its own clock, so a trigger need not know the time). What the check weighs (category, status, time
// of close-out, id, exact position) rides along as the tree's auxiliary columns: no table row is read (measured on a million
// reports: 0.47 ms instead of 2.7 ms at a typical spot). The category is not a dimension of the tree: it would
// need a number per category that nothing renumbers (a VACUUM renumbers the categories table's rowids).
//
// PostgreSQL's GiST life index keeps answering the same question.

const LIVE = `status IN ('reported', 'notified', 'rectified', 'closed')`;
// The box is kept in 32-bit floats; the exact position rides along with the rest.
const ROW = (r: string) =>
  `${r}.seq, ${r}.lon, ${r}.lon, ${r}.lat, ${r}.lat, ${r}.township_id, ${r}.category_code, ${r}.status, ${r}.closed_at, ${r}.id, ${r}.lon, ${r}.lat`;

export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return;
  await sql.raw(`CREATE VIRTUAL TABLE reports_live USING rtree(id, min_lon, max_lon, min_lat, max_lat,
      +township_id, +category_code, +status, +closed_at, +report_id, +lon, +lat)`).execute(db);
  // The rows a bulk load puts in the tree after its batch, as a view.
  await sql.raw(`CREATE VIEW reports_live_rows AS SELECT r.seq AS id, r.lon AS min_lon, r.lon AS max_lon, r.lat AS min_lat, r.lat AS max_lat,
      r.township_id, r.category_code, r.status, r.closed_at, r.id AS report_id, r.lon, r.lat FROM reports r WHERE r.${LIVE}`).execute(db);
  await sql.raw(`INSERT INTO reports_live SELECT * FROM reports_live_rows
      WHERE status <> 'closed' OR closed_at >= strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-15 days')`).execute(db);
  await sql.raw(`CREATE TRIGGER reports_live_insert AFTER INSERT ON reports WHEN new.${LIVE} BEGIN
      INSERT INTO reports_live VALUES (${ROW('new')}); END`).execute(db);
  await sql.raw(`CREATE TRIGGER reports_live_update AFTER UPDATE OF lon, lat, status, closed_at, category_code, township_id ON reports BEGIN
      DELETE FROM reports_live WHERE id = old.seq;
      INSERT INTO reports_live SELECT ${ROW('new')} WHERE new.${LIVE}; END`).execute(db);
  await sql.raw(`CREATE TRIGGER reports_live_delete AFTER DELETE ON reports BEGIN
      DELETE FROM reports_live WHERE id = old.seq; END`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return;
  for (const t of ['insert', 'update', 'delete']) await sql.raw(`DROP TRIGGER IF EXISTS reports_live_${t}`).execute(db);
  await sql`DROP VIEW IF EXISTS reports_live_rows`.execute(db);
  await sql`DROP TABLE IF EXISTS reports_live`.execute(db);
}

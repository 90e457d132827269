import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Insertable, Kysely, Transaction } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database, ReportTable } from './schema.ts';
import type { Store } from './connect.ts';
import { BATCH } from './reports.ts';
import { assignCaseNumbers } from './case-numbers.ts';

// Many reports at once: imports, the demo town and the benchmark, and the id checks imports make first.

type Db = Kysely<Database> | Transaction<Database>;

const REPORT_COLUMNS = [
  'id', 'township_id', 'category_code', 'lon', 'lat', 'accuracy_m', 'description', 'status', 'zone_id', 'village_id',
  'unit_id', 'reporter_id', 'duplicate_of', 'captured_at', 'received_at', 'observed_at', 'deadline_at', 'closed_at',
  'updated_at', 'idempotency_key', 'assignee_id', 'responsible_area_id', 'rectified_by', 'recurrence_of', 'case_no',
] as const;

/**
 * Loads many reports at once (imports, the demo, the benchmark): on SQLite one prepared statement per batch
 * in a transaction, on PostgreSQL one COPY in one transaction. Returns how many were written.
 */
export async function bulkInsertReports(
  store: Pick<Store, 'db' | 'sqlite' | 'pool'>,
  rows: Insertable<ReportTable>[],
  /** The server's clock (tests run on their own). */
  opts: { now?: string } = {},
): Promise<number> {
  await assignCaseNumbers(store.db, rows);
  // Items closed before then can no longer be a duplicate or come back: the duplicate check's table skips them.
  const liveSince = new Date(Date.parse(opts.now ?? new Date().toISOString()) - 15 * 86_400_000).toISOString();
  if (!store.sqlite) {
    if (!store.pool) throw new Error('A bulk load needs the SQLite handle or the PostgreSQL pool.');
    await copyReports(store.pool, rows, liveSince);
    // After a large load, do at once what autovacuum would do later: statistics for the planner (it would
    // otherwise take a township's million reports for a few hundred), and the pages' visibility and hint bits
    // set once rather than by the first readers (all points of 200 000 reports: 248 → 175 ms; the duplicate
    // check becomes an index-only scan: 30 ms → 4 ms at the busiest spot).
    if (rows.length >= 10_000) await store.pool.query('VACUUM (ANALYZE) reports, report_live');
    return rows.length;
  }
  const sqlite = store.sqlite;
  const stmt = sqlite.prepare(`INSERT INTO reports (${REPORT_COLUMNS.join(', ')}) VALUES (${REPORT_COLUMNS.map(() => '?').join(', ')})`);
  // The R*Tree (and the duplicate check's table) are filled after each batch from their views rather than row by
  // row by their triggers:
  // one R*Tree insert at a time between the table's writes is most of a load's time (measured: 22 000 → 75 000
  // rows/s without it). The triggers are set aside inside the batch's transaction, so no other writer ever runs
  // without them.
  const triggers = Object.fromEntries(
    ['reports_rtree_insert', 'report_live_insert'].map((name) => [
      name,
      sqlite.prepare(`SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?`).pluck().get(name) as string | undefined,
    ]),
  );
  const lastSeq = sqlite.prepare('SELECT coalesce(max(seq), 0) FROM reports').pluck();
  const run = sqlite.transaction((batch: Insertable<ReportTable>[]) => {
    const last = lastSeq.get() as number;
    for (const [name, sql] of Object.entries(triggers)) if (sql) sqlite.exec(`DROP TRIGGER ${name}`);
    for (const r of batch) stmt.run(REPORT_COLUMNS.map((c) => (r as Record<string, unknown>)[c] ?? null));
    if (triggers.reports_rtree_insert) sqlite.prepare('INSERT INTO reports_rtree SELECT * FROM reports_life WHERE id > ?').run(last);
    if (triggers.report_live_insert) {
      sqlite.prepare(`INSERT INTO report_live SELECT * FROM report_live_rows WHERE seq > ? AND (status <> 'closed' OR closed_at >= ?)`).run(last, liveSince);
    }
    for (const sql of Object.values(triggers)) if (sql) sqlite.exec(sql);
  });
  // A load touches every index page at random (ids, places, the R*Tree): for its duration the page cache
  // grows to 256 MiB so they stay in memory, then shrinks back to the server's everyday size.
  const before = sqlite.pragma('cache_size', { simple: true }) as number;
  sqlite.pragma('cache_size = -262144');
  try {
    // one transaction per 50 000 reports keeps the write-ahead log small
    for (let i = 0; i < rows.length; i += 50_000) run(rows.slice(i, i + 50_000));
  } finally {
    sqlite.pragma(`cache_size = ${before}`);
  }
  return rows.length;
}

// COPY's text format: tab-separated, \N for null, and backslash escapes for what would end a field or a row.
const copyField = (v: unknown) =>
  v === null || v === undefined ? '\\N' : String(v).replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));

/**
 * PostgreSQL's bulk path: rows stream to COPY in chunks of a thousand, in one transaction, so a failed load
 * leaves nothing behind (measured against 400-row INSERTs: see the README's speed section).
 */
async function copyReports(pool: pg.Pool, rows: Insertable<ReportTable>[], liveSince: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT set_config('hotspots.live_since', $1, true)`, [liveSince]);
    const chunks = function* () {
      for (let i = 0; i < rows.length; i += 1000) {
        let text = '';
        for (const r of rows.slice(i, i + 1000)) text += REPORT_COLUMNS.map((c) => copyField((r as Record<string, unknown>)[c])).join('\t') + '\n';
        yield text;
      }
    };
    await pipeline(Readable.from(chunks()), client.query(copyFrom(`COPY reports (${REPORT_COLUMNS.join(', ')}) FROM STDIN`)));
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** Which of these report ids the township already holds (imports skip them). */
export async function existingReportIds(db: Db, townshipId: string, ids: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < ids.length; i += BATCH) {
    const rows = await db.selectFrom('reports').select('id').where('township_id', '=', townshipId).where('id', 'in', ids.slice(i, i + BATCH)).execute();
    for (const r of rows) out.add(r.id);
  }
  return out;
}

/** Any township's report with one of these ids (ids are unique across the database). */
export async function takenReportIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < ids.length; i += BATCH) {
    const rows = await db.selectFrom('reports').select('id').where('id', 'in', ids.slice(i, i + BATCH)).execute();
    for (const r of rows) out.add(r.id);
  }
  return out;
}

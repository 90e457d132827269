import type Database from 'better-sqlite3';
import { sql } from 'kysely';
import type { ReportStatus } from './schema.ts';
import type { Store } from './connect.ts';
import type { ReportRow } from './reports.ts';

// The duplicate and recurrence checks of a new report: the items of its category near its spot that are open or
// were closed lately, from the small table of such items (report_live: kept by triggers, pruned by the server
// each minute, keyed by township, category and cells of 1/5000°), without reading the reports table.

export interface NearbyCandidateRow {
  seq: number;
  id: string;
  status: ReportStatus;
  lon: number;
  lat: number;
  closed_at: string | null;
}

/** The grid of report_live's keys (its migration's, frozen there). */
const CELLS = 5000;

const statements = new WeakMap<Database.Database, { near: Map<number, Database.Statement>; prune: Database.Statement }>();
function prepared(sqlite: Database.Database) {
  let s = statements.get(sqlite);
  if (!s) {
    s = { near: new Map(), prune: sqlite.prepare(`DELETE FROM report_live WHERE status = 'closed' AND (closed_at IS NULL OR closed_at < ?)`) };
    statements.set(sqlite, s);
  }
  return s;
}
const COLUMNS = 'seq, id, status, lon, lat, closed_at';
function nearStatement(sqlite: Database.Database, rows: number) {
  const near = prepared(sqlite).near;
  let st = near.get(rows);
  if (!st) {
    st = sqlite.prepare(
      `SELECT ${COLUMNS} FROM report_live WHERE township_id = ? AND category_code = ? AND cy IN (${Array(rows).fill('?').join(', ')})
         AND cx BETWEEN ? AND ? AND lon BETWEEN ? AND ? AND lat BETWEEN ? AND ? AND (status <> 'closed' OR closed_at >= ?)`,
    );
    near.set(rows, st);
  }
  return st;
}

/** Items of the category in the box that are open, or closed at or after `since`, newest first, at most `limit`. */
export async function nearbyCandidates(
  store: Pick<Store, 'db' | 'sqlite'>,
  q: { townshipId: string; bbox: readonly [number, number, number, number]; category: string; since: string; limit: number },
): Promise<NearbyCandidateRow[]> {
  const [w, s, e, n] = q.bbox;
  const ys: number[] = [];
  for (let y = Math.floor(s * CELLS); y <= Math.floor(n * CELLS); y++) ys.push(y);
  const [x0, x1] = [Math.floor(w * CELLS), Math.floor(e * CELLS)];
  const rows = store.sqlite
    ? (nearStatement(store.sqlite, ys.length).all(q.townshipId, q.category, ...ys, x0, x1, w, e, s, n, q.since) as NearbyCandidateRow[])
    : (
        await sql<NearbyCandidateRow>`SELECT ${sql.raw(COLUMNS)} FROM report_live WHERE township_id = ${q.townshipId} AND category_code = ${q.category}
          AND cy = ANY(${ys}::integer[]) AND cx BETWEEN ${x0} AND ${x1} AND lon BETWEEN ${w} AND ${e} AND lat BETWEEN ${s} AND ${n}
          AND (status <> 'closed' OR closed_at >= ${q.since})`.execute(store.db)
      ).rows.map((r) => ({ ...r, seq: Number(r.seq) }));
  // newest first: a spot with more than the limit is one duplicate many times over
  return rows.sort((a, b) => b.seq - a.seq).slice(0, q.limit);
}

/** Forgets items closed before `cutoff` from the duplicate check's table (they can no longer come back). */
export async function pruneNearbyTable(store: Pick<Store, 'db' | 'sqlite'>, cutoff: string): Promise<number> {
  if (store.sqlite) return prepared(store.sqlite).prune.run(cutoff).changes;
  const r = await sql`DELETE FROM report_live WHERE status = 'closed' AND (closed_at IS NULL OR closed_at < ${cutoff})`.execute(store.db);
  return Number(r.numAffectedRows ?? 0);
}

/** The whole rows of the candidates shown to the reporter, looked up by their sequence numbers. */
export function candidateRows(store: Pick<Store, 'db' | 'dialect'>, townshipId: string, seqs: readonly number[]): Promise<ReportRow[]> {
  if (!seqs.length) return Promise.resolve([]);
  // SQLite's planner must look the rows up by seq, not walk the township's index (a unary + hides it)
  const township = store.dialect === 'sqlite' ? sql<boolean>`+township_id = ${townshipId}` : sql<boolean>`township_id = ${townshipId}`;
  return store.db.selectFrom('reports').selectAll().where('seq', 'in', seqs).where(township).execute();
}

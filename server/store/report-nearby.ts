import type Database from 'better-sqlite3';
import type { ReportStatus } from './schema.ts';
import type { Store } from './connect.ts';
import { sql } from 'kysely';
import { queryNearbyCandidates, type ReportRow } from './reports.ts';

// The duplicate and recurrence checks of a new report: the items of its category near its spot that are open or
// were closed lately. On SQLite from the small tree of such items (reports_live, kept by triggers, pruned by
// the server each minute), without reading the reports table; on PostgreSQL through the life index.

export interface NearbyCandidateRow {
  seq: number;
  id: string;
  status: ReportStatus;
  lon: number;
  lat: number;
  closed_at: string | null;
}

const statements = new WeakMap<Database.Database, { near: Database.Statement; prune: Database.Statement }>();
function prepared(sqlite: Database.Database) {
  let s = statements.get(sqlite);
  if (!s) {
    s = {
      // the newest first, as many as asked: a spot with more than that is one duplicate many times over
      near: sqlite.prepare(
        `SELECT id AS seq, report_id AS id, status, lon, lat, closed_at FROM reports_live
          WHERE max_lon >= @w AND min_lon <= @e AND max_lat >= @s AND min_lat <= @n
            AND township_id = @township AND category_code = @category AND (status <> 'closed' OR closed_at >= @since)
          ORDER BY id DESC LIMIT @limit`,
      ),
      prune: sqlite.prepare(`DELETE FROM reports_live WHERE status = 'closed' AND (closed_at IS NULL OR closed_at < ?)`),
    };
    statements.set(sqlite, s);
  }
  return s;
}

// The tree keeps 32-bit floats rounded outwards: its box only narrows, the exact test on the stored doubles decides.
const PAD = 2e-5;

/** Items of the category in the box that are open, or closed at or after `since`, newest first. */
export async function nearbyCandidates(
  store: Pick<Store, 'db' | 'dialect' | 'sqlite'>,
  q: { townshipId: string; bbox: readonly [number, number, number, number]; category: string; since: string; limit: number },
): Promise<NearbyCandidateRow[]> {
  const [w, s, e, n] = q.bbox;
  if (!store.sqlite) {
    return queryNearbyCandidates(store.db, store.dialect, {
      townshipId: q.townshipId,
      bbox: [w, s, e, n],
      categories: [q.category],
      openOrClosedSince: q.since,
      limit: q.limit,
    });
  }
  const rows = prepared(store.sqlite).near.all({ w: w - PAD, e: e + PAD, s: s - PAD, n: n + PAD, township: q.townshipId, category: q.category, since: q.since, limit: q.limit }) as NearbyCandidateRow[];
  return rows.filter((r) => r.lon >= w && r.lon <= e && r.lat >= s && r.lat <= n);
}

/** Forgets items closed before `cutoff` from the duplicate check's tree (they can no longer come back). */
export async function pruneNearbyTree(store: Pick<Store, 'sqlite'>, cutoff: string): Promise<number> {
  if (!store.sqlite) return 0;
  return prepared(store.sqlite).prune.run(cutoff).changes;
}

/** The whole rows of the candidates shown to the reporter, looked up by their sequence numbers. */
export function candidateRows(store: Pick<Store, 'db' | 'dialect'>, townshipId: string, seqs: readonly number[]): Promise<ReportRow[]> {
  if (!seqs.length) return Promise.resolve([]);
  // SQLite's planner must look the rows up by seq, not walk the township's index (a unary + hides it)
  const township = store.dialect === 'sqlite' ? sql<boolean>`+township_id = ${townshipId}` : sql<boolean>`township_id = ${townshipId}`;
  return store.db.selectFrom('reports').selectAll().where('seq', 'in', seqs).where(township).execute();
}

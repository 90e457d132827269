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

/** Items of the category in the box that are open, or closed at or after `since`, newest first, at most `limit`. */
export async function nearbyCandidates(
  store: Pick<Store, 'db'>,
  q: { townshipId: string; bbox: readonly [number, number, number, number]; category: string; since: string; limit: number },
): Promise<NearbyCandidateRow[]> {
  const [w, s, e, n] = q.bbox;
  const ys: number[] = [];
  for (let y = Math.floor(s * CELLS); y <= Math.floor(n * CELLS); y++) ys.push(y);
  // one query in both databases: a few short ranges of the (township, category, cy, cx, seq) key
  const rows = await store.db
    .selectFrom('report_live')
    .select(['seq', 'id', 'status', 'lon', 'lat', 'closed_at'])
    .where('township_id', '=', q.townshipId)
    .where('category_code', '=', q.category)
    .where('cy', 'in', ys)
    .where('cx', '>=', Math.floor(w * CELLS))
    .where('cx', '<=', Math.floor(e * CELLS))
    .where('lon', '>=', w)
    .where('lon', '<=', e)
    .where('lat', '>=', s)
    .where('lat', '<=', n)
    .where((eb) => eb.or([eb('status', '<>', 'closed'), eb('closed_at', '>=', q.since)]))
    .execute();
  // newest first: a spot with more than the limit is one duplicate many times over
  return rows
    .map((r) => ({ ...r, seq: Number(r.seq) }))
    .sort((a, b) => b.seq - a.seq)
    .slice(0, q.limit);
}

/** Forgets items closed before `cutoff` from the duplicate check's table (they can no longer come back). */
export async function pruneNearbyTable(store: Pick<Store, 'db'>, cutoff: string): Promise<number> {
  const r = await store.db
    .deleteFrom('report_live')
    .where('status', '=', 'closed')
    .where((eb) => eb.or([eb('closed_at', 'is', null), eb('closed_at', '<', cutoff)]))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** The whole rows of the candidates shown to the reporter, looked up by their sequence numbers. */
export function candidateRows(store: Pick<Store, 'db' | 'dialect'>, townshipId: string, seqs: readonly number[]): Promise<ReportRow[]> {
  if (!seqs.length) return Promise.resolve([]);
  // SQLite's planner must look the rows up by seq, not walk the township's index (a unary + hides it)
  const township = store.dialect === 'sqlite' ? sql<boolean>`+township_id = ${townshipId}` : sql<boolean>`township_id = ${townshipId}`;
  return store.db.selectFrom('reports').selectAll().where('seq', 'in', seqs).where(township).execute();
}

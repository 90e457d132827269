import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, ReportStatus } from './schema.ts';
import type { Dialect } from './connect.ts';

// The analyses' reads of the reports: only the columns they weigh, counted in the database where it can.

type Db = Kysely<Database> | Transaction<Database>;

export interface AnalysisFilter {
  townshipId: string;
  categories?: readonly string[] | undefined;
  statuses?: readonly ReportStatus[] | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

function analysisQuery(db: Db, f: AnalysisFilter) {
  let q = db.selectFrom('reports').where('township_id', '=', f.townshipId);
  if (f.categories?.length) q = q.where('category_code', 'in', f.categories);
  if (f.statuses?.length) q = q.where('status', 'in', f.statuses);
  else q = q.where('status', 'not in', ['rejected', 'duplicate']);
  if (f.from) q = q.where('observed_at', '>=', f.from);
  if (f.to) q = q.where('observed_at', '<', f.to);
  return q;
}

/** What the analyses need of each report, and nothing more. */
export function listIncidents(db: Db, f: AnalysisFilter) {
  return analysisQuery(db, f)
    .select(['lon', 'lat', 'category_code as category', 'observed_at as observedAt', 'zone_id as zoneId', 'village_id as villageId'])
    .execute();
}

/**
 * Reports counted per cell of a square grid in a local metric plane, in the database: the plane is
 * x = (lon − lon0)·kx, y = (lat − lat0)·ky, cells of `size` metres from (x0, y0). Only reports inside
 * the grid's extent are counted.
 */
export function countReportsByCell(
  db: Db,
  dialect: Dialect,
  f: AnalysisFilter,
  g: { lon0: number; lat0: number; kx: number; ky: number; x0: number; y0: number; size: number; bbox: [number, number, number, number] },
) {
  const col = sql<number>`(lon - ${g.lon0}) * ${g.kx} - ${g.x0}`;
  const row = sql<number>`(lat - ${g.lat0}) * ${g.ky} - ${g.y0}`;
  // Inside the extent both are ≥ 0, so SQLite's truncating cast is a floor.
  const c = dialect === 'postgres' ? sql<number>`floor((${col}) / ${g.size})::int` : sql<number>`CAST((${col}) / ${g.size} AS INTEGER)`;
  const r = dialect === 'postgres' ? sql<number>`floor((${row}) / ${g.size})::int` : sql<number>`CAST((${row}) / ${g.size} AS INTEGER)`;
  return analysisQuery(db, f)
    .where('lon', '>=', g.bbox[0])
    .where('lat', '>=', g.bbox[1])
    .where('lon', '<=', g.bbox[2])
    .where('lat', '<=', g.bbox[3])
    .select([c.as('c'), r.as('r'), (eb) => eb.fn.countAll<number | string>().as('n')])
    .groupBy(['c', 'r'])
    .execute();
}

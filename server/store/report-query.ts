import { sql, type ExpressionBuilder, type Kysely, type Transaction, type SelectQueryBuilder } from 'kysely';
import type { Database, ReportStatus } from './schema.ts';
import type { Dialect, Store } from './connect.ts';
import { OPEN_STATUSES, type ReportSort } from '../domain/reports.ts';
import type { ReportRow } from './reports.ts';

// The query planner of the reports: a filter (a box, a period, categories, states, places, a search) turned into
// the SQL that reads it fastest in each database, and the list, pin, count and packed-point reads built on it.

type Db = Kysely<Database> | Transaction<Database>;
export interface ReportFilter {
  townshipId: string;
  /** [minLon, minLat, maxLon, maxLat] */
  bbox?: [number, number, number, number] | undefined;
  categories?: readonly string[] | undefined;
  statuses?: readonly ReportStatus[] | undefined;
  zoneId?: string | undefined;
  villageId?: string | undefined;
  /** observed_at >= from (ISO) */
  from?: string | undefined;
  /** observed_at < to (ISO) */
  to?: string | undefined;
  /** Items this area answers for. */
  responsibleAreaId?: string | undefined;
  /** Only items still waiting for rectification whose deadline is before this instant. */
  overdueAt?: string | undefined;
  /** Only items still waiting for rectification whose deadline falls in [from, to). */
  dueBetween?: readonly [string, string] | undefined;
  /** Only 紧急 or only 一般 items. */
  urgency?: 'normal' | 'urgent' | undefined;
  sort?: ReportSort | undefined;
  /** The sort's direction; each sort has its natural one (newest seen first, soonest deadline first). */
  dir?: 'asc' | 'desc' | undefined;
  offset?: number | undefined;
  /** What a search box matched: a case number exactly, words of the description, or places (boxes) named. */
  search?: ReportSearch | undefined;
  /** Only these reports. */
  ids?: readonly string[] | undefined;
  /** Only items still open, or closed at or after this instant (duplicate and recurrence checks). */
  openOrClosedSince?: string | undefined;
  /** Only reports written after this one (seq above), and up to that one (seq at most): the points' appends. */
  afterSeq?: number | undefined;
  upToSeq?: number | undefined;
  limit: number;
}

export { REPORT_SORTS, type ReportSort } from '../domain/reports.ts';

export interface ReportSearch {
  caseNo?: string | undefined;
  /** Every word must appear in the description, or in the case number. */
  words?: readonly string[] | undefined;
  /** Or the report lies in one of these boxes (around a street or landmark of that name). */
  boxes?: readonly (readonly [number, number, number, number])[] | undefined;
}

// The R*Tree's time axis counts in units of 10 000 days since 1970, kept as 32-bit floats (a few minutes'
// precision) rounded outwards; a tenth of a day of slack keeps it a pure narrowing of the exact comparisons.
const LIFE_UNIT_MS = 86_400_000 * 10_000;
const LIFE_PAD = 0.1 / 10_000;
const lifeTime = (iso: string | undefined) => (iso ? Date.parse(iso) / LIFE_UNIT_MS : NaN);

/**
 * The span of time a report's life must touch for the filter (PostgreSQL's life index): it must end after the
 * later of "open or closed since" and the period's start, and begin before the period's end. Null: no bound.
 */
function lifeRange(f: Omit<ReportFilter, 'limit'>): [number, number] | null {
  const lows = [lifeTime(f.openOrClosedSince), lifeTime(f.from)].filter(Number.isFinite);
  const high = lifeTime(f.to);
  if (!lows.length && !Number.isFinite(high)) return null;
  return [lows.length ? Math.max(...lows) - LIFE_PAD : -1e4, Number.isFinite(high) ? high + LIFE_PAD : 1e4];
}

/** The R*Tree's conditions on each report's life (observed → closed) for the filter. */
function lifeConstraints(f: Omit<ReportFilter, 'limit'>) {
  const since = lifeTime(f.openOrClosedSince);
  const from = lifeTime(f.from);
  const to = lifeTime(f.to);
  const parts = [sql``];
  if (Number.isFinite(since)) parts.push(sql` AND max_t >= ${since - LIFE_PAD}`);
  if (Number.isFinite(from)) parts.push(sql` AND min_t >= ${from - LIFE_PAD}`);
  if (Number.isFinite(to)) parts.push(sql` AND min_t <= ${to + LIFE_PAD}`);
  return sql.join(parts, sql``);
}

// Both spatial indexes keep 32-bit float boxes, so they only narrow the search; the exact comparison on the
// stored doubles decides points near the edge. The slack is a float's width at 180° (1.5e-5), no more: at a
// market with a thousand reports in twenty metres, every extra metre of slack is rows read for nothing.
const BOX_PAD = 2e-5;

function rtreeBox(bbox: readonly [number, number, number, number]) {
  const [minLon, minLat, maxLon, maxLat] = bbox;
  return sql`max_lon >= ${minLon - BOX_PAD} AND min_lon <= ${maxLon + BOX_PAD} AND max_lat >= ${minLat - BOX_PAD} AND min_lat <= ${maxLat + BOX_PAD}`;
}

/**
 * How SQLite finds the reports in a box: 'spatial' through the R*Tree, reading each report it hands back, or
 * 'time' by walking the (township, observed, category, status, lon, lat) index, newest first, which reads index
 * entries only and stops once a page of pins is full. The R*Tree wins for ordinary boxes; a view of a town
 * centre with ten thousand reports in the period is read a hundred times faster by the walk. The choice counts
 * the R*Tree's candidates up to `dense` (a fraction of a millisecond); PostgreSQL's planner decides for itself.
 */
export async function boxPlan(db: Db, dialect: Dialect, f: Omit<ReportFilter, 'limit'>, dense: number): Promise<'spatial' | 'time'> {
  if (dialect !== 'sqlite' || !f.bbox || f.ids || f.sort === 'deadline') return 'spatial';
  const r = await sql<{ n: number }>`SELECT count(*) AS n FROM (SELECT 1 FROM reports_rtree WHERE ${rtreeBox(f.bbox)}${lifeConstraints(f)}
    LIMIT ${dense})`.execute(db);
  return Number(r.rows[0]!.n) >= dense ? 'time' : 'spatial';
}

/** The report query with the filter's conditions (no ordering or paging). */
function filtered(db: Db, dialect: Dialect, f: Omit<ReportFilter, 'limit'>, plan: 'spatial' | 'time' = 'spatial') {
  const sqlite = dialect === 'sqlite';
  const walk = sqlite && plan === 'time';
  // A unary + keeps SQLite's planner off an index: with a box the R*Tree must drive the query, and with ids the
  // id index, not the (township, time) index, which would read every report of the township to fill the ORDER
  // BY; on the walk the (township, time, …) index must, not the category, status or place indexes.
  // On PostgreSQL the duplicate check (a small box, open or lately closed) is answered by the life index alone:
  // left to itself the planner joins it with the (township, category) index and reads a category's whole
  // history to do so (measured at the bus station: 1.6 ms for the life index, 20 ms more for the join).
  // `|| ''` hides a column from its indexes. Map views with a period keep the 2-D index: PostGIS cannot estimate
  // how much of an n-D box holds, guesses one row, and would read a busy centre's whole month through it.
  const pgLife = dialect === 'postgres' && f.bbox !== undefined && f.openOrClosedSince !== undefined;
  const off = (column: string) => (walk ? sql`+${sql.ref(column)}` : pgLife ? sql`(${sql.ref(column)} || '')` : sql.ref(column));
  // An append of the points (afterSeq) reads the few newest rows by seq, not the township's million index entries.
  let q =
    (f.bbox || f.ids || f.afterSeq !== undefined) && sqlite && !walk
      ? db.selectFrom('reports').where(sql<boolean>`+township_id = ${f.townshipId}`)
      : pgLife || (dialect === 'postgres' && f.ids)
        ? // with ids, PostgreSQL too would walk the (township, time) index for the ORDER BY (21 ms) instead of
          // looking the ids up (0.1 ms)
          db.selectFrom('reports').where(sql<boolean>`(township_id || '') = ${f.townshipId}`)
        : db.selectFrom('reports').where('township_id', '=', f.townshipId);
  if (f.bbox) {
    const [minLon, minLat, maxLon, maxLat] = f.bbox;
    if (dialect === 'postgres') {
      const life = pgLife ? lifeRange(f) : null;
      q = life
        ? q.where(sql<boolean>`life &&& ST_3DMakeBox(ST_MakePoint(${minLon - BOX_PAD}, ${minLat - BOX_PAD}, ${life[0]}),
            ST_MakePoint(${maxLon + BOX_PAD}, ${maxLat + BOX_PAD}, ${life[1]}))`)
        : q.where(sql<boolean>`geom && ST_MakeEnvelope(${minLon - BOX_PAD}, ${minLat - BOX_PAD}, ${maxLon + BOX_PAD}, ${maxLat + BOX_PAD}, 4326)`);
    } else if (!walk) {
      q = q.where(sql<boolean>`seq IN (SELECT id FROM reports_rtree WHERE ${rtreeBox(f.bbox)}${lifeConstraints(f)})`);
    }
    q = q.where('lon', '>=', minLon).where('lon', '<=', maxLon).where('lat', '>=', minLat).where('lat', '<=', maxLat);
  }
  if (f.ids) q = f.ids.length ? q.where('id', 'in', f.ids) : q.where(sql<boolean>`1 = 0`);
  if (f.openOrClosedSince) {
    const since = f.openOrClosedSince;
    q = q.where((eb) => eb.or([eb('status', 'in', OPEN_STATUSES), eb.and([eb('status', '=', 'closed'), eb('closed_at', '>=', since)])]));
  }
  if (f.categories?.length) q = q.where(off('category_code'), 'in', f.categories);
  if (f.statuses?.length) q = q.where(off('status'), 'in', f.statuses);
  if (f.zoneId) q = q.where(off('zone_id'), '=', f.zoneId);
  if (f.villageId) q = q.where(off('village_id'), '=', f.villageId);
  if (f.from) q = q.where('observed_at', '>=', f.from);
  if (f.to) q = q.where('observed_at', '<', f.to);
  if (f.responsibleAreaId) q = q.where('responsible_area_id', '=', f.responsibleAreaId);
  if (f.overdueAt) {
    q = q.where(off('status'), 'in', ['reported', 'notified']).where('deadline_at', '<', f.overdueAt);
  }
  if (f.dueBetween) {
    q = q.where(off('status'), 'in', ['reported', 'notified']).where('deadline_at', '>=', f.dueBetween[0]).where('deadline_at', '<', f.dueBetween[1]);
  }
  if (f.urgency) q = q.where('urgency', '=', f.urgency);
  if (f.search) q = q.where(searched(f.search));
  if (f.afterSeq !== undefined) q = q.where('seq', '>', f.afterSeq);
  if (f.upToSeq !== undefined) q = q.where('seq', '<=', f.upToSeq);
  return q;
}

/** LIKE's own characters in a typed word are matched as themselves. */
const likeWord = (w: string) => `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function searched(s: ReportSearch) {
  return (eb: ExpressionBuilder<Database, 'reports'>) => {
    if (s.caseNo) return eb('case_no', '=', s.caseNo);
    const any = [];
    if (s.words?.length) {
      any.push(
        eb.and(
          s.words.map((w) =>
            eb.or([sql<boolean>`description LIKE ${likeWord(w)} ESCAPE '\\'`, sql<boolean>`case_no LIKE ${likeWord(w.toUpperCase())} ESCAPE '\\'`]),
          ),
        ),
      );
    }
    for (const [minLon, minLat, maxLon, maxLat] of s.boxes ?? []) {
      any.push(eb.and([eb('lon', '>=', minLon), eb('lon', '<=', maxLon), eb('lat', '>=', minLat), eb('lat', '<=', maxLat)]));
    }
    return any.length ? eb.or(any) : sql<boolean>`1 = 0`;
  };
}

/** How many reports match the filter (the ledger's true total). */
export async function countMatching(db: Db, dialect: Dialect, f: Omit<ReportFilter, 'limit'>): Promise<number> {
  const r = await filtered(db, dialect, f)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** A page of the filter's reports can be filled by the walk when the box holds a few pages' worth or more. */
const pageDense = (f: ReportFilter) => Math.max(1000, 2 * (f.limit + 1 + (f.offset ?? 0)));

/** Reports matching the filter, newest observation first, at most filter.limit + 1 (so callers can tell truncation). */
export async function queryReports(db: Db, dialect: Dialect, f: ReportFilter): Promise<ReportRow[]> {
  const plan = await boxPlan(db, dialect, f, pageDense(f));
  return ordered(filtered(db, dialect, f, plan).selectAll(), f).execute();
}

/** What a pin on the map shows of a report. */
const PIN_COLUMNS = ['id', 'category_code', 'status', 'lon', 'lat', 'zone_id', 'village_id', 'description', 'observed_at', 'deadline_at'] as const;
export type PinRow = Pick<ReportRow, (typeof PIN_COLUMNS)[number]>;

/** As queryReports, with only the columns a map pin shows: a street full of pins reads a third of the row. */
export async function queryPins(db: Db, dialect: Dialect, f: ReportFilter): Promise<PinRow[]> {
  const plan = await boxPlan(db, dialect, f, pageDense(f));
  return ordered(filtered(db, dialect, f, plan).select(PIN_COLUMNS), f).execute();
}

function ordered<Q extends SelectQueryBuilder<Database, 'reports', any>>(q: Q, f: ReportFilter): Q {
  const sort = f.sort ?? 'observed';
  // each sort's natural direction: newest seen, soonest (most overdue) deadline, most photos first; names A → Z
  const natural = sort === 'observed' || sort === 'photos' ? 'desc' : 'asc';
  const dir = f.dir ?? natural;
  const key =
    sort === 'deadline'
      ? sql`deadline_at`
      : sort === 'case'
        ? sql`case_no`
        : sort === 'category'
          ? sql`category_code`
          : sort === 'status'
            ? sql`status`
            : sort === 'zone'
              ? sql`(SELECT name_zh FROM areas WHERE areas.id = reports.zone_id)`
              : sort === 'responsible'
                ? sql`coalesce((SELECT display_name FROM users WHERE users.id = reports.assignee_id), (SELECT name_zh FROM areas WHERE areas.id = reports.responsible_area_id))`
                : sort === 'photos'
                  ? sql`(SELECT count(*) FROM report_photos WHERE report_photos.report_id = reports.id)`
                  : sql`observed_at`;
  // items without the key (no deadline, no zone) last in either direction
  let sorted = sort === 'observed' ? q : q.orderBy(sql`${key} IS NULL`).orderBy(sql`${key}`, dir);
  if (sort !== 'observed' && sort !== 'deadline') sorted = sorted.orderBy('observed_at', 'desc');
  sorted = sort === 'observed' ? sorted.orderBy('observed_at', dir).orderBy('seq', dir) : sorted.orderBy('seq', dir);
  return sorted.limit(f.limit + 1).offset(f.offset ?? 0) as Q;
}

/**
 * Every report matching the filter as one number a point, quantised in the database onto a grid:
 * x + y·2¹⁶ + c·2³², with x = round((lon − originLon) / stepLon) and y likewise, both clamped to 0…65 535, and c
 * the category's index in `codes` (255 for any other). A million points cross the driver as a million plain
 * numbers rather than a million rows of objects, and on SQLite the (township, time, category, status, position)
 * index answers without touching the table.
 */
export async function reportPointsPacked(
  store: Pick<Store, 'db' | 'dialect' | 'sqlite'>,
  f: Omit<ReportFilter, 'limit'>,
  grid: { originLon: number; originLat: number; stepLon: number; stepLat: number },
  codes: readonly string[],
): Promise<number[]> {
  const pg = store.dialect === 'postgres';
  // floor(v + 0.5) in both databases: SQLite's cast truncates, which is the same once clamped at 0.
  const quantise = (v: ReturnType<typeof sql<number>>) =>
    pg
      ? sql<number>`greatest(0, least(65535, floor(${v} + 0.5)::bigint))`
      : sql<number>`max(0, min(65535, CAST(${v} + 0.5 AS INTEGER)))`;
  const x = quantise(sql<number>`(lon - ${grid.originLon}) / ${grid.stepLon}`);
  const y = quantise(sql<number>`(lat - ${grid.originLat}) / ${grid.stepLat}`);
  const c = codes.length
    ? sql<number>`CASE category_code ${sql.join(codes.map((code, i) => sql`WHEN ${code} THEN ${sql.lit(i)}`), sql` `)} ELSE 255 END`
    : sql<number>`255`;
  const packed = pg ? sql<number>`(${x} | (${y} << 16) | (${c}::bigint << 32))` : sql<number>`(${x} | (${y} << 16) | (${c} << 32))`;
  // Every point is read, so the walk pays off later than for a page: when the box holds more than a few
  // thousand of the period's reports, or tens of thousands of all time.
  const plan = await boxPlan(store.db, store.dialect, f, f.from ? 3000 : 30_000);
  const q = filtered(store.db, store.dialect, f, plan).select(packed.as('p'));
  if (store.sqlite) {
    const compiled = q.compile();
    return store.sqlite.prepare(compiled.sql).pluck(true).all(...(compiled.parameters as unknown[])) as number[];
  }
  // PostgreSQL hands the numbers over as one bytea of big-endian int8s: the driver would otherwise parse a
  // million text rows into a million row objects (all points of 200 000 reports: 360 → 285 ms).
  const r = await store.db
    .selectFrom(q.as('points'))
    .select(sql<Buffer | null>`string_agg(int8send(p), ''::bytea)`.as('b'))
    .executeTakeFirstOrThrow();
  const b = r.b ?? Buffer.alloc(0);
  const out = new Array<number>(b.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = b.readUInt32BE(8 * i) * 2 ** 32 + b.readUInt32BE(8 * i + 4);
  return out;
}

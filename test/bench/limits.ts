/**
 * What the hardware and the database do without the product around them, measured in the same run on the same
 * database as the product's figures, so each figure can be printed as a ratio to its limit:
 *   - the same INSERTs a report's POST makes (the report and its two events, one transaction per report),
 *     back to back from one process, through better-sqlite3 or `pg`;
 *   - the map's box of pins as one raw SQL query;
 *   - every report's position and category read raw (what the binary points are made from);
 *   - R spdep's localG on the same grid as our Gi*, when Rscript with spdep is installed.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import type Database from 'better-sqlite3';
import pg from 'pg';

const REPORT_COLUMNS = [
  'id', 'township_id', 'category_code', 'lon', 'lat', 'accuracy_m', 'description', 'status', 'zone_id', 'village_id',
  'unit_id', 'reporter_id', 'captured_at', 'received_at', 'observed_at', 'deadline_at', 'updated_at', 'urgency',
  'assignee_id', 'responsible_area_id', 'source', 'case_no',
] as const;
const EVENT_COLUMNS = ['report_id', 'township_id', 'type', 'from_status', 'to_status', 'actor_id', 'at', 'note', 'data'] as const;

type Spot = { category: string; lon: number; lat: number };
type Place = { zoneId: string | null; villageId: string | null; assigneeId: string | null };

function rowsFor(spots: readonly Spot[], townshipId: string, place: Place, n: number) {
  const now = new Date().toISOString();
  const deadline = new Date(Date.now() + 4 * 3_600_000).toISOString();
  return Array.from({ length: n }, (_, i) => {
    const s = spots[i % spots.length]!;
    const id = randomUUID();
    const report = [id, townshipId, s.category, s.lon, s.lat, 8, 'bench', 'notified', place.zoneId, place.villageId, null, null, now, now, now, deadline, now, 'normal', place.assigneeId, place.zoneId, 'app', `RAW-${i}-${id.slice(0, 8)}`];
    const created = [id, townshipId, 'created', null, 'reported', null, now, null, JSON.stringify({ photoIds: [], recurrenceOf: null, capturedAt: now })];
    const notify = [id, townshipId, 'notify', 'reported', 'notified', null, now, '自动通知', JSON.stringify({ assigneeId: place.assigneeId, areaId: place.zoneId, deadlineAt: deadline, automatic: true })];
    return { id, report, events: [created, notify] };
  });
}

const list = (cols: readonly string[]) => cols.join(', ');

/** Reports per second for the bare INSERT loop through better-sqlite3 (the rows stay: events are append-only). */
export function rawInsertsSqlite(sqlite: Database.Database, spots: readonly Spot[], townshipId: string, place: Place, n = 5000): number {
  const insReport = sqlite.prepare(`INSERT INTO reports (${list(REPORT_COLUMNS)}) VALUES (${REPORT_COLUMNS.map(() => '?').join(', ')})`);
  const insEvent = sqlite.prepare(`INSERT INTO report_events (${list(EVENT_COLUMNS)}) VALUES (${EVENT_COLUMNS.map(() => '?').join(', ')})`);
  const one = sqlite.transaction((r: ReturnType<typeof rowsFor>[number]) => {
    insReport.run(r.report);
    for (const e of r.events) insEvent.run(e);
  });
  const rows = rowsFor(spots, townshipId, place, n);
  const t0 = performance.now();
  for (const r of rows) one(r);
  return n / ((performance.now() - t0) / 1000);
}

/** Reports per second for the same INSERTs through one `pg` connection, one transaction each. */
export async function rawInsertsPg(url: string, spots: readonly Spot[], townshipId: string, place: Place, n = 2000): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const insReport = `INSERT INTO reports (${list(REPORT_COLUMNS)}) VALUES (${REPORT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`;
    const insEvent = `INSERT INTO report_events (${list(EVENT_COLUMNS)}) VALUES (${EVENT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`;
    const rows = rowsFor(spots, townshipId, place, n);
    const t0 = performance.now();
    for (const r of rows) {
      await client.query('BEGIN');
      await client.query({ name: 'raw-report', text: insReport, values: r.report });
      for (const e of r.events) await client.query({ name: 'raw-event', text: insEvent, values: e });
      await client.query('COMMIT');
    }
    return n / ((performance.now() - t0) / 1000);
  } finally {
    await client.end();
  }
}

const PIN_COLUMNS = 'id, category_code, status, lon, lat, zone_id, village_id, description, observed_at, deadline_at';

/** One raw query for the pins in a box, as the database answers it best (its spatial index), and whole points. */
export function rawReadsSqlite(sqlite: Database.Database, townshipId: string, bbox: readonly number[]) {
  const [w, s, e, n] = bbox as [number, number, number, number];
  const box = sqlite.prepare(
    `SELECT ${PIN_COLUMNS} FROM reports WHERE seq IN (SELECT id FROM reports_rtree WHERE max_lon >= ? AND min_lon <= ? AND max_lat >= ? AND min_lat <= ?)
       AND +township_id = ? AND lon BETWEEN ? AND ? AND lat BETWEEN ? AND ? LIMIT 2001`,
  );
  const points = sqlite.prepare('SELECT lon, lat, category_code FROM reports WHERE township_id = ?').raw(true);
  return {
    box: () => box.all(w, e, s, n, townshipId, w, e, s, n),
    points: () => points.all(townshipId),
  };
}

export async function rawReadsPg(url: string, townshipId: string, bbox: readonly number[]) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const [w, s, e, n] = bbox as [number, number, number, number];
  return {
    box: () =>
      client.query({
        name: 'raw-box',
        text: `SELECT ${PIN_COLUMNS} FROM reports WHERE geom && ST_MakeEnvelope($1, $2, $3, $4, 4326) AND township_id = $5
                 AND lon BETWEEN $1 AND $3 AND lat BETWEEN $2 AND $4 LIMIT 2001`,
        values: [w, s, e, n, townshipId],
      }),
    points: () => client.query({ name: 'raw-points', text: 'SELECT lon, lat, category_code FROM reports WHERE township_id = $1', values: [townshipId], rowMode: 'array' }),
    close: () => client.end(),
  };
}

/**
 * R spdep's localG (Gi*: the cell itself among its neighbours, binary weights within the band) on the grid,
 * timed inside R from the neighbour search to the z values (a minute for 100 000 cells here, so once); null with the reason when R or
 * spdep is missing. The first values come back so a caller can check both computed the same thing.
 */
export function spdepLocalG(x: Float64Array, y: Float64Array, v: Float64Array, band: number, runs = 1): { ms: number; z: number[] } | { reason: string } {
  const which = spawnSync('Rscript', ['-e', 'cat(requireNamespace("spdep", quietly = TRUE))'], { encoding: 'utf8' });
  if (which.error) return { reason: 'Rscript is not installed (Debian: r-base-core)' };
  if (which.stdout.trim() !== 'TRUE') return { reason: 'R has no spdep (Debian: r-cran-spdep)' };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotspots-spdep-'));
  try {
    const csv = path.join(dir, 'grid.csv');
    const lines = ['x,y,v'];
    for (let i = 0; i < x.length; i++) lines.push(`${x[i]},${y[i]},${v[i]}`);
    fs.writeFileSync(csv, lines.join('\n'));
    const script = `suppressPackageStartupMessages(library(spdep))
d <- read.csv("${csv}")
xy <- as.matrix(d[, c("x", "y")])
times <- c()
for (i in 1:${runs}) {
  t0 <- Sys.time()
  nb <- include.self(dnearneigh(xy, 0, ${band}))
  g <- localG(d$v, nb2listw(nb, style = "B", zero.policy = TRUE), zero.policy = TRUE)
  times <- c(times, as.numeric(difftime(Sys.time(), t0, units = "secs")) * 1000)
}
cat(median(times), "\\n")
cat(format(as.numeric(g)[1:5], digits = 10), "\\n")`;
    const r = spawnSync('Rscript', ['-e', script], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0) return { reason: `Rscript failed: ${r.stderr.split('\n').slice(-3).join(' ')}` };
    const [ms, z] = r.stdout.trim().split('\n');
    return { ms: Number(ms), z: z!.trim().split(/\s+/).map(Number) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

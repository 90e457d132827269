import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createDeps } from '../../server/services/context.ts';
import { loadDemoIfEmpty } from '../../server/services/demo.ts';
import { randomUUID } from 'node:crypto';
import { insertReports, type ReportRow } from '../../server/store/reports.ts';
import { queryReports, reportPointsPacked } from '../../server/store/report-query.ts';
import { bulkInsertReports } from '../../server/store/report-bulk.ts';
import { nearbyCandidates, pruneNearbyTable } from '../../server/store/report-nearby.ts';
import { findDefaultTownship } from '../../server/store/townships.ts';
import { decodePoints, encodePackedPoints, gridFor, packPoint } from '../../server/domain/points.ts';
import { DIALECTS, freshStore, type DialectName, type TestStore } from '../helpers/stores.ts';
import { NOW } from '../helpers/app.ts';

const DAY = 86_400_000;
/** The fields of `got` that `want` names. */
const pick = (got: object, want: object) => Object.fromEntries(Object.keys(want).map((k) => [k, (got as Record<string, unknown>)[k]]));
const ago = (days: number) => new Date(NOW.getTime() - days * DAY).toISOString();

let t: TestStore | undefined;
afterEach(async () => {
  await t?.drop();
  t = undefined;
});

/** A fresh store with a tenth of the demo town: the store, its township and its first report. */
async function demo(dialect: DialectName) {
  t = await freshStore(dialect);
  await loadDemoIfEmpty(createDeps(t.store, { now: () => NOW, photosDir: '/nonexistent' }), { end: NOW, scale: 0.1 });
  const town = (await findDefaultTownship(t.store.db))!;
  const row = await t.store.db.selectFrom('reports').selectAll().where('township_id', '=', town.id).orderBy('seq').executeTakeFirstOrThrow();
  return { store: t.store, town, row };
}

/** A report row as one writes it: without what the database fills itself (seq, version, PostgreSQL's geometries). */
function writable(row: ReportRow) {
  // the store numbers each new row itself (a copied case number would be refused as taken)
  const { seq: _seq, version: _version, geom: _geom, life: _life, case_no: _caseNo, ...rest } = row as ReportRow & { geom?: unknown; life?: unknown };
  return rest;
}

describe.each(DIALECTS)('the map indexes on %s', (dialect) => {

  it('finds an item near a spot as it is closed, brought back and closed again', async () => {
    const { store, town, row } = await demo(dialect);
    const set = (patch: { status: 'closed' | 'notified'; closed_at: string | null; observed_at?: string }) =>
      store.db.updateTable('reports').set(patch).where('id', '=', row.id).execute();
    const h = 0.0002;
    const near = async (extra: { from?: string; to?: string } = {}) =>
      (
        await queryReports(store.db, store.dialect, {
          townshipId: town.id,
          bbox: [row.lon - h, row.lat - h, row.lon + h, row.lat + h],
          openOrClosedSince: ago(14),
          limit: 500,
          ...extra,
        })
      ).some((r) => r.id === row.id);

    await set({ status: 'closed', closed_at: ago(60), observed_at: ago(70) });
    expect(await near()).toBe(false);
    await set({ status: 'closed', closed_at: ago(2) });
    expect(await near()).toBe(true);
    await set({ status: 'closed', closed_at: ago(60) });
    expect(await near()).toBe(false);
    // brought back to rectification: open again, found again
    await set({ status: 'notified', closed_at: null });
    expect(await near()).toBe(true);
    // a period on the map follows the observation, also when it is corrected
    expect(await near({ from: ago(75), to: ago(65) })).toBe(true);
    expect(await near({ from: ago(40), to: ago(1) })).toBe(false);
    await set({ status: 'notified', closed_at: null, observed_at: ago(20) });
    expect(await near({ from: ago(40), to: ago(1) })).toBe(true);
    expect(await near({ from: ago(75), to: ago(65) })).toBe(false);
  });

  it("answers the duplicate check exactly as a plain reading of the table would, at every spot of the town", async () => {
    const { store, town } = await demo(dialect);
    const spots = await store.db.selectFrom('reports').select(['lon', 'lat', 'category_code']).where('township_id', '=', town.id).orderBy('seq').execute();
    const since = ago(14);
    const h = 0.003;
    let compared = 0;
    for (const s of spots.filter((_, i) => i % 3 === 0)) {
      const bbox = [s.lon - h, s.lat - h, s.lon + h, s.lat + h] as const;
      const got = await nearbyCandidates(store, { townshipId: town.id, bbox, category: s.category_code, since, limit: 10_000 });
      const want = await store.db
        .selectFrom('reports')
        .select(['id', 'status', 'lon', 'lat', 'closed_at'])
        .where('township_id', '=', town.id)
        .where('category_code', '=', s.category_code)
        .where('lon', '>=', bbox[0]).where('lon', '<=', bbox[2]).where('lat', '>=', bbox[1]).where('lat', '<=', bbox[3])
        .where((eb) => eb.or([eb('status', 'in', ['reported', 'notified', 'rectified']), eb.and([eb('status', '=', 'closed'), eb('closed_at', '>=', since)])]))
        .execute();
      const key = (r: { id: string; status: string; lon: number; lat: number; closed_at: string | null }) => `${r.id} ${r.status} ${r.lon} ${r.lat} ${r.closed_at}`;
      expect(got.map(key).sort()).toEqual(want.map(key).sort());
      compared += want.length;
    }
    // the spots are busy enough for the comparison to mean something
    expect(compared).toBeGreaterThan(100);
  });

  it("follows an item in the duplicate check through its life: moved, recategorised, closed, rejected, brought back, pruned", async () => {
    const { store, town, row } = await demo(dialect);
    const h = 0.0002;
    const found = async (category = row.category_code, at = row) =>
      (await nearbyCandidates(store, { townshipId: town.id, bbox: [at.lon - h, at.lat - h, at.lon + h, at.lat + h], category, since: ago(14), limit: 10_000 })).some(
        (r) => r.id === row.id,
      );
    const set = (patch: Partial<Pick<ReportRow, 'status' | 'closed_at' | 'lon' | 'lat' | 'category_code'>>) =>
      store.db.updateTable('reports').set(patch).where('id', '=', row.id).execute();
    await set({ status: 'notified', closed_at: null });
    expect(await found()).toBe(true);
    const other = row.category_code === 'weeds' ? 'illegal_ad' : 'weeds';
    await set({ category_code: other });
    expect(await found()).toBe(false);
    expect(await found(other)).toBe(true);
    await set({ category_code: row.category_code, lon: row.lon + 0.01 });
    expect(await found()).toBe(false);
    expect(await found(row.category_code, { ...row, lon: row.lon + 0.01 })).toBe(true);
    await set({ lon: row.lon, status: 'closed', closed_at: ago(2) });
    expect(await found()).toBe(true);
    await set({ status: 'rejected' });
    expect(await found()).toBe(false);
    await set({ status: 'closed', closed_at: ago(30) });
    expect(await found()).toBe(false);
    {
      const inTree = async () => Number((await sql<{ n: number }>`SELECT count(*) AS n FROM report_live WHERE id = ${row.id}`.execute(store.db)).rows[0]!.n);
      expect(await inTree()).toBe(1);
      // pruned by the server's clock: gone from the tree, and brought back to rectification it is there again
      expect(await pruneNearbyTable(store, ago(15))).toBeGreaterThan(0);
      expect(await inTree()).toBe(0);
      await set({ status: 'notified', closed_at: null });
      expect(await inTree()).toBe(1);
      expect(await found()).toBe(true);
    }
  });

  it("puts a bulk load's open and lately closed items in the duplicate check, not its years of closed ones", async () => {
    const { store, row } = await demo(dialect);
    const model = writable(row);
    const made = [
      { ...model, id: randomUUID(), idempotency_key: null, status: 'notified' as const, closed_at: null },
      { ...model, id: randomUUID(), idempotency_key: null, status: 'closed' as const, closed_at: ago(3) },
      { ...model, id: randomUUID(), idempotency_key: null, status: 'closed' as const, closed_at: ago(200) },
      { ...model, id: randomUUID(), idempotency_key: null, status: 'rejected' as const, closed_at: ago(1) },
    ];
    await bulkInsertReports(store, made, { now: NOW.toISOString() });
    const live = await store.db.selectFrom('report_live').select('id').where('id', 'in', made.map((r) => r.id)).execute();
    expect(new Set(live.map((r) => r.id))).toEqual(new Set([made[0]!.id, made[1]!.id]));
    // and a report written on its own afterwards is there too (the loader's setting ended with its load)
    const one = { ...model, id: randomUUID(), idempotency_key: null, case_no: null, status: 'closed' as const, closed_at: ago(200) };
    await insertReports(store.db, [one]);
    expect(await store.db.selectFrom('report_live').select('id').where('id', '=', one.id).executeTakeFirst()).toBeDefined();
  });

  it('loads in bulk exactly what it is given, awkward text included, and nothing at all when a row is refused', async () => {
    const { store, town, row } = await demo(dialect);
    const before = Number((await sql<{ n: number }>`SELECT count(*) AS n FROM reports`.execute(store.db)).rows[0]!.n);
    const texts = ['tab\there', 'two\nlines', 'carriage\rreturn', 'back\\slash', '\\N', '', null, '垃圾 暴露，东门口', 'a\\tb\\nc'];
    const model = writable(row);
    const made = texts.map((description, i) => ({
      ...model,
      id: randomUUID(),
      idempotency_key: i % 2 ? null : `bulk-${i}`,
      description,
      lon: row.lon + i * 1e-7 + 1 / 3e5,
      lat: row.lat - i * 1e-7,
      accuracy_m: i % 3 ? null : 4.25,
      closed_at: i % 2 ? null : ago(i),
      status: i % 2 ? ('notified' as const) : ('closed' as const),
    }));
    expect(await bulkInsertReports(store, made)).toBe(made.length);
    const back = await store.db.selectFrom('reports').selectAll().where('id', 'in', made.map((r) => r.id)).execute();
    const byId = new Map(back.map((r) => [r.id, r]));
    for (const m of made) {
      expect(pick(byId.get(m.id)!, m)).toEqual(m);
    }
    // a row the database refuses (an id already taken) takes the whole load with it
    const again = [{ ...made[0]!, id: randomUUID(), idempotency_key: null }, { ...made[1]!, idempotency_key: null }];
    await expect(bulkInsertReports(store, again)).rejects.toThrow();
    const after = Number((await sql<{ n: number }>`SELECT count(*) AS n FROM reports`.execute(store.db)).rows[0]!.n);
    expect(after).toBe(before + made.length);
  });

  it('packs points in the database exactly as the format says', async () => {
    const { store, town } = await demo(dialect);
    const rows = await store.db.selectFrom('reports').select(['lon', 'lat', 'category_code']).where('township_id', '=', town.id).execute();
    const codes = ['exposed_garbage', 'road_stall', 'illegal_ad'];
    const lons = rows.map((r) => r.lon);
    const lats = rows.map((r) => r.lat);
    // a grid that clips the township's edges, so clamping is exercised as well
    const grid = gridFor([Math.min(...lons) + 0.002, Math.min(...lats) + 0.002, Math.max(...lons) - 0.002, Math.max(...lats) - 0.002]);
    const packed = await reportPointsPacked(store, { townshipId: town.id }, grid, codes);
    const expected = rows.map((r) => packPoint(grid, r.lon, r.lat, codes.includes(r.category_code) ? codes.indexOf(r.category_code) : 255));
    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
    expect(sorted(packed)).toEqual(sorted(expected));
    expect(new Set(packed.map((p) => Math.floor(p / 2 ** 32)))).toEqual(new Set([0, 1, 2, 255]));

    // and the web app reads each report back within half a grid step (and a float's width) of where it is
    const decoded = decodePoints(encodePackedPoints(grid, codes, packed));
    expect(decoded.count).toBe(rows.length);
    const ids = await store.db.selectFrom('reports').select(['id', 'lon', 'lat']).where('township_id', '=', town.id).orderBy('seq').limit(400).execute();
    const inside = ids.filter((r) => r.lon > grid.originLon && r.lat > grid.originLat && r.lon < grid.originLon + 65535 * grid.stepLon && r.lat < grid.originLat + 65535 * grid.stepLat).slice(0, 25);
    expect(inside.length).toBe(25);
    for (const r of inside) {
      const one = decodePoints(encodePackedPoints(grid, codes, await reportPointsPacked(store, { townshipId: town.id, ids: [r.id] }, grid, codes)));
      expect(one.count).toBe(1);
      expect(Math.abs(one.positions[0]! - r.lon)).toBeLessThan(grid.stepLon / 2 + 1e-5);
      expect(Math.abs(one.positions[1]! - r.lat)).toBeLessThan(grid.stepLat / 2 + 1e-5);
    }
  });
});

describe('the R*Tree on SQLite', () => {
  it('skips items closed long ago inside the R*Tree, and reads points from an index alone', async () => {
    const { store, town } = await demo('sqlite');
    const since = (NOW.getTime() / DAY - 14) / 10_000;
    const all = await sql<{ n: number }>`SELECT count(*) AS n FROM reports_rtree`.execute(store.db);
    const live = await sql<{ n: number }>`SELECT count(*) AS n FROM reports_rtree WHERE max_t >= ${since}`.execute(store.db);
    const exact = await store.db
      .selectFrom('reports')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where((eb) => eb.or([eb('status', 'in', ['reported', 'notified', 'rectified']), eb.and([eb('status', '=', 'closed'), eb('closed_at', '>=', ago(14))])]))
      .executeTakeFirstOrThrow();
    expect(live.rows[0]!.n).toBeLessThan(all.rows[0]!.n / 2);
    // never fewer than the exact answer: the tree only narrows
    expect(live.rows[0]!.n).toBeGreaterThanOrEqual(exact.n);
    const plan = await sql<{ detail: string }>`EXPLAIN QUERY PLAN SELECT lon, lat, category_code FROM reports
      WHERE township_id = ${town.id} AND observed_at >= ${ago(30)} AND status IN ('notified', 'closed')`.execute(store.db);
    expect(plan.rows.map((r) => r.detail).join('\n')).toMatch(/COVERING INDEX reports_points/);
  });

  it('indexes a bulk load in the R*Tree, and keeps indexing reports written one by one after it', async () => {
    const { store, town, row } = await demo('sqlite');
    const model = writable(row);
    // 1 200 reports on a line east of the model, open, in three loads
    const made = Array.from({ length: 1200 }, (_, i) => ({
      ...model,
      id: randomUUID(),
      idempotency_key: null,
      lon: model.lon + 0.001 + i * 1e-6,
      status: 'notified' as const,
      closed_at: null,
    }));
    for (let i = 0; i < made.length; i += 400) expect(await bulkInsertReports(store, made.slice(i, i + 400))).toBe(400);
    const count = async (q: string) => Number((await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.raw(q)}`.execute(store.db)).rows[0]!.n);
    expect(await count('reports_rtree')).toBe(await count('reports'));
    // the duplicate check's tree holds them too (open), and its trigger is back as well
    const open = `reports WHERE status IN ('reported', 'notified', 'rectified')`;
    expect(await count(`report_live WHERE status <> 'closed'`)).toBe(await count(open));
    const line = [model.lon + 0.0009, model.lat - 1e-6, model.lon + 0.0023, model.lat + 1e-6] as [number, number, number, number];
    const found = await queryReports(store.db, store.dialect, { townshipId: town.id, bbox: line, openOrClosedSince: ago(1), limit: 5000 });
    expect(new Set(found.map((r) => r.id))).toEqual(new Set(made.map((r) => r.id)));
    // the trigger is back: an ordinary write is found by the box as well
    const one = { ...made[0]!, id: randomUUID(), case_no: null, lon: model.lon + 0.0022 };
    await insertReports(store.db, [one]);
    const again = await queryReports(store.db, store.dialect, { townshipId: town.id, bbox: line, limit: 5000 });
    expect(again.map((r) => r.id)).toContain(one.id);
    expect(await count('reports_rtree')).toBe(await count('reports'));
    expect(await count(`report_live WHERE status <> 'closed'`)).toBe(await count(open));
  });
});

describe('a large bulk load on PostgreSQL', () => {
  it('leaves the table vacuumed and analysed, so the planner knows its size', async () => {
    const { store, row } = await demo('postgres');
    const model = writable(row);
    const made = Array.from({ length: 10_000 }, (_, i) => ({ ...model, id: randomUUID(), idempotency_key: null, lon: model.lon + i * 1e-7 }));
    expect(await bulkInsertReports(store, made)).toBe(10_000);
    const stats = await sql<{ vacuumed: boolean; analysed: boolean; estimate: number }>`
      SELECT s.last_vacuum IS NOT NULL AS vacuumed, s.last_analyze IS NOT NULL AS analysed, c.reltuples AS estimate
      FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
      WHERE s.relname = 'reports' AND s.schemaname = current_schema()`.execute(store.db);
    expect(stats.rows[0]).toMatchObject({ vacuumed: true, analysed: true });
    // the planner's row count is the table's, not a guess
    const n = Number((await sql<{ n: number }>`SELECT count(*) AS n FROM reports`.execute(store.db)).rows[0]!.n);
    expect(Number(stats.rows[0]!.estimate)).toBe(n);
  });
});

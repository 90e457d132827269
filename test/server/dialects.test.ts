import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boxPlan, queryPins, queryReports, reportPointsPacked, type ReportFilter } from '../../server/store/report-query.ts';
import { bulkInsertReports } from '../../server/store/report-bulk.ts';
import { gridFor } from '../../server/domain/points.ts';
import { currentTownship } from '../../server/services/context.ts';
import { REPORT_STATUSES, type ReportStatus } from '../../server/domain/reports.ts';
import { demoApp, type TestApp } from '../helpers/app.ts';

// SQLite with its R*Tree and PostgreSQL with PostGIS hold the same demo town; random queries of the kinds the map,
// the ledger and the exports make must return the same reports, in the same order, from both.

let lite: TestApp;
let pg: TestApp;
const ctx = {} as {
  liteTownship: string;
  pgTownship: string;
  zones: Map<string, [string, string]>;
  villages: Map<string, [string, string]>;
  spots: { lon: number; lat: number; observed: string }[];
  bbox: [number, number, number, number];
};

beforeAll(async () => {
  [lite, pg] = await Promise.all([demoApp('sqlite', { scale: 0.3 }), demoApp('postgres', { scale: 0.3 })]);
  const lt = await currentTownship(lite.deps);
  const pt = await currentTownship(pg.deps);
  ctx.liteTownship = lt.id;
  ctx.pgTownship = pt.id;
  const areas = async (app: TestApp, t: string) => app.deps.store.db.selectFrom('areas').select(['id', 'code', 'kind']).where('township_id', '=', t).execute();
  const [la, pa] = [await areas(lite, lt.id), await areas(pg, pt.id)];
  const pair = (kinds: string[]) => new Map(la.filter((a) => kinds.includes(a.kind)).map((a) => [a.code, [a.id, pa.find((p) => p.code === a.code)!.id] as [string, string]]));
  ctx.zones = pair(['cleaning_zone']);
  ctx.villages = pair(['village', 'community']);
  const rows = await lite.deps.store.db.selectFrom('reports').select(['lon', 'lat', 'observed_at']).where('township_id', '=', lt.id).execute();
  ctx.spots = rows.map((r) => ({ lon: r.lon, lat: r.lat, observed: r.observed_at }));
  const lons = rows.map((r) => r.lon);
  const lats = rows.map((r) => r.lat);
  ctx.bbox = [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
}, 120_000);
afterAll(async () => {
  await lite?.drop();
  await pg?.drop();
});

type Query = Omit<ReportFilter, 'townshipId' | 'zoneId' | 'villageId'> & { zone?: string | undefined; village?: string | undefined };

/** A filter as the map, ledger or export would send it; edges are often exactly on a report. */
const queryArb = () => {
  const spot = fc.integer({ min: 0, max: 10_000 }).map((i) => ctx.spots[i % ctx.spots.length]!);
  const coord = (axis: 'lon' | 'lat') =>
    fc.oneof(
      spot.map((s) => s[axis]),
      fc.double({ min: axis === 'lon' ? ctx.bbox[0] : ctx.bbox[1], max: axis === 'lon' ? ctx.bbox[2] : ctx.bbox[3], noNaN: true }),
    );
  // Street views to county views, around a report or anywhere, now and then with an edge right on a report.
  const bbox = fc.oneof(
    fc.tuple(spot, fc.double({ min: 0.0003, max: 0.05, noNaN: true })).map(([c, h]) => [c.lon - h, c.lat - h, c.lon + h, c.lat + h] as [number, number, number, number]),
    fc.tuple(coord('lon'), coord('lon'), coord('lat'), coord('lat')).map(([a, b, c, d]) => [Math.min(a, b), Math.min(c, d), Math.max(a, b), Math.max(c, d)] as [number, number, number, number]),
  );
  const instant = fc.oneof(spot.map((s) => new Date(s.observed).toISOString()), fc.date({ min: new Date('2026-08-15T00:00:00Z'), max: new Date('2026-12-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()));
  return fc.record(
    {
      bbox,
      categories: fc.subarray(['exposed_garbage', 'road_stall', 'illegal_ad', 'black_spot', 'piled_debris', 'weeds', 'dirty_toilet', 'construction_site', 'office_area'], { minLength: 4 }),
      statuses: fc.subarray([...REPORT_STATUSES] as ReportStatus[], { minLength: 3 }),
      place: fc.oneof(fc.constantFrom(...ctx.zones.keys()).map((zone) => ({ zone })), fc.constantFrom(...ctx.villages.keys()).map((village) => ({ village }))),
      period: fc.tuple(instant, instant).map(([a, b]) => (a <= b ? [a, b] : [b, a])),
      // the duplicate check's "open, or closed since" (now and then: with every other filter on top it empties most answers)
      openOrClosedSince: fc.option(instant, { nil: undefined, freq: 3 }),
      sort: fc.constantFrom('observed' as const, 'deadline' as const),
      offset: fc.integer({ min: 0, max: 50 }),
      limit: fc.integer({ min: 1, max: 3000 }),
    },
    { requiredKeys: ['limit'] },
  );
};

function filters(q: Query & { period?: string[] | undefined; place?: { zone?: string; village?: string } | undefined }): [ReportFilter, ReportFilter] {
  const { place, period, ...other } = q;
  const zone = place?.zone ?? q.zone;
  const village = place?.village ?? q.village;
  delete other.zone;
  delete other.village;
  const rest = { ...other, ...(period ? { from: period[0], to: period[1] } : {}) };
  const z = zone ? ctx.zones.get(zone)! : undefined;
  const v = village ? ctx.villages.get(village)! : undefined;
  return [
    { ...rest, townshipId: ctx.liteTownship, zoneId: z?.[0], villageId: v?.[0] },
    { ...rest, townshipId: ctx.pgTownship, zoneId: z?.[1], villageId: v?.[1] },
  ];
}

describe('SQLite and PostgreSQL agree', () => {
  it('on the reports, and their order, for random filters', async () => {
    let nonEmpty = 0;
    await fc.assert(
      fc.asyncProperty(queryArb(), async (q) => {
        const [lf, pf] = filters(q);
        const [a, b] = await Promise.all([queryReports(lite.deps.store.db, 'sqlite', lf), queryReports(pg.deps.store.db, 'postgres', pf)]);
        if (a.length) nonEmpty++;
        expect(b.map((r) => r.id), JSON.stringify(q)).toEqual(a.map((r) => r.id));
        // the map's pins are the same reports in the same order
        const pins = await queryPins(lite.deps.store.db, 'sqlite', lf);
        expect(pins.map((r) => r.id)).toEqual(a.map((r) => r.id));
      }),
      { numRuns: 300 },
    );
    // The generator reaches real answers, not only empty ones.
    // (about 45 of 300 in practice; a floor well below that keeps the check from failing by chance)
    expect(nonEmpty).toBeGreaterThan(20);
  }, 120_000);

  it('on the binary points for random boxes and categories', async () => {
    await fc.assert(
      fc.asyncProperty(queryArb(), async (q) => {
        const [lf, pf] = filters({ ...q, place: undefined, limit: 0 });
        // a grid a little inside the reports, so some points are clamped at its edges
        const grid = gridFor([ctx.bbox[0] + 0.001, ctx.bbox[1] + 0.001, ctx.bbox[2] - 0.001, ctx.bbox[3] - 0.001]);
        const codes = (q.categories ?? []).slice(1);
        const [a, b] = await Promise.all([reportPointsPacked(lite.deps.store, lf, grid, codes), reportPointsPacked(pg.deps.store, pf, grid, codes)]);
        const sorted = (xs: number[]) => [...xs].sort((m, n) => m - n);
        expect(sorted(b), JSON.stringify(q)).toEqual(sorted(a));
      }),
      { numRuns: 150 },
    );
  }, 120_000);

  it('on a town centre with thousands of reports in a street, which SQLite reads by walking the time index', async () => {
    // 2 500 reports within 60 m of one spot, each seen at its own instant over four months, of every category and state
    const [c0, c1] = [ctx.spots[0]!.lon, ctx.spots[0]!.lat];
    const cats = ['exposed_garbage', 'road_stall', 'illegal_ad', 'black_spot'];
    const states = ['reported', 'notified', 'rectified', 'closed', 'rejected'] as const;
    const rnd = fc.sample(fc.tuple(fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true })), { numRuns: 2500, seed: 7 });
    const base = Date.parse('2026-08-01T00:00:00Z');
    const rows = (township: string) =>
      rnd.map(([dx, dy], i) => {
        const observed = new Date(base + i * 4_000_000 + 17).toISOString();
        const status = states[i % states.length]!;
        return {
          id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
          township_id: township,
          category_code: cats[i % cats.length]!,
          lon: c0 + dx * 0.0006,
          lat: c1 + dy * 0.0005,
          status,
          received_at: observed,
          observed_at: observed,
          updated_at: observed,
          deadline_at: new Date(Date.parse(observed) + 86_400_000).toISOString(),
          closed_at: status === 'closed' ? new Date(Date.parse(observed) + 3_600_000).toISOString() : null,
        };
      });
    await bulkInsertReports(lite.deps.store, rows(ctx.liteTownship));
    await bulkInsertReports(pg.deps.store, rows(ctx.pgTownship));
    let walked = 0;
    const instant = fc.date({ min: new Date('2026-07-25T00:00:00Z'), max: new Date('2026-12-05T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
    const arb = fc.record(
      {
        bbox: fc.tuple(fc.double({ min: -0.0004, max: 0.0004, noNaN: true }), fc.double({ min: -0.0004, max: 0.0004, noNaN: true }), fc.double({ min: 0.0002, max: 0.003, noNaN: true })).map(
          ([x, y, h]) => [c0 + x - h, c1 + y - h, c0 + x + h, c1 + y + h] as [number, number, number, number],
        ),
        categories: fc.subarray(cats, { minLength: 1 }),
        statuses: fc.subarray([...states], { minLength: 1 }),
        period: fc.tuple(instant, instant).map(([a, b]) => (a <= b ? [a, b] : [b, a])),
        sort: fc.constantFrom('observed' as const, 'deadline' as const),
        offset: fc.integer({ min: 0, max: 50 }),
        limit: fc.integer({ min: 1, max: 1200 }),
      },
      { requiredKeys: ['bbox', 'limit'] },
    );
    await fc.assert(
      fc.asyncProperty(arb, async (q) => {
        const [lf, pf] = filters(q);
        if ((await boxPlan(lite.deps.store.db, 'sqlite', lf, Math.max(1000, 2 * (lf.limit + 1 + (lf.offset ?? 0))))) === 'time') walked++;
        const [a, b] = await Promise.all([queryPins(lite.deps.store.db, 'sqlite', lf), queryPins(pg.deps.store.db, 'postgres', pf)]);
        expect(b.map((r) => r.id), JSON.stringify(q)).toEqual(a.map((r) => r.id));
        const grid = gridFor(ctx.bbox);
        const [pa, pb] = await Promise.all([reportPointsPacked(lite.deps.store, lf, grid, cats), reportPointsPacked(pg.deps.store, pf, grid, cats)]);
        expect([...pb].sort((m, n) => m - n), JSON.stringify(q)).toEqual([...pa].sort((m, n) => m - n));
      }),
      { numRuns: 150 },
    );
    // the walk was taken, not only the R*Tree
    expect(walked).toBeGreaterThan(20);
  }, 120_000);
});

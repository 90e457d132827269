import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { areaTrends, chronicSpots, timePatterns, type Incident } from '../../../server/analysis/patterns.ts';
import { dbscan } from '../../../server/analysis/dbscan.ts';
import { defaultBandwidth, kernelDensity } from '../../../server/analysis/kde.ts';
import { buildGrid, cellOf, defaultCellSize, defaultDistanceBand, areaM2 } from '../../../server/analysis/grid.ts';
import { localPlane, type AreaGeometry } from '../../../server/domain/geo.ts';
import { weekStartUtc } from '../../../server/domain/calendar.ts';
import { demoTown } from '../../helpers/town.ts';

const plane = localPlane([105.94, 26.14]);
const at = (x: number, y: number, category: string, observedAt: string, extra: Partial<Incident> = {}): Incident => {
  const [lon, lat] = plane.toLonLat(x, y);
  return { lon, lat, category, observedAt, ...extra };
};

describe('time patterns', () => {
  it('counts by local weekday and hour, and compares market days with ordinary days', () => {
    const days = ['2026-11-24', '2026-11-25', '2026-11-26'].map((date) => ({ date, share: 1 })); // the 25th is a market day (逢五逢十)
    const incidents = [
      at(0, 0, 'road_stall', '2026-11-25T00:30:00Z'), // Wed 08:30 local
      at(0, 0, 'road_stall', '2026-11-25T01:10:00Z'), // Wed 09:10
      at(0, 0, 'road_stall', '2026-11-25T01:20:00Z'),
      at(0, 0, 'road_stall', '2026-11-24T01:00:00Z'), // Tue 09:00
      at(0, 0, 'weeds', '2026-11-26T06:00:00Z'), // Thu 14:00
    ];
    const r = timePatterns(incidents, { timeZone: 'Asia/Shanghai', marketRule: { kind: 'solar', dayEndings: [0, 5] }, days });
    expect(r.all[2]![8]).toBe(1);
    expect(r.all[2]![9]).toBe(2);
    expect(r.byCategory['weeds']![3]![14]).toBe(1);
    expect(r.all.flat().reduce((a, b) => a + b, 0)).toBe(5);
    expect(r.market).toMatchObject({ marketDays: 1, ordinaryDays: 2 });
    expect(r.market.byCategory['road_stall']).toMatchObject({ perMarketDay: 3, perOrdinaryDay: 0.5, ratio: 6 });
    // 3 against 1 over one day and two: the exact test cannot tell that from chance
    expect(r.market.byCategory['road_stall']!.significant).toBe(false);
  });

  it('counts a day the period only partly covers by the share it covers', () => {
    const days = [
      { date: '2026-11-24', share: 0.5 },
      { date: '2026-11-25', share: 1 },
      { date: '2026-11-26', share: 0.25 },
    ];
    const r = timePatterns([], { timeZone: 'Asia/Shanghai', marketRule: { kind: 'solar', dayEndings: [0, 5] }, days });
    expect(r.market).toMatchObject({ marketDays: 1, ordinaryDays: 0.75 });
  });
});

describe('areas compared', () => {
  it('counts each zone and village per week and the change from the week before', () => {
    const w0 = weekStartUtc(Date.parse('2026-11-16T04:00:00Z'), 'Asia/Shanghai');
    const weeks = [w0, w0 + 7 * 86_400_000];
    const r = areaTrends(
      [
        at(0, 0, 'x', '2026-11-17T04:00:00Z', { zoneId: 'z3', villageId: 'v1' }),
        at(0, 0, 'x', '2026-11-24T04:00:00Z', { zoneId: 'z3', villageId: 'v1' }),
        at(0, 0, 'x', '2026-11-25T04:00:00Z', { zoneId: 'z3', villageId: 'v1' }),
        at(0, 0, 'x', '2026-11-25T04:00:00Z', { zoneId: null, villageId: 'v2' }),
        at(0, 0, 'x', '2026-12-25T04:00:00Z', { zoneId: 'z3' }), // outside the weeks
      ],
      weeks,
    );
    const z3 = r.find((a) => a.areaId === 'z3')!;
    expect(z3).toMatchObject({ weekly: [1, 2], current: 2, previous: 1, change: 1 });
    expect(r.find((a) => a.areaId === 'v2')).toMatchObject({ weekly: [0, 1], change: null });
  });
});

describe('chronic spots', () => {
  it('finds dense, persistent clusters, names them by the nearest landmark, and ignores scattered reports', () => {
    const weeks = [0, 1, 2, 3].map((w) => Date.parse('2026-11-02T16:00:00Z') + w * 7 * 86_400_000);
    const incidents: Incident[] = [];
    // 12 reports within 20 m of the station, spread over four weeks
    for (let k = 0; k < 12; k++) {
      incidents.push(at((k % 4) * 5, Math.floor(k / 4) * 5, k < 8 ? 'illegal_ad' : 'exposed_garbage', new Date(weeks[k % 4]! + 86_400_000).toISOString()));
    }
    // 6 reports in one week elsewhere
    for (let k = 0; k < 6; k++) incidents.push(at(800 + k * 4, 0, 'road_stall', new Date(weeks[1]! + 3600_000).toISOString()));
    // scattered noise
    for (let k = 0; k < 10; k++) incidents.push(at(-2000 + k * 400, 1500, 'weeds', new Date(weeks[2]!).toISOString()));
    const [sx, sy] = plane.toLonLat(10, 10);
    const spots = chronicSpots(incidents, {
      eps: 30,
      minPts: 5,
      weekStarts: weeks,
      places: [
        { name: '车站', kind: 'landmark', geometry: { type: 'Point', coordinates: [sx, sy] } },
        { name: '山堡主街', kind: 'road', geometry: { type: 'LineString', coordinates: [plane.toLonLat(700, -50), plane.toLonLat(900, -50)] } },
      ],
    });
    expect(spots).toHaveLength(2);
    expect(spots[0]).toMatchObject({ count: 12, dominantCategory: 'illegal_ad', weeksActive: 4, nearest: { name: '车站', kind: 'landmark' } });
    expect(spots[1]).toMatchObject({ count: 6, dominantCategory: 'road_stall', weeksActive: 1, nearest: { name: '山堡主街', kind: 'road', distanceM: 50 } });
  });

  it('DBSCAN keeps border points and calls isolated points noise', () => {
    const x = Float64Array.from([0, 1, 2, 3, 10, 50]);
    const y = new Float64Array(6);
    expect([...dbscan({ x, y }, 1.5, 3)]).toEqual([0, 0, 0, 0, -1, -1]);
  });

  it('DBSCAN on a grid labels every point as the textbook algorithm does', () => {
    // the textbook algorithm, every pair compared: the oracle for cores and noise; a border point reached by
    // several clusters may belong to any of them there, and here to the one with the nearest core
    const reference = (x: number[], y: number[], eps: number, minPts: number) => {
      const n = x.length;
      const d2 = (i: number, j: number) => (x[i]! - x[j]!) ** 2 + (y[i]! - y[j]!) ** 2;
      const nb = (i: number) => x.map((_, j) => j).filter((j) => d2(i, j) <= eps * eps * (1 + 1e-12));
      const core = x.map((_, i) => nb(i).length >= minPts);
      const label = new Array<number>(n).fill(-2);
      let cluster = 0;
      for (let i = 0; i < n; i++) {
        if (!core[i] || label[i] !== -2) continue;
        const queue = [i];
        label[i] = cluster;
        while (queue.length) {
          const j = queue.pop()!;
          for (const k of nb(j)) if (core[k] && label[k] === -2) (label[k] = cluster), queue.push(k);
        }
        cluster++;
      }
      // borders: the cluster of the nearest core within eps; noise otherwise
      const borders = x.map((_, i) => {
        if (core[i]) return null;
        const near = nb(i).filter((j) => core[j]);
        if (!near.length) return [] as number[];
        const best = Math.min(...near.map((j) => d2(i, j)));
        return [...new Set(near.filter((j) => d2(i, j) === best).map((j) => label[j]!))];
      });
      return { label, core, borders };
    };
    const samePartition = (a: number[], b: number[], on: boolean[]) => {
      const ab = new Map<number, number>();
      const ba = new Map<number, number>();
      return a.every((l, i) => {
        if (!on[i]) return true;
        const m = b[i]!;
        if ((ab.get(l) ?? m) !== m || (ba.get(m) ?? l) !== l) return false;
        ab.set(l, m);
        ba.set(m, l);
        return true;
      });
    };
    // clumps, lines and scatter, with repeated spots and points exactly eps apart
    const point = fc.oneof(
      fc.tuple(fc.integer({ min: 0, max: 4 }), fc.double({ min: -6, max: 6, noNaN: true }), fc.double({ min: -6, max: 6, noNaN: true })).map(([k, dx, dy]) => [k * 17 + dx, (k % 2) * 9 + dy]),
      fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 3 })).map(([i, r]) => [i * 2.5, r * 10]),
      fc.tuple(fc.double({ min: -20, max: 100, noNaN: true }), fc.double({ min: -20, max: 40, noNaN: true })),
    );
    fc.assert(
      fc.property(fc.array(point, { minLength: 1, maxLength: 160 }), fc.constantFrom(2.5, 4, 7.5), fc.integer({ min: 1, max: 8 }), (ps, eps, minPts) => {
        const x = ps.map((p) => p[0]!);
        const y = ps.map((p) => p[1]!);
        const got = [...dbscan({ x: Float64Array.from(x), y: Float64Array.from(y) }, eps, minPts)];
        const ref = reference(x, y, eps, minPts);
        expect(samePartition(ref.label, got, ref.core)).toBe(true);
        // each border point in its nearest core's cluster, the same cluster numbers as the cores'
        const coreLabel = new Map<number, number>();
        ref.label.forEach((l, i) => ref.core[i] && coreLabel.set(l, got[i]!));
        ref.borders.forEach((options, i) => {
          if (!options) return;
          if (!options.length) expect(got[i]).toBe(-1);
          else expect(options.map((o) => coreLabel.get(o))).toContain(got[i]);
        });
      }),
      { numRuns: 400 },
    );
  });

  it('DBSCAN finds a crowded spot without comparing every pair', () => {
    // 20 000 reports within 10 m and a second crowd 100 m away: two clusters, at once
    const n = 40_000;
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = (i < n / 2 ? 0 : 100) + ((i * 7919) % 1000) / 100;
      y[i] = ((i * 104729) % 1000) / 100;
    }
    // (comparing every pair here would take 1.6 GB of neighbour lists; the test's time limit stops that)
    const labels = dbscan({ x, y }, 30, 5);
    expect(new Set(labels)).toEqual(new Set([0, 1]));
    expect(labels[0]).toBe(0);
    expect(labels[n - 1]).toBe(1);
  });
});

describe('density', () => {
  it('uses the ArcGIS default radius and integrates to the number of points', () => {
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i < 200; i++) {
      xs.push(Math.cos(i) * (i % 50) * 10);
      ys.push(Math.sin(i * 1.3) * (i % 37) * 10);
    }
    const pts = { x: Float64Array.from(xs), y: Float64Array.from(ys) };
    const r = defaultBandwidth(pts);
    expect(r).toBeGreaterThan(30);
    expect(r).toBeLessThan(300);
    // integrate the surface over a fine grid: ≈ 200 points
    const tx: number[] = [];
    const ty: number[] = [];
    const step = 10;
    for (let x = -900; x <= 900; x += step) for (let y = -900; y <= 900; y += step) (tx.push(x), ty.push(y));
    const d = kernelDensity(pts, { x: Float64Array.from(tx), y: Float64Array.from(ty) }, r);
    const total = d.reduce((a, b) => a + b, 0) * (step * step) / 1e6;
    expect(total).toBeCloseTo(200, -1);
  });
});

describe('the study grid', () => {
  const { town } = demoTown();

  it('picks about 5 000 cells over the township and a band giving every cell 8 neighbours', () => {
    const grid = buildGrid(town.boundary);
    const area = areaM2(town.boundary, grid.plane);
    expect(grid.cellSize).toBe(defaultCellSize(area));
    expect(grid.x.length).toBeGreaterThan(4000);
    expect(grid.x.length).toBeLessThan(6000);
    const band = defaultDistanceBand(grid);
    expect(band).toBeGreaterThanOrEqual(grid.cellSize * Math.SQRT2);
    expect(band).toBeLessThan(grid.cellSize * 4);
  });

  it('finds the cell of a point, and none outside the township', () => {
    const grid = buildGrid(town.boundary, 200);
    const i = cellOf(grid, 105.9352, 26.1448);
    expect(i).toBeGreaterThanOrEqual(0);
    const [lon, lat] = grid.plane.toLonLat(grid.x[i]!, grid.y[i]!);
    expect(Math.abs(lon - 105.9352)).toBeLessThan(0.0015);
    expect(Math.abs(lat - 26.1448)).toBeLessThan(0.0015);
    expect(cellOf(grid, 106.5, 26.5)).toBe(-1);
    const square: AreaGeometry = { type: 'Polygon', coordinates: [[[0, 0], [0.01, 0], [0.01, 0.01], [0, 0.01], [0, 0]]] };
    expect(buildGrid(square, 100).x.length).toBeGreaterThan(100);
  });
});

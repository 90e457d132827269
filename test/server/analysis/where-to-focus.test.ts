import { describe, expect, it } from 'vitest';
import { classifyEmerging, emergingHotSpots, EMERGING_CATEGORIES, type EmergingCategory } from '../../../server/analysis/emerging.ts';
import { mannKendall, twoSidedP } from '../../../server/analysis/stats.ts';
import { giStar, giStarOver, lowestReachableZ } from '../../../server/analysis/getis-ord.ts';
import { neighboursWithin } from '../../../server/analysis/neighbours.ts';
import { densityPeaks } from '../../../server/analysis/kde.ts';
import { dbscan } from '../../../server/analysis/dbscan.ts';
import { chronicSpots, type Incident } from '../../../server/analysis/patterns.ts';
import { compareRates, risingTest } from '../../../server/analysis/rates.ts';
import { joinSpots } from '../../../server/analysis/spots.ts';
import { cellsNear, lineLengthPerCell, subsetGrid } from '../../../server/analysis/study-area.ts';
import { moransIOverBands, nearestNeighbourDistances, ohsaBand, ohsaCellSize } from '../../../server/analysis/ohsa.ts';
import { buildGrid } from '../../../server/analysis/grid.ts';
import { localPlane, type AreaGeometry } from '../../../server/domain/geo.ts';

const pts = (xy: [number, number][]) => ({ x: Float64Array.from(xy.map((p) => p[0])), y: Float64Array.from(xy.map((p) => p[1])) });

/** A small deterministic random source, so shuffles and scatters repeat. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('Gi* as PySAL esda publishes it', () => {
  it('reproduces esda’s example through neighbour lists, and the lowest z a cell can reach', () => {
    const p = pts([[10, 10], [20, 10], [40, 10], [15, 20], [30, 20], [30, 30]]);
    const y = [2, 3, 3.2, 5, 8, 7];
    const nb = neighboursWithin(p, 15);
    const z = giStarOver(y, nb);
    [-1.3973, -0.2892, 0.6506, -0.2892, 1.2345, 2.0242].forEach((e, i) => expect(z[i]).toBeCloseTo(e, 4));
    expect([...giStar(p, y, 15)]).toEqual([...z]);
    // the lowest reachable: a cell whose whole neighbourhood held 0, with the same mean and spread
    const n = 6;
    const mean = y.reduce((a, b) => a + b) / n;
    const s = Math.sqrt(y.reduce((a, b) => a + b * b, 0) / n - mean * mean);
    const ks = Array.from({ length: n }, (_, i) => nb.start[i + 1]! - nb.start[i]!);
    const expected = Math.min(...ks.map((k) => (-mean * k) / (s * Math.sqrt((n * k - k * k) / (n - 1)))));
    expect(lowestReachableZ(y, nb)).toBeCloseTo(expected, 10);
  });
});

describe('the Mann-Kendall trend test', () => {
  it('matches the textbook computation with tied values', () => {
    // 1 2 2 3 4 5 5 5: S counts concordant minus discordant pairs; ties in two groups (t = 2 and t = 3)
    const mk = mannKendall([1, 2, 2, 3, 4, 5, 5, 5]);
    // pairs: 28; tied pairs 1 + 3 = 4; every other pair rises: S = 24
    expect(mk.s).toBe(24);
    // Var(S) = [8·7·21 − (2·1·9 + 3·2·11)] / 18 = (1176 − 84) / 18
    expect(mk.varS).toBeCloseTo(1092 / 18, 10);
    expect(mk.z).toBeCloseTo(23 / Math.sqrt(1092 / 18), 10);
    expect(mk.p).toBeCloseTo(twoSidedP(23 / Math.sqrt(1092 / 18)), 10);
    // tau-b: S / √((28 − 4) · 28)
    expect(mk.tau).toBeCloseTo(24 / Math.sqrt(24 * 28), 10);
    expect(mannKendall([3, 3, 3, 3]).p).toBe(1);
    expect(mannKendall([5, 4, 3, 2, 1]).s).toBe(-10);
  });
});

describe('emerging hot spot categories, one hand-made series each', () => {
  const H = 1;
  const C = -1;
  const _ = 0;
  const flat = { tau: 0, p: 0.8 };
  const up = { tau: 0.6, p: 0.001 };
  const down = { tau: -0.6, p: 0.001 };
  const cases: [EmergingCategory, number[], { tau: number; p: number }][] = [
    ['new_hot', [_, _, _, _, _, _, _, _, _, _, _, H], flat],
    ['consecutive_hot', [_, _, _, _, _, _, _, _, _, H, H, H], flat],
    ['intensifying_hot', [H, H, H, H, H, H, H, H, H, H, H, H], up],
    ['persistent_hot', [H, H, H, H, H, _, H, H, H, H, H, H], flat],
    ['diminishing_hot', [H, H, H, H, H, H, H, H, H, H, H, H], down],
    ['sporadic_hot', [_, H, _, _, H, _, _, H, _, _, _, H], flat],
    ['oscillating_hot', [_, C, _, _, H, _, C, _, _, _, H, H], flat],
    ['historical_hot', [H, H, H, H, H, H, H, H, H, H, H, _], flat],
    ['new_cold', [_, _, _, _, _, _, _, _, _, _, _, C], flat],
    ['consecutive_cold', [_, _, _, _, _, _, _, _, C, C, C, C], flat],
    ['intensifying_cold', [C, C, C, C, C, C, C, C, C, C, C, C], down],
    ['persistent_cold', [C, C, C, C, C, C, C, C, C, C, C, C], flat],
    ['diminishing_cold', [C, C, C, C, C, C, C, C, C, C, C, C], up],
    ['sporadic_cold', [C, _, _, C, _, _, _, C, _, _, _, C], flat],
    ['oscillating_cold', [H, _, _, H, _, _, _, _, _, _, C, C], flat],
    ['historical_cold', [C, C, C, C, C, C, C, C, C, C, C, _], flat],
    ['none', [_, _, H, _, _, H, _, _, _, _, _, _], flat],
  ];
  it.each(cases)('%s', (category, states, trend) => {
    expect(classifyEmerging(states, trend)).toBe(category);
  });
  it('covers every category', () => {
    expect(new Set(cases.map((c) => c[0]))).toEqual(new Set(EMERGING_CATEGORIES));
  });
  it('needs the trend to be significant for intensifying, and a hot spot preceded by a cold one is oscillating, not new', () => {
    expect(classifyEmerging(new Array(12).fill(H), { tau: 0.6, p: 0.2 })).toBe('persistent_hot');
    expect(classifyEmerging([C, _, _, _, _, _, _, _, _, _, _, H], flat)).toBe('oscillating_hot');
    expect(classifyEmerging([H, _, _, _, _, _, _, _, _, _, H, H], flat)).toBe('sporadic_hot');
    // both "oscillating hot" and "historical cold" by the published words: the last week decides
    expect(classifyEmerging([C, C, C, C, C, C, C, C, C, C, C, H], flat)).toBe('oscillating_hot');
  });
});

describe('the space-time cube', () => {
  it('computes Gi* with the cell’s band in the same and the previous week, as an independent count does', () => {
    // 5 × 5 cells of 100 m, 4 weeks; counts from a seeded source with one corner growing week by week
    const rnd = random(7);
    const xy: [number, number][] = [];
    for (let r = 0; r < 5; r++) for (let c = 0; c < 5; c++) xy.push([c * 100, r * 100]);
    const n = xy.length;
    const T = 4;
    const counts = new Float64Array(n * T);
    for (let t = 0; t < T; t++) for (let i = 0; i < n; i++) counts[t * n + i] = Math.floor(rnd() * 3) + (i === 0 ? 6 * t : 0);
    const band = 150;
    const r = emergingHotSpots({ neighbours: neighboursWithin(pts(xy), band), counts, cells: n, weeks: T });
    for (let t = 0; t < T; t++) {
      const week = Array.from(counts.subarray(t * n, (t + 1) * n));
      const mean = week.reduce((a, b) => a + b) / n;
      const s = Math.sqrt(week.reduce((a, b) => a + b * b, 0) / n - mean * mean);
      for (let i = 0; i < n; i++) {
        let local = 0;
        let k = 0;
        for (let j = 0; j < n; j++) {
          if (Math.hypot(xy[i]![0] - xy[j]![0], xy[i]![1] - xy[j]![1]) > band) continue;
          local += counts[t * n + j]!;
          k++;
          if (t > 0) {
            local += counts[(t - 1) * n + j]!;
            k++;
          }
        }
        const z = (local - mean * k) / (s * Math.sqrt((n * k - k * k) / (n - 1)));
        expect(r.z[t * n + i]).toBeCloseTo(z, 10);
      }
    }
    // the growing corner's z rises every week
    const corner = [0, 1, 2, 3].map((t) => r.z[t * n]!);
    expect(corner[3]).toBeGreaterThan(corner[1]!);
    expect(r.tau[0]).toBeGreaterThan(0);
  });
});

describe('density peaks on a fine surface', () => {
  it('finds the peaks a brute-force 1 m surface finds, and as many as asked when there are that many', () => {
    const rnd = random(3);
    const xs: number[] = [];
    const ys: number[] = [];
    const centres: [number, number, number][] = [[0, 0, 60], [230, 40, 40], [90, 260, 25], [420, 300, 12]];
    for (const [cx, cy, k] of centres) {
      for (let i = 0; i < k; i++) {
        xs.push(cx + (rnd() - 0.5) * 60);
        ys.push(cy + (rnd() - 0.5) * 60);
      }
    }
    const p = { x: Float64Array.from(xs), y: Float64Array.from(ys) };
    const radius = 50;
    const { peaks, step } = densityPeaks(p, radius, 4);
    expect(step).toBeLessThanOrEqual(radius / 3);
    expect(peaks).toHaveLength(4);
    // the brute-force surface: every metre around each cluster
    const at = (x: number, y: number) => {
      let d = 0;
      for (let j = 0; j < xs.length; j++) {
        const u = ((xs[j]! - x) ** 2 + (ys[j]! - y) ** 2) / radius ** 2;
        if (u < 1) d += (1 - u) ** 2;
      }
      return (d * 3 * 1e6) / (Math.PI * radius * radius);
    };
    for (const [cx, cy] of centres) {
      let best = { x: 0, y: 0, d: -1 };
      for (let x = cx - 40; x <= cx + 40; x += 1) for (let y = cy - 40; y <= cy + 40; y += 1) {
        const d = at(x, y);
        if (d > best.d) best = { x, y, d };
      }
      const found = peaks.find((q) => Math.hypot(q.x - best.x, q.y - best.y) < 3);
      expect(found, `peak near ${cx},${cy}`).toBeTruthy();
      // the climb reaches at least the brute-force maximum, to within a fraction of a percent
      expect(found!.density).toBeGreaterThan(best.d * 0.998);
    }
    expect(peaks.map((q) => q.density)).toEqual([...peaks.map((q) => q.density)].sort((a, b) => b - a));
  });
});

describe('chronic spots do not depend on row order', () => {
  it('gives the same clusters under 200 shuffles, and lists none smaller than minPts', () => {
    const plane = localPlane([105.94, 26.14]);
    const rnd = random(11);
    const base: Incident[] = [];
    const add = (x: number, y: number, k: number) => {
      for (let i = 0; i < k; i++) {
        const [lon, lat] = plane.toLonLat(x + (rnd() - 0.5) * 50, y + (rnd() - 0.5) * 50);
        base.push({ lon, lat, category: i % 3 ? 'road_stall' : 'illegal_ad', observedAt: '2026-11-20T02:00:00Z' });
      }
    };
    const put = (x: number, y: number) => {
      const [lon, lat] = plane.toLonLat(x, y);
      base.push({ lon, lat, category: 'road_stall', observedAt: '2026-11-20T02:00:00Z' });
    };
    // two clusters 47 m apart with a border point between them, within 25 m of a core of each (23 m and 24 m):
    // which one it joins must not depend on which cluster's rows come first
    for (let i = 0; i < 10; i++) put(-2 - i * 2, 0);
    put(0, 0);
    put(47, 0);
    for (let i = 0; i < 10; i++) put(49 + i * 2, 0);
    put(23, 0);
    // a tie: 24 m from each side's core
    for (let i = 0; i < 10; i++) put(-2 - i * 2, 500);
    put(0, 500);
    put(48, 500);
    for (let i = 0; i < 10; i++) put(50 + i * 2, 500);
    put(24, 500);
    add(300, 300, 9);
    for (let i = 0; i < 40; i++) add(rnd() * 1500 - 750, rnd() * 1500 - 750, 1);
    const opts = { eps: 25, minPts: 8, weekStarts: [Date.parse('2026-11-16T16:00:00Z')], places: [] };
    const profile = (inc: Incident[]) => JSON.stringify(chronicSpots(inc, opts).map((s) => [s.count, s.centre, s.categories]));
    const reference = profile(base);
    for (let k = 0; k < 200; k++) {
      const shuffled = [...base];
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1));
        [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
      }
      expect(profile(shuffled)).toBe(reference);
    }
    for (const s of chronicSpots(base, opts)) expect(s.count).toBeGreaterThanOrEqual(8);
  });

  it('gives each border point to the cluster of its nearest core', () => {
    // two cores' clusters, a border point between them nearer the right one
    const x = Float64Array.from([0, 0.5, 1, 1.5, 3.4, 5, 5.5, 6, 6.5]);
    const y = new Float64Array(x.length);
    const labels = dbscan({ x, y }, 1.9, 4);
    expect(labels[4]).toBe(labels[5]);
    expect(labels[0]).not.toBe(labels[5]);
  });
});

describe('uncertainty in counts', () => {
  it('does not call 6 market-day reports against 17 ordinary ones "more on market days"', () => {
    // 18 market days and 74 ordinary days: 1.45 times the rate, p = 0.43 by the exact conditional test
    const r = compareRates(6, 18, 17, 74);
    expect(r.ratio).toBeCloseTo(1.451, 3);
    expect(r.p).toBeCloseTo(0.4307, 3);
    expect(r.significant).toBe(false);
    expect(r.ratioLow!).toBeLessThan(1);
    expect(r.ratioHigh!).toBeGreaterThan(1);
    const strong = compareRates(60, 18, 40, 74);
    expect(strong.significant).toBe(true);
    expect(strong.ratioLow!).toBeGreaterThan(1);
  });

  it('calls a rise from 2 to 5 chance and one from 5 to 20 a rise', () => {
    expect(risingTest(5, 2)).toEqual({ p: 0.2265625, rising: false });
    expect(risingTest(20, 5).rising).toBe(true);
    expect(risingTest(3, 3).rising).toBe(false);
  });
});

describe('spots from significant cells', () => {
  it('joins touching hot cells with reports, keeps two places apart across empty cells, and drops spots under the floor', () => {
    // row 0: cells 0–1 hot with reports, 2 hot but empty, 3–4 hot with reports; cell 5 far away with 2 reports
    const col = [0, 1, 2, 3, 4, 9];
    const row = [0, 0, 0, 0, 0, 9];
    const count = [5, 2, 0, 1, 4, 2];
    const bin = [3, 2, 2, 2, 3, 3];
    const z = [4, 3, 2.5, 2.4, 3.8, 3.1];
    const spots = joinSpots({ col, row, count, bin, z }, { minReports: 3 });
    expect(spots.map((s) => s.cells)).toEqual([[0, 1], [3, 4]]);
    expect(spots.map((s) => s.reports)).toEqual([7, 5]);
    expect(spots[0]!.heart).toBe(0);
    expect(spots[1]!.heart).toBe(4);
  });
});

describe('the study area', () => {
  const square: AreaGeometry = { type: 'Polygon', coordinates: [[[105.9, 26.1], [105.95, 26.1], [105.95, 26.15], [105.9, 26.15], [105.9, 26.1]]] };
  const grid = buildGrid(square, 100);
  const road = [[105.91, 26.12], [105.94, 26.13]] as [number, number][];

  it('keeps the cells whose centre is within the distance of a road or landmark, as a brute-force check does', () => {
    const keep = cellsNear(grid, { lines: [road], points: [[105.92, 26.145]] }, 200);
    const [ax, ay] = grid.plane.toMetres(...road[0]!);
    const [bx, by] = grid.plane.toMetres(...road[1]!);
    const [px, py] = grid.plane.toMetres(105.92, 26.145);
    for (let i = 0; i < grid.x.length; i += 1) {
      const t = Math.max(0, Math.min(1, ((grid.x[i]! - ax) * (bx - ax) + (grid.y[i]! - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
      const dRoad = Math.hypot(grid.x[i]! - (ax + t * (bx - ax)), grid.y[i]! - (ay + t * (by - ay)));
      const dPoint = Math.hypot(grid.x[i]! - px, grid.y[i]! - py);
      expect(keep[i]).toBe(dRoad <= 200 || dPoint <= 200 ? 1 : 0);
    }
    const sub = subsetGrid(grid, keep);
    expect(sub.x.length).toBe(keep.reduce((a, b) => a + b, 0));
    // the subset's lookup places its cells where the full grid had them
    for (let k = 0; k < sub.x.length; k++) expect(sub.lookup[sub.col[k]! + sub.row[k]! * sub.cols]).toBe(k);
  });

  it('measures the road length in each cell, adding up to the road', () => {
    const len = lineLengthPerCell(grid, [road]);
    const [ax, ay] = grid.plane.toMetres(...road[0]!);
    const [bx, by] = grid.plane.toMetres(...road[1]!);
    expect(len.reduce((a, b) => a + b, 0)).toBeCloseTo(Math.hypot(bx - ax, by - ay), 6);
    expect(len.filter((m) => m > 0).length).toBeGreaterThan(25);
  });
});

describe('the Optimized Hot Spot Analysis scale', () => {
  it('finds nearest neighbours as comparing every pair does', () => {
    const rnd = random(5);
    const xy: [number, number][] = Array.from({ length: 300 }, () => [rnd() * 1000, rnd() * 600]);
    const d = nearestNeighbourDistances(pts(xy));
    xy.forEach(([x, y], i) => {
      const best = Math.min(...xy.filter((_, j) => j !== i).map(([u, v]) => Math.hypot(u - x, v - y)));
      expect(d[i]).toBeCloseTo(best, 9);
    });
  });

  it('takes the mean nearest-neighbour distance of distinct locations as the cell, leaving locational outliers out', () => {
    // a 20 m lattice of locations, each reported twice, and one far-off report
    const xy: [number, number][] = [];
    for (let i = 0; i < 20; i++) for (let j = 0; j < 20; j++) xy.push([i * 20, j * 20], [i * 20, j * 20]);
    xy.push([50_000, 50_000]);
    const c = ohsaCellSize(pts(xy));
    expect(c.locations).toBe(401);
    expect(c.outliers).toBe(1);
    expect(c.meanNearest).toBeCloseTo(20, 6);
    expect(c.cellSize).toBe(50);
  });

  it('computes Moran’s I as the formula over every pair does, and finds the first peak of its z', () => {
    const rnd = random(9);
    const xy: [number, number][] = [];
    const v: number[] = [];
    // a 20 × 20 grid of 100 m cells with blobs about 300 m across
    for (let r = 0; r < 20; r++) {
      for (let c = 0; c < 20; c++) {
        xy.push([c * 100, r * 100]);
        const blob = Math.hypot(((c % 8) - 3.5) * 100, ((r % 8) - 3.5) * 100) < 200 ? 6 : 0;
        v.push(blob + Math.floor(rnd() * 2));
      }
    }
    const bands = moransIOverBands(pts(xy), v, [100, 250]);
    const n = v.length;
    const mean = v.reduce((a, b) => a + b) / n;
    let num = 0;
    let s0 = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        if (i === j || Math.hypot(xy[i]![0] - xy[j]![0], xy[i]![1] - xy[j]![1]) > 100) continue;
        num += (v[i]! - mean) * (v[j]! - mean);
        s0++;
      }
    const I = (n / s0) * (num / v.reduce((a, b) => a + (b - mean) ** 2, 0));
    expect(bands[0]!.i).toBeCloseTo(I, 10);
    expect(bands[0]!.z).toBeGreaterThan(5);
    const isa = ohsaBand(pts(xy), v);
    expect(isa.bands).toHaveLength(10);
    expect(isa.bands[0]!.distance).toBe(100);
    expect(isa.band).not.toBeNull();
    const k = isa.bands.findIndex((b) => b.distance === isa.band);
    if (isa.rule.startsWith('first peak')) {
      expect(isa.bands[k]!.z).toBeGreaterThan(isa.bands[k - 1]!.z);
      expect(isa.bands[k]!.z).toBeGreaterThan(isa.bands[k + 1]!.z);
      for (let j = 1; j < k; j++) expect(isa.bands[j]!.z > isa.bands[j - 1]!.z && isa.bands[j]!.z > isa.bands[j + 1]!.z).toBe(false);
    }
  });
});

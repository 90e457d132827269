import { describe, expect, it } from 'vitest';
import { giStar, confidenceBins, hotSpots } from '../../../server/analysis/getis-ord.ts';
import { fdrCutoff, twoSidedP } from '../../../server/analysis/stats.ts';
import { neighboursWithin } from '../../../server/analysis/neighbours.ts';

const pts = (xy: [number, number][]) => ({ x: Float64Array.from(xy.map((p) => p[0])), y: Float64Array.from(xy.map((p) => p[1])) });

describe('Getis-Ord Gi*', () => {
  it('reproduces the published example (binary weights, band 15, self included)', () => {
    const z = giStar(
      pts([
        [10, 10],
        [20, 10],
        [40, 10],
        [15, 20],
        [30, 20],
        [30, 30],
      ]),
      [2, 3, 3.2, 5, 8, 7],
      15,
    );
    const expected = [-1.39727626, -0.28917762, 0.65064964, -0.28917762, 1.23452088, 2.02424331];
    expected.forEach((e, i) => expect(z[i]).toBeCloseTo(e, 7));
  });

  it('is undefined where every value is the same', () => {
    const z = giStar(pts([[0, 0], [1, 0], [2, 0]]), [4, 4, 4], 1.5);
    expect([...z].every(Number.isNaN)).toBe(true);
  });

  it('finds the neighbours within the band, itself included, whatever the bucket boundaries', () => {
    const p = pts([[0, 0], [9.99, 0], [10.01, 0], [-10, 0], [0, 10], [7.07, 7.07]]);
    const { start, index } = neighboursWithin(p, 10);
    const of0 = [...index.subarray(start[0]!, start[1]!)].sort();
    expect(of0).toEqual([0, 1, 3, 4, 5]);
  });
});

describe('p-values and the false discovery rate', () => {
  it('turns z into two-sided p', () => {
    expect(twoSidedP(1.959964)).toBeCloseTo(0.05, 5);
    expect(twoSidedP(-2.575829)).toBeCloseTo(0.01, 5);
    expect(twoSidedP(0)).toBeCloseTo(1, 6);
  });

  it('applies Benjamini–Hochberg on hand-made p-values', () => {
    // m = 5, q = 0.05: thresholds 0.01, 0.02, 0.03, 0.04, 0.05
    expect(fdrCutoff([0.001, 0.015, 0.028, 0.2, 0.9], 0.05)).toBe(0.028);
    // the step-up rule: 0.039 passes at rank 4 (≤ 0.04) and carries every smaller p with it
    expect(fdrCutoff([0.035, 0.036, 0.037, 0.039, 0.9], 0.05)).toBe(0.039);
    expect(fdrCutoff([0.02, 0.5, 0.6, 0.7, 0.8], 0.05)).toBe(-1);
  });

  it('bins cells −3…+3 by the strongest level they pass after correction', () => {
    const z = [4, -3, 2.2, 1.8, 0.1, 0.2, -0.1, 0.3, 0.05, 0];
    const p = z.map(twoSidedP);
    // p ≈ 6.3e-5, 0.0027, 0.0278, 0.0719, … With ten tests, BH cut-offs are 6.3e-5 at 1 %, 0.0027 at 5 %
    // and 0.0278 at 10 %: z = −3 (p < 0.01) is only a 95 % cold spot, z = 2.2 (p < 0.05) only a 90 % hot spot.
    expect([...confidenceBins(z, p)]).toEqual([3, -2, 1, 0, 0, 0, 0, 0, 0, 0]);
    expect(p[1]).toBeLessThan(0.01);
    expect(p[2]).toBeLessThan(0.05);
  });

  it('gives a clear hot spot and cold spot on a grid with a cluster', () => {
    const xy: [number, number][] = [];
    const v: number[] = [];
    for (let i = 0; i < 20; i++)
      for (let j = 0; j < 20; j++) {
        xy.push([i * 100, j * 100]);
        v.push(i < 3 && j < 3 ? 20 : (i * 7 + j * 13) % 3);
      }
    const r = hotSpots(pts(xy), v, 150);
    expect(r.bin[0]).toBe(3);
    expect(r.bin[19 * 20 + 19]).toBeLessThanOrEqual(0);
  });
});

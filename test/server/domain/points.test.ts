import { describe, expect, it } from 'vitest';
import { BYTES_PER_POINT, decodePoints, encodePoints, gridFor } from '../../../server/domain/points.ts';
import { distanceMetres } from '../../../server/domain/geo.ts';
import { createRandom } from '../../../server/demo/random.ts';

describe('the binary points format', () => {
  it('round-trips positions to within half a metre and categories exactly, at 5 bytes a point', () => {
    const r = createRandom(3);
    const bbox: [number, number, number, number] = [105.86, 26.07, 106.01, 26.22];
    const n = 10_000;
    const lon = Array.from({ length: n }, () => bbox[0] + r.next() * (bbox[2] - bbox[0]));
    const lat = Array.from({ length: n }, () => bbox[1] + r.next() * (bbox[3] - bbox[1]));
    const cat = Array.from({ length: n }, () => r.int(0, 8));
    const cats = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', '暴露垃圾'];
    const bytes = encodePoints(gridFor(bbox), cats, n, (i) => lon[i]!, (i) => lat[i]!, (i) => cat[i]!);
    const header = bytes.length - n * BYTES_PER_POINT;
    expect(header).toBeLessThan(120);
    expect(bytes.length / n).toBeLessThanOrEqual(5.02);
    const d = decodePoints(bytes);
    expect(d.count).toBe(n);
    expect(d.categories).toEqual(cats);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      worst = Math.max(worst, distanceMetres([lon[i]!, lat[i]!], [d.positions[i * 2]!, d.positions[i * 2 + 1]!]));
      expect(d.category[i]).toBe(cat[i]);
    }
    expect(worst).toBeLessThan(1.5); // quantisation ≈ 0.25 m, float32 ≈ 1 m at this longitude
  });

  it('refuses a payload that is not in the format', () => {
    expect(() => decodePoints(new TextEncoder().encode('{"type":"FeatureCollection"}'))).toThrow(/points payload/);
  });
});

import { describe, expect, it } from 'vitest';
import { displayFor, IDENTITY, shownData } from '../../web/map/display.ts';
import { distanceMetres } from '../../server/domain/geo.ts';
import { gcj02ToWgs84, wgs84ToGcj02 } from '../../server/domain/coords.ts';

describe('drawing over a GCJ-02 basemap', () => {
  const spot: [number, number] = [105.934, 26.142];

  it('leaves everything in place over a WGS84 basemap', () => {
    expect(displayFor(null)).toBe(IDENTITY);
    expect(displayFor({ crs: 'wgs84' })).toBe(IDENTITY);
    const data = { township: { boundary: { type: 'Point', coordinates: spot }, bbox: [1, 2, 3, 4] }, areas: {}, basemap: {} };
    expect(shownData(data, IDENTITY)).toBe(data);
  });

  it('moves every position of our data by the published offset, and back', () => {
    const d = displayFor({ crs: 'gcj02' });
    const shifted = d.toScreen(spot);
    // A few hundred metres in this part of China.
    expect(distanceMetres(spot, shifted)).toBeGreaterThan(200);
    expect(distanceMetres(spot, shifted)).toBeLessThan(800);
    expect(distanceMetres(d.toWorld(shifted), spot)).toBeLessThan(0.01);
    const fc = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', id: 'a', geometry: { type: 'Point', coordinates: spot }, properties: { id: 'a', lon: 1 } },
        { type: 'Feature', geometry: { type: 'Polygon', coordinates: [[spot, [spot[0] + 0.01, spot[1]], [spot[0], spot[1] + 0.01], spot]] }, properties: {} },
      ],
      spots: [{ centre: spot, count: 3 }],
    };
    const moved = d.geo(fc);
    expect(moved.features[0]!.geometry.coordinates).toEqual(wgs84ToGcj02(...spot));
    expect(moved.features[0]!.properties).toEqual({ id: 'a', lon: 1 });
    expect((moved.features[1]!.geometry.coordinates as number[][][])[0]![1]).toEqual(wgs84ToGcj02(spot[0] + 0.01, spot[1]));
    expect(moved.spots[0]!.centre).toEqual(wgs84ToGcj02(...spot));
    expect(fc.features[0]!.geometry.coordinates).toBe(spot); // the original is untouched
    const back = d.world(moved);
    expect(distanceMetres(back.features[0]!.geometry.coordinates as [number, number], spot)).toBeLessThan(0.01);
    const xy = new Float64Array([spot[0], spot[1], 106, 26.2]);
    d.positions(xy);
    expect([xy[2], xy[3]]).toEqual(wgs84ToGcj02(106, 26.2));
    expect(distanceMetres(gcj02ToWgs84(xy[0]!, xy[1]!), spot)).toBeLessThan(0.01);
  });
});

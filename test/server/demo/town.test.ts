import { describe, expect, it } from 'vitest';
import * as turf from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { readDemoTown } from '../../../server/demo/town.ts';
import { polygonsOf, type Position } from '../../../server/domain/geo.ts';

const town = readDemoTown();
const asFeature = (g: Polygon | MultiPolygon) => turf.feature(g) as Feature<Polygon | MultiPolygon>;
const areaKm2 = (g: Polygon | MultiPolygon) => turf.area(asFeature(g)) / 1e6;
const overlapKm2 = (a: Polygon | MultiPolygon, b: Polygon | MultiPolygon) => {
  const i = turf.intersect(turf.featureCollection([asFeature(a), asFeature(b)]));
  return i ? turf.area(i) / 1e6 : 0;
};
/** Shoelace sign: positive for counter-clockwise rings in lon/lat. */
const signedArea = (ring: Position[]) =>
  ring.slice(0, -1).reduce((s, p, i) => s + (p[0] * ring[i + 1]![1] - ring[i + 1]![0] * p[1]), 0) / 2;

const allGeometries = [town.boundary, ...town.areas.map((a) => a.geometry)] as (Polygon | MultiPolygon)[];

describe('the demo township data', () => {
  it('is about 15 × 15 km', () => {
    const [minLon, minLat, maxLon, maxLat] = turf.bbox(asFeature(town.boundary as Polygon));
    const width = turf.distance([minLon, minLat], [maxLon, minLat], { units: 'kilometers' });
    const height = turf.distance([minLon, minLat], [minLon, maxLat], { units: 'kilometers' });
    expect(width).toBeGreaterThan(13);
    expect(width).toBeLessThan(17);
    expect(height).toBeGreaterThan(13);
    expect(height).toBeLessThan(17);
  });

  it('has closed rings wound by the right-hand rule (RFC 7946) and no self-intersections', () => {
    for (const g of allGeometries) {
      for (const poly of polygonsOf(g as never)) {
        poly.forEach((ring, i) => {
          expect(ring.length).toBeGreaterThanOrEqual(4);
          expect(ring[0]).toEqual(ring[ring.length - 1]);
          // exterior counter-clockwise, holes clockwise
          expect(Math.sign(signedArea(ring))).toBe(i === 0 ? 1 : -1);
        });
      }
      expect(turf.kinks(asFeature(g)).features).toHaveLength(0);
    }
  });

  it('has four cleaning zones that do not overlap, inside the township', () => {
    const zones = town.areas.filter((a) => a.kind === 'cleaning_zone');
    expect(zones.map((z) => z.nameZh)).toEqual(['第一保洁区', '第二保洁区', '第三保洁区', '第四保洁区']);
    for (let i = 0; i < zones.length; i++) {
      const z = zones[i]!.geometry as Polygon | MultiPolygon;
      expect(overlapKm2(z, town.boundary as Polygon)).toBeCloseTo(areaKm2(z), 4);
      for (let j = i + 1; j < zones.length; j++) expect(overlapKm2(z, zones[j]!.geometry as never)).toBeLessThan(1e-5);
    }
  });

  it('has 6–10 villages and communities, 安章社区 and 半边街村 among them, tiling the township without overlaps', () => {
    const villages = town.areas.filter((a) => a.kind === 'village' || a.kind === 'community');
    expect(villages.length).toBeGreaterThanOrEqual(6);
    expect(villages.length).toBeLessThanOrEqual(10);
    expect(villages.map((v) => v.nameZh)).toEqual(expect.arrayContaining(['安章社区', '半边街村']));
    const total = villages.reduce((s, v) => s + areaKm2(v.geometry as never), 0);
    expect(total / areaKm2(town.boundary as Polygon)).toBeCloseTo(1, 3);
    for (let i = 0; i < villages.length; i++)
      for (let j = i + 1; j < villages.length; j++)
        expect(overlapKm2(villages[i]!.geometry as never, villages[j]!.geometry as never)).toBeLessThan(1e-4);
  });

  it('names the landmarks of the plan, in Chinese and English', () => {
    const names = town.features.filter((f) => f.layer === 'landmark').map((f) => f.nameZh);
    expect(names).toEqual(expect.arrayContaining(['镇政府', '中学', '派出所', '车站', '农贸市场', '公租房', '卫生院', '纳具康养小镇']));
    for (const f of town.features) expect(f.nameEn).toBeTruthy();
    for (const f of town.features.filter((x) => x.layer === 'landmark')) {
      const [lon, lat] = f.geometry.coordinates as Position;
      expect(turf.booleanPointInPolygon([lon, lat], town.boundary as Polygon)).toBe(true);
    }
  });

  it('ships categories with the three main kinds first and valid colours and deadlines', () => {
    expect(town.categories.slice(0, 3).map((c) => c.code)).toEqual(['exposed_garbage', 'road_stall', 'illegal_ad']);
    for (const c of town.categories) {
      expect(c.color).toMatch(/^#[0-9a-f]{6}$/);
      expect(c.deadlineHours).toBeGreaterThan(0);
      expect(c.nameZh && c.nameEn).toBeTruthy();
    }
    expect(new Set(town.categories.map((c) => c.color)).size).toBe(town.categories.length);
  });
});

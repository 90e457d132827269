import { describe, expect, it } from 'vitest';
import { createRouter, type RoutableArea } from '../../../server/domain/routing.ts';
import type { AreaGeometry } from '../../../server/domain/geo.ts';
import { alongRoad, demoTown } from '../../helpers/town.ts';

const square = (x0: number, y0: number, x1: number, y1: number, holes: [number, number][][] = []): AreaGeometry => ({
  type: 'Polygon',
  coordinates: [
    [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
      [x0, y0],
    ],
    ...holes,
  ],
});

describe('routing a spot to its owners', () => {
  const boundary = square(0, 0, 10, 10);
  const areas: RoutableArea[] = [
    { id: 'z1', kind: 'cleaning_zone', code: 'z1', nameZh: '一区', nameEn: 'Z1', geometry: square(1, 1, 4, 4) },
    {
      id: 'z2',
      kind: 'cleaning_zone',
      code: 'z2',
      nameZh: '二区',
      nameEn: 'Z2',
      geometry: { type: 'MultiPolygon', coordinates: [square(6, 6, 7, 7).coordinates as never, square(8, 1, 9, 2).coordinates as never] },
    },
    {
      id: 'v1',
      kind: 'village',
      code: 'v1',
      nameZh: '甲村',
      nameEn: 'V1',
      geometry: square(0, 0, 5, 10, [
        [
          [2, 6],
          [3, 6],
          [3, 7],
          [2, 7],
          [2, 6],
        ],
      ]),
    },
    { id: 'c1', kind: 'community', code: 'c1', nameZh: '乙社区', nameEn: 'C1', geometry: square(5, 0, 10, 10) },
    { id: 'u1', kind: 'unit', code: 'u1', nameZh: '镇政府', nameEn: 'Gov', geometry: square(2, 2, 3, 3) },
  ];
  const router = createRouter(boundary, areas);

  it('assigns the zone, the village and the unit that contain the point', () => {
    const r = router.route(2.5, 2.5)!;
    expect([r.zone?.id, r.village?.id, r.unit?.id]).toEqual(['z1', 'v1', 'u1']);
  });

  it('finds a zone through any part of a multipolygon, and a community as the village', () => {
    const r = router.route(8.5, 1.5)!;
    expect([r.zone?.id, r.village?.id, r.unit]).toEqual(['z2', 'c1', null]);
  });

  it('leaves the zone empty for a spot inside the township but outside every zone', () => {
    const r = router.route(4.5, 8)!;
    expect(r.zone).toBeNull();
    expect(r.village?.id).toBe('v1');
  });

  it('respects holes in a polygon', () => {
    expect(router.route(2.5, 6.5)!.village).toBeNull();
  });

  it('refuses a spot outside the township, and non-numbers', () => {
    expect(router.route(10.5, 5)).toBeNull();
    expect(router.route(-1, -1)).toBeNull();
    expect(router.route(Number.NaN, 5)).toBeNull();
  });
});

describe('routing in the demo town', () => {
  const { generatorTown } = demoTown();
  const { router, roads, landmarks } = generatorTown;

  it('puts a spot on the lanes between the police station and the bus station in zone 3 of 安章社区', () => {
    const [lon, lat] = alongRoad(roads, 'laneA', 0);
    const r = router.route(lon, lat)!;
    expect(r.zone?.nameZh).toBe('第三保洁区');
    expect(r.village?.nameZh).toBe('安章社区');
  });

  it('puts the middle school road in zone 1 and the road to public housing in zone 2', () => {
    const school = alongRoad(roads, 'schoolRoad', 1);
    const housing = alongRoad(roads, 'compoundRoad', 1);
    expect(router.route(school[0], school[1])!.zone?.code).toBe('zone-1');
    expect(router.route(housing[0], housing[1])!.zone?.code).toBe('zone-2');
  });

  it('puts the health resort in zone 4 and a village committee in its village with no zone', () => {
    const resort = landmarks['resort']!;
    expect(router.route(resort[0], resort[1])!.zone?.code).toBe('zone-4');
    const committee = landmarks['committee:banbianjie']!;
    const r = router.route(committee[0], committee[1])!;
    expect(r.zone).toBeNull();
    expect(r.village?.nameZh).toBe('半边街村');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/stores.ts';
import { demoApp, type Client, type TestApp } from '../helpers/app.ts';
import { demoTown } from '../helpers/town.ts';
import { distanceMetres } from '../../server/domain/geo.ts';
import { containsPoint } from '../../server/domain/geo.ts';

const { generatorTown, town } = demoTown();

describe.each(DIALECTS)('the analyses over %s', (dialect) => {
  let app: TestApp;
  let leader: Client;
  beforeAll(async () => {
    app = await demoApp(dialect);
    leader = await app.as('leader');
  });
  afterAll(async () => {
    await app?.drop();
  });

  it('returns every cell of the study area with Gi* numbers, and says how it chose cells and band', async () => {
    const r = await leader.call('GET', '/api/hotspots');
    expect(r.status).toBe(200);
    const b = r.body;
    expect(b).toMatchObject({ type: 'FeatureCollection', cellSize_m: 180, method: expect.stringContaining('Gi*') });
    expect(b.distanceBand_m).toBeGreaterThanOrEqual(180 * Math.SQRT2);
    expect(b.features.length).toBeGreaterThan(4000);
    const zeros = b.features.filter((f: any) => f.properties.count === 0).length;
    expect(zeros).toBeGreaterThan(b.features.length / 2);
    for (const f of b.features.slice(0, 50)) {
      expect(Object.keys(f.properties).sort()).toEqual(['bin', 'count', 'p', 'x_m', 'y_m', 'z']);
      expect(f.geometry.coordinates[0]).toHaveLength(5);
    }
    // every report in the township is counted once: checked against the report list, an independent path
    const all = await leader.call('GET', '/api/reports?limit=10000&status=reported,notified,rectified,closed');
    expect(b.total).toBe(all.body.numberReturned);
    expect(b.features.reduce((s: number, f: any) => s + f.properties.count, 0)).toBe(all.body.numberReturned);
  });

  it('finds the market and the bus station as hot spots with 99 % confidence', async () => {
    const b = (await leader.call('GET', '/api/hotspots')).body;
    const hot = b.features.filter((f: any) => f.properties.bin === 3);
    expect(hot.length).toBeGreaterThan(3);
    const cellHas = (name: string) => {
      const [lon, lat] = generatorTown.landmarks[name]!;
      return hot.some((f: any) => containsPoint(f.geometry, lon, lat) || distanceMetres([lon, lat], f.geometry.coordinates[0][0]) < 250);
    };
    expect(cellHas('market')).toBe(true);
    expect(cellHas('busStation')).toBe(true);
    expect(b.features.every((f: any) => f.properties.bin <= 0 || f.properties.z > 0)).toBe(true);
  });

  it('filters by category and period, and takes a cell size and band of the user’s choosing', async () => {
    const ads = (await leader.call('GET', '/api/hotspots?category=illegal_ad&from=2026-11-01&cellSize=300&distanceBand=700')).body;
    expect(ads).toMatchObject({ cellSize_m: 300, distanceBand_m: 700 });
    const list = await leader.call('GET', '/api/reports?category=illegal_ad&from=2026-11-01&limit=10000&status=reported,notified,rectified,closed');
    expect(ads.total).toBe(list.body.numberReturned);
    expect((await leader.call('GET', '/api/hotspots?cellSize=5')).status).toBe(400);
    const tiny = await leader.call('GET', '/api/hotspots?cellSize=200&distanceBand=100');
    expect(tiny.status).toBe(422);
    expect(tiny.body.error.code).toBe('band_too_small');
  });

  it('names the chronic spots: market stalls by the market, flyposting by the station', async () => {
    const r = (await leader.call('GET', '/api/analysis/chronic')).body;
    expect(r).toMatchObject({ weeks: 12, eps_m: 25, minPts: 8 });
    const top = r.spots[0];
    expect(top).toMatchObject({ dominantCategory: 'road_stall', nearest: { name: '农贸市场' } });
    expect(top.weeksActive).toBeGreaterThanOrEqual(10);
    expect(r.spots.some((s: any) => s.dominantCategory === 'illegal_ad' && ['车站', '车站公厕'].includes(s.nearest?.name))).toBe(true);
  });

  it('shows stalls peaking on market days and counts by weekday and hour', async () => {
    const r = (await leader.call('GET', '/api/analysis/time-patterns')).body;
    expect(r.all).toHaveLength(7);
    expect(r.all[0]).toHaveLength(24);
    expect(r.market.marketDays).toBeGreaterThan(15);
    expect(r.market.byCategory.road_stall.ratio).toBeGreaterThan(4);
    expect(r.market.byCategory.weeds.ratio).toBeLessThan(2);
    const total = r.all.flat().reduce((a: number, b: number) => a + b, 0);
    const list = await leader.call('GET', `/api/reports?from=${encodeURIComponent(r.from)}&to=${encodeURIComponent(r.to)}&limit=10000&status=reported,notified,rectified,closed`);
    expect(total).toBe(list.body.numberReturned);
  });

  it('compares market days by the township’s own rule, which the office can change', async () => {
    const office = await app.as('office');
    const weekly = await office.call('PUT', '/api/township/market-days', { kind: 'weekdays', days: [3] });
    expect(weekly.body).toMatchObject({ marketDays: { kind: 'weekdays', days: [3] }, marketDaysText: '每周三' });
    const r = (await leader.call('GET', '/api/analysis/time-patterns')).body;
    // the demo's stalls follow 逢五逢十, so under a Wednesday rule the market-day peak disappears
    expect(r.market.byCategory.road_stall.ratio).toBeLessThan(2);
    expect((await office.call('PUT', '/api/township/market-days', { kind: 'lunar', dayEndings: [12] })).status).toBe(400);
    expect((await leader.call('PUT', '/api/township/market-days', { kind: 'solar', dayEndings: [0, 5] })).status).toBe(403);
    await office.call('PUT', '/api/township/market-days', { kind: 'solar', dayEndings: [0, 5] });
  });

  it('compares zones and villages week by week', async () => {
    const r = (await leader.call('GET', '/api/analysis/areas?weeks=4')).body;
    expect(r.weeks).toHaveLength(4);
    expect(r.features).toHaveLength(town.areas.filter((a) => a.kind !== 'unit').length);
    const zone3 = r.features.find((f: any) => f.properties.nameZh === '第三保洁区').properties;
    expect(zone3.weekly).toHaveLength(4);
    expect(zone3.weekly.reduce((a: number, b: number) => a + b, 0)).toBeGreaterThan(20);
    expect(zone3.current).toBe(zone3.weekly[3]);
  });

  it('ranks the densest spots by kernel density, named by the nearest place', async () => {
    const r = (await leader.call('GET', '/api/analysis/density?top=5')).body;
    expect(r.peaks).toHaveLength(5);
    expect(r.radius_m).toBeGreaterThan(50);
    expect(r.peaks[0].densityPerKm2).toBeGreaterThanOrEqual(r.peaks[1].densityPerKm2);
    expect(['农贸市场', '车站', '车站公厕']).toContain(r.peaks[0].nearest.name);
  });
});

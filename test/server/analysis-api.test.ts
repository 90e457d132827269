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

  const ALL_REPORTS = 'limit=10000&status=reported,notified,rectified,closed';

  it('analyses the cells near roads and landmarks, says how it chose them, and counts every report once', async () => {
    const r = await leader.call('GET', '/api/hotspots?all=1');
    expect(r.status).toBe(200);
    const b = r.body;
    expect(b).toMatchObject({ type: 'FeatureCollection', cellSize_m: 180, method: expect.stringContaining('Gi*') });
    expect(b.method).toContain('within 200 m of a road or landmark');
    expect(b.distanceBand_m).toBeGreaterThanOrEqual(180 * Math.SQRT2);
    const township = (await leader.call('GET', '/api/hotspots?all=1&study=township')).body;
    expect(township.features.length).toBeGreaterThan(4000);
    // the mountains and fields far from any road are left out, as ArcGIS's bounding polygon does
    expect(b.features.length).toBeLessThan(township.features.length * 0.8);
    expect(b.studyArea.cells).toBe(b.features.length);
    for (const f of b.features.slice(0, 50)) {
      expect(Object.keys(f.properties).sort()).toEqual(['bin', 'count', 'neighbourOnly', 'p', 'spot', 'x_m', 'y_m', 'z']);
      expect(f.geometry.coordinates[0]).toHaveLength(5);
    }
    // every report in the township is counted once, inside the study area or outside it: checked against the list
    const all = await leader.call('GET', `/api/reports?${ALL_REPORTS}`);
    const inside = b.features.reduce((s: number, f: any) => s + f.properties.count, 0);
    expect(inside).toBe(b.total);
    expect(inside + b.studyArea.outsideReports).toBe(all.body.numberReturned);
    expect(township.total).toBe(all.body.numberReturned);
  });

  it('joins the significant cells into named spots with their reports and responsible people, never an empty one', async () => {
    const b = (await leader.call('GET', '/api/hotspots?all=1')).body;
    // the market and the bus station: named from the spot's busiest cell, and listed among its landmarks
    expect(b.spots[0].near.name).toBe('农贸市场');
    const landmarks = b.spots.flatMap((s: any) => s.landmarks);
    expect(landmarks).toContain('农贸市场');
    expect(landmarks.some((n: string) => n === '车站' || n === '车站公厕')).toBe(true);
    // with finer cells they are two spots, each named by its own place
    const fine = (await leader.call('GET', '/api/hotspots?cellSize=100')).body;
    const names = fine.spots.map((s: any) => s.near?.name);
    expect(names).toContain('农贸市场');
    expect(names).toContain('车站');
    for (const s of b.spots) {
      expect(s.reports).toBeGreaterThanOrEqual(3);
      expect(s.confidence === 95 || s.confidence === 99).toBe(true);
      expect(s.zone ?? s.village).toBeTruthy();
    }
    expect(b.spots.some((s: any) => s.responsible.some((r: any) => r.person))).toBe(true);
    // a spot's reports are the counts of its own cells
    const byCell = new Map(b.features.map((f: any) => [f.properties.spot, 0]));
    for (const f of b.features) if (f.properties.spot) byCell.set(f.properties.spot, (byCell.get(f.properties.spot) as number) + f.properties.count);
    for (const s of b.spots) expect(byCell.get(s.id)).toBe(s.reports);
    // cells hot only through their neighbours are named so
    const neighbourOnly = b.features.filter((f: any) => f.properties.neighbourOnly);
    expect(neighbourOnly.every((f: any) => f.properties.count === 0 && f.properties.bin > 0)).toBe(true);
    expect(b.features.filter((f: any) => f.properties.bin > 0 && f.properties.count === 0).length).toBe(neighbourOnly.length);
    expect(b.features.every((f: any) => f.properties.bin <= 0 || f.properties.z > 0)).toBe(true);
  });

  it('offers cold classes only when a cell could reach a cold z, computed here from the cells', async () => {
    const b = (await leader.call('GET', '/api/hotspots?all=1')).body;
    const counts = b.features.map((f: any) => f.properties.count as number);
    const n = counts.length;
    const mean = counts.reduce((a: number, c: number) => a + c, 0) / n;
    const s = Math.sqrt(counts.reduce((a: number, c: number) => a + c * c, 0) / n - mean * mean);
    let lowest = Infinity;
    const band2 = b.distanceBand_m ** 2 * (1 + 1e-9);
    for (const f of b.features) {
      // cell centres rounded to the metre: the band sits well away from any centre-to-centre distance
      const k = b.features.filter((g: any) => (g.properties.x_m - f.properties.x_m) ** 2 + (g.properties.y_m - f.properties.y_m) ** 2 <= band2).length;
      lowest = Math.min(lowest, (-mean * k) / (s * Math.sqrt((n * k - k * k) / (n - 1))));
    }
    expect(b.legend.lowestReachableZ).toBeCloseTo(lowest, 2);
    expect(b.legend.coldPossible).toBe(lowest <= -1.6449);
    if (!b.legend.coldPossible) {
      expect(b.legend.note).toContain('cold spots cannot appear');
      expect(b.features.every((f: any) => f.properties.bin >= 0)).toBe(true);
    }
  });

  it('sends the map a compact answer: cells by number on the grid, the same cells as the full grid', async () => {
    const full = (await leader.call('GET', '/api/hotspots?all=1')).body;
    const r = await leader.call('GET', '/api/hotspots');
    const b = r.body;
    expect(b.features).toBeUndefined();
    const sig = full.features.filter((f: any) => f.properties.bin !== 0);
    expect(b.cells.index).toHaveLength(sig.length);
    const { west, south, dLon, dLat, cols } = b.grid;
    b.cells.index.forEach((k: number, j: number) => {
      const [w, s] = [west + (k % cols) * dLon, south + Math.floor(k / cols) * dLat];
      const match = sig.find((f: any) => Math.abs(f.geometry.coordinates[0][0][0] - w) < 2e-6 && Math.abs(f.geometry.coordinates[0][0][1] - s) < 2e-6);
      expect(match, `cell ${k}`).toBeTruthy();
      expect(match.properties.bin).toBe(b.cells.bin[j]);
      expect(match.properties.count).toBe(b.cells.count[j]);
    });
    expect(b.spots.map((s: any) => s.reports)).toEqual(full.spots.map((s: any) => s.reports));
    // small on the wire: compressed when the client accepts it
    const gz = await leader.call('GET', '/api/hotspots', undefined, { 'accept-encoding': 'gzip' });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(JSON.stringify(b).length).toBeLessThan(120_000);
  });

  it('filters by category and period, and takes a cell size and band of the user’s choosing', async () => {
    const ads = (await leader.call('GET', '/api/hotspots?category=illegal_ad&from=2026-11-01&cellSize=300&distanceBand=700')).body;
    expect(ads).toMatchObject({ cellSize_m: 300, distanceBand_m: 700 });
    const list = await leader.call('GET', `/api/reports?category=illegal_ad&from=2026-11-01&${ALL_REPORTS}`);
    expect(ads.total + ads.studyArea.outsideReports).toBe(list.body.numberReturned);
    expect((await leader.call('GET', '/api/hotspots?cellSize=5')).status).toBe(400);
    const tiny = await leader.call('GET', '/api/hotspots?cellSize=200&distanceBand=100');
    expect(tiny.status).toBe(422);
    expect(tiny.body.error.code).toBe('band_too_small');
  });

  it('analyses rates against road length when asked, over the cells with road in them', async () => {
    const counts = (await leader.call('GET', '/api/hotspots?all=1')).body;
    const rates = (await leader.call('GET', '/api/hotspots?all=1&exposure=roads')).body;
    expect(rates.exposure).toBe('roads');
    expect(rates.method).toContain('reports per km of road');
    expect(rates.features.length).toBeLessThan(counts.features.length);
    for (const f of rates.features) expect(f.properties.perKm > 0).toBe(f.properties.count > 0);
  });

  it('chooses the scale as Optimized Hot Spot Analysis would, and says how', async () => {
    const b = (await leader.call('GET', '/api/hotspots?scale=ohsa')).body;
    expect(b.scale.rule).toBe('ohsa');
    expect(b.cellRule).toContain('mean nearest-neighbour distance');
    expect(b.cellSize_m).toBeGreaterThanOrEqual(50);
    expect(b.cellSize_m).toBeLessThanOrEqual(1000);
    expect(b.scale.bands).toHaveLength(10);
    const distances = b.scale.bands.map((x: any) => x.distance);
    expect([...distances].sort((x: number, y: number) => x - y)).toEqual(distances);
    if (b.bandRule.includes('peak')) expect(distances).toContain(b.distanceBand_m);
  });

  it('computes again after a new report, and not before', async () => {
    const before = (await leader.call('GET', '/api/hotspots')).body;
    const again = (await leader.call('GET', '/api/hotspots')).body;
    expect(again).toEqual(before);
    const inspector = await app.as('inspector');
    const [lon, lat] = generatorTown.landmarks['market']!;
    expect((await inspector.call('POST', '/api/reports', { category: 'road_stall', lon, lat, accuracyM: 5 })).status).toBe(201);
    const after = (await leader.call('GET', '/api/hotspots')).body;
    expect(after.total).toBe(before.total + 1);
  });

  it('finds emerging hot spots over twelve weeks, each category by its stated rule', async () => {
    const r = await leader.call('GET', '/api/analysis/emerging?weeks=12');
    expect(r.status).toBe(200);
    const b = r.body;
    expect(b.weeks).toHaveLength(12);
    expect(b.method).toContain('Mann-Kendall');
    const most = Math.ceil(0.9 * 12);
    b.cells.category.forEach((c: string, k: number) => {
      const hot = b.cells.hotWeeks[k];
      const cold = b.cells.coldWeeks[k];
      expect(c).not.toBe('none');
      if (['persistent_hot', 'intensifying_hot', 'diminishing_hot', 'historical_hot'].includes(c)) expect(hot).toBeGreaterThanOrEqual(most);
      if (['new_hot', 'consecutive_hot', 'sporadic_hot', 'oscillating_hot'].includes(c)) expect(hot).toBeLessThan(most);
      if (c === 'new_hot') expect(hot).toBe(1);
      if (c === 'oscillating_hot') expect(cold).toBeGreaterThan(0);
      if (c === 'sporadic_hot') expect(cold).toBe(0);
    });
    // the market, busy every week, is a lasting hot spot
    expect(b.cells.category.some((c: string) => c === 'persistent_hot' || c === 'intensifying_hot' || c === 'diminishing_hot')).toBe(true);
    for (const s of b.spots) {
      expect(s.reports).toBeGreaterThanOrEqual(3);
      expect(['rising', 'falling', 'steady']).toContain(s.trend);
    }
    expect((await leader.call('GET', '/api/analysis/emerging?weeks=2')).status).toBe(400);
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

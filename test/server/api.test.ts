import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/stores.ts';
import { cookieOf, demoApp, expectError, NOW, type Client, type TestApp } from '../helpers/app.ts';
import { alongRoad, demoTown } from '../helpers/town.ts';
import { createRandom } from '../../server/demo/random.ts';
import { decodePoints } from '../../server/domain/points.ts';


const { generatorTown } = demoTown();
const laneA = alongRoad(generatorTown.roads, 'laneA', 0);
const village = generatorTown.landmarks['committee:banbianjie']!;


describe.each(DIALECTS)('the API over %s', (dialect) => {
  let app: TestApp;
  let t: Client;
  beforeAll(async () => {
    app = await demoApp(dialect);
    t = await app.as('inspector');
  });
  afterAll(async () => {
    await app?.drop();
  });

  it('asks for a session on every route but health, and signs in and out', async () => {
    expect((await app.call('GET', '/api/health')).status).toBe(200);
    expectError(await app.call('GET', '/api/reports'), 401, 'unauthenticated');
    expectError(await app.call('POST', '/api/reports', { category: 'weeds', lon: laneA[0], lat: laneA[1] }), 401, 'unauthenticated');
    expectError(await app.call('POST', '/api/auth/login', { username: 'office', password: 'wrong' }), 401, 'bad_credentials');
    const office = await app.as('office');
    const me = await office.call('GET', '/api/auth/me');
    expect(me.body.user).toMatchObject({ username: 'office', role: 'office' });
    expect(JSON.stringify(me.body)).not.toContain('password');
  });

  it('answers health with the database in use', async () => {
    const res = await t.call('GET', '/api/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', database: dialect });
  });

  it('serves the township, its areas by kind, categories and the basemap', async () => {
    const town = await t.call('GET', '/api/township');
    expect(town.body).toMatchObject({ nameZh: '纳具镇', timezone: 'Asia/Shanghai' });
    const zones = await t.call('GET', '/api/areas?kind=cleaning_zone');
    expect(zones.body.features.map((f: any) => f.properties.nameZh)).toEqual(['第一保洁区', '第二保洁区', '第三保洁区', '第四保洁区']);
    const villages = await t.call('GET', '/api/areas?kind=village,community');
    expect(villages.body.features.length).toBe(9);
    expect(villages.body.features.every((f: any) => ['village', 'community'].includes(f.properties.kind))).toBe(true);
    const cats = await t.call('GET', '/api/categories');
    expect(cats.body[0]).toMatchObject({ code: 'exposed_garbage', nameZh: '暴露垃圾', deadlineHours: 24 });
    const basemap = await t.call('GET', '/api/basemap');
    expect(basemap.body.features.some((f: any) => f.properties.nameZh === '农贸市场')).toBe(true);
    expectError(await t.call('GET', '/api/areas?kind=city'), 400, 'invalid_input');
  });

  it('routes a new report on the lanes of zone 3 to 第三保洁区 and 安章社区', async () => {
    const res = await t.call('POST', '/api/reports', {
      category: 'exposed_garbage',
      lon: laneA[0],
      lat: laneA[1],
      accuracyM: 8,
      description: '巷口垃圾堆积',
      capturedAt: '2026-11-30T09:30:00+08:00',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      category: 'exposed_garbage',
      // zone 3 has a cleaner, so the item goes straight to them with the day's deadline (日产日清)
      status: 'notified',
      assignee: { role: 'cleaner' },
      responsibleArea: { code: 'zone-3' },
      deadlineAt: '2026-11-30T15:59:59.000Z',
      zone: { code: 'zone-3', nameZh: '第三保洁区' },
      village: { nameZh: '安章社区' },
      description: '巷口垃圾堆积',
      capturedAt: '2026-11-30T01:30:00.000Z',
      observedAt: '2026-11-30T01:30:00.000Z',
      receivedAt: NOW.toISOString(),
    });
    const back = await t.call('GET', `/api/reports/${res.body.id}`);
    expect(back.body).toMatchObject({ id: res.body.id, zone: { code: 'zone-3' } });
    expect(back.body.events).toEqual([
      expect.objectContaining({ type: 'created', to: 'reported', actor: expect.objectContaining({ role: 'inspector' }) }),
      expect.objectContaining({ type: 'notify', from: 'reported', to: 'notified' }),
    ]);
  });

  it('routes a village report to the village with no cleaning zone', async () => {
    const res = await t.call('POST', '/api/reports', { category: 'black_spot', lon: village[0], lat: village[1] });
    expect(res.status).toBe(201);
    expect(res.body.zone).toBeNull();
    expect(res.body.village.nameZh).toBe('半边街村');
  });

  it('refuses a spot outside the township with 422 and says so', async () => {
    const res = await t.call('POST', '/api/reports', { category: 'exposed_garbage', lon: 106.5, lat: 26.5 });
    expectError(res, 422, 'outside_township');
    expect(res.body.error.message).toContain('outside');
  });

  it('refuses bad input with 400 naming the field, and an unknown category with 422', async () => {
    expectError(await t.call('POST', '/api/reports', { category: 'exposed_garbage', lon: 'east', lat: 26.1 }), 400, 'invalid_input');
    expectError(await t.call('POST', '/api/reports', { category: 'exposed_garbage', lon: 200, lat: 26.1 }), 400, 'invalid_input');
    expectError(await t.call('POST', '/api/reports', { category: 'exposed_garbage', lon: laneA[0], lat: laneA[1], color: 'red' }), 400, 'invalid_input');
    expectError(await t.call('POST', '/api/reports', '{"category": "exposed_garbage", "lon": '), 400);
    const unknown = await t.call('POST', '/api/reports', { category: 'graffiti', lon: laneA[0], lat: laneA[1] });
    expectError(unknown, 422, 'unknown_category');
    expect(unknown.body.error.message).toContain('exposed_garbage');
    const big = await t.call('POST', '/api/reports', { category: 'weeds', lon: laneA[0], lat: laneA[1], description: 'x'.repeat(70_000) });
    expectError(big, 413, 'body_too_large');
  });

  it('returns the first report for a repeated Idempotency-Key, never a second one', async () => {
    const key = randomUUID();
    const body = { category: 'illegal_ad', lon: laneA[0], lat: laneA[1] };
    const before = (await t.call('GET', '/api/reports?category=illegal_ad&limit=10000')).body.numberReturned;
    const first = await t.call('POST', '/api/reports', body, { 'idempotency-key': key });
    const again = await t.call('POST', '/api/reports', body, { 'idempotency-key': key });
    const racing = await Promise.all(
      [1, 2, 3, 4].map(() => t.call('POST', '/api/reports', body, { 'idempotency-key': key })),
    );
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(new Set([again, ...racing].map((r) => r.body.id))).toEqual(new Set([first.body.id]));
    const after = (await t.call('GET', '/api/reports?category=illegal_ad&limit=10000')).body.numberReturned;
    expect(after).toBe(before + 1);
    expectError(await t.call('POST', '/api/reports', { ...body, category: 'weeds' }, { 'idempotency-key': key }), 409, 'idempotency_key_reused');
    expectError(await t.call('POST', '/api/reports', body, { 'idempotency-key': 'not-a-uuid' }), 400, 'invalid_input');
  });

  it('makes one report from concurrent first deliveries of the same key', async () => {
    const key = randomUUID();
    const body = { category: 'piled_debris', lon: village[0], lat: village[1] };
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => t.call('POST', '/api/reports', body, { 'idempotency-key': key })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
  });

  it('filters reports by category, status, zone, village, bounding box and dates, exactly as the data says', async () => {
    const all = (await t.call('GET', '/api/reports?limit=10000')).body;
    expect(all.truncated).toBe(false);
    expect(all.numberReturned).toBeGreaterThan(1000);
    const props = all.features.map((f: any) => ({ ...f.properties, lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1] }));
    const zones = (await t.call('GET', '/api/areas?kind=cleaning_zone')).body.features;
    const zone3 = zones.find((f: any) => f.properties.code === 'zone-3').properties.id;
    const villages = (await t.call('GET', '/api/areas?kind=village,community')).body.features;
    const anzhang = villages.find((f: any) => f.properties.nameZh === '安章社区').properties.id;
    const bbox = [105.935, 26.138, 105.942, 26.144];
    const from = '2026-11-01';
    const to = '2026-11-15';
    const fromUtc = '2026-10-31T16:00:00.000Z';
    const toUtc = '2026-11-15T16:00:00.000Z';
    const cases: [string, (p: any) => boolean][] = [
      ['category=road_stall,illegal_ad', (p) => ['road_stall', 'illegal_ad'].includes(p.category)],
      ['status=notified', (p) => p.status === 'notified'],
      [`zone=${zone3}`, (p) => p.zoneId === zone3],
      [`village=${anzhang}&status=closed`, (p) => p.villageId === anzhang && p.status === 'closed'],
      [`bbox=${bbox.join(',')}`, (p) => p.lon >= bbox[0]! && p.lon <= bbox[2]! && p.lat >= bbox[1]! && p.lat <= bbox[3]!],
      [`from=${from}&to=${to}`, (p) => p.observedAt >= fromUtc && p.observedAt < toUtc],
      [`from=2026-11-10T00:00:00%2B08:00&category=exposed_garbage`, (p) => p.observedAt >= '2026-11-09T16:00:00.000Z' && p.category === 'exposed_garbage'],
    ];
    // and a spread of random boxes over the town centre, each checked against the data
    const random = createRandom(99);
    for (let i = 0; i < 25; i++) {
      const w = 0.002 + random.next() * 0.02;
      const h = 0.002 + random.next() * 0.02;
      const b = [105.92 + random.next() * 0.03, 26.13 + random.next() * 0.03];
      const box = [b[0]!, b[1]!, b[0]! + w, b[1]! + h];
      cases.push([`bbox=${box.join(',')}`, (p) => p.lon >= box[0]! && p.lon <= box[2]! && p.lat >= box[1]! && p.lat <= box[3]!]);
    }
    let nonEmpty = 0;
    for (const [query, pred] of cases) {
      const got = (await t.call('GET', `/api/reports?${query}&limit=10000`)).body;
      const expected = props.filter(pred).map((p: any) => p.id).sort();
      if (expected.length > 0) nonEmpty++;
      expect(got.features.map((f: any) => f.id).sort(), query).toEqual(expected);
    }
    expect(nonEmpty).toBeGreaterThan(cases.length * 0.6);
  });

  it('serves every matching report as binary points, the same set as the GeoJSON list', async () => {
    const q = 'category=exposed_garbage,illegal_ad&from=2026-10-01';
    const list = (await t.call('GET', `/api/reports?${q}&limit=10000`)).body;
    const res = await app.app.request(`/api/reports/points?${q}`, { headers: { cookie: await cookieOf(app, 'inspector') } });
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    const d = decodePoints(new Uint8Array(await res.arrayBuffer()));
    expect(d.count).toBe(list.numberReturned);
    expect(Number(res.headers.get('x-point-count'))).toBe(list.numberReturned);
    const garbage = d.categories.indexOf('exposed_garbage');
    const expectGarbage = list.features.filter((f: any) => f.properties.category === 'exposed_garbage').length;
    expect([...d.category].filter((c) => c === garbage).length).toBe(expectGarbage);
    const gz = await app.app.request(`/api/reports/points?${q}`, { headers: { cookie: await cookieOf(app, 'inspector'), 'accept-encoding': 'gzip' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
  });

  it('answers the points again from the bytes made last time until a report is written, then anew', async () => {
    const count = async (q: string) => {
      const res = await app.app.request(`/api/reports/points?${q}`, { headers: { cookie: await cookieOf(app, 'inspector') } });
      return decodePoints(new Uint8Array(await res.arrayBuffer())).count;
    };
    const before = await count('category=weeds');
    const all = await count('');
    expect(await count('category=weeds')).toBe(before);
    const res = await t.call('POST', '/api/reports', { category: 'weeds', lon: laneA[0], lat: laneA[1] + 0.0004 });
    expect(res.status).toBe(201);
    expect(await count('category=weeds')).toBe(before + 1);
    expect(await count('')).toBe(all + 1);
    // written one after another between reads, each appended once, and the whole answer is what a fresh read says
    for (let i = 1; i <= 3; i++) {
      await t.call('POST', '/api/reports', { category: i % 2 ? 'illegal_ad' : 'weeds', lon: laneA[0] + i * 0.0002, lat: laneA[1] + 0.0004 });
      expect(await count('')).toBe(all + 1 + i);
    }
    const res2 = await app.app.request('/api/reports/points', { headers: { cookie: await cookieOf(app, 'inspector') } });
    const d = decodePoints(new Uint8Array(await res2.arrayBuffer()));
    const list = (await t.call('GET', '/api/reports?limit=10000')).body;
    const byCategory = (codes: string[]) => Object.fromEntries(d.categories.map((c) => [c, codes.filter((x) => x === c).length]));
    expect(byCategory([...d.category].map((i) => d.categories[i]!))).toEqual(byCategory(list.features.map((f: any) => f.properties.category)));
    expect(d.count).toBe(list.numberReturned);
    // and an item leaving the filter leaves the points
    const open = await count('category=weeds&status=reported,notified');
    const reject = await (await app.as('office')).call('POST', `/api/reports/${res.body.id}/transitions`, { action: 'reject', note: '重复上报' });
    expect(reject.status).toBe(200);
    expect(await count('category=weeds&status=reported,notified')).toBe(open - 1);
    // one weeds report above and one in the loop
    expect(await count('category=weeds')).toBe(before + 2);
  });

  it('returns newest first, caps the limit, and says when a page is truncated', async () => {
    const page = (await t.call('GET', '/api/reports?limit=5')).body;
    expect(page.numberReturned).toBe(5);
    expect(page.truncated).toBe(true);
    const times = page.features.map((f: any) => f.properties.observedAt);
    expect([...times].sort().reverse()).toEqual(times);
    expectError(await t.call('GET', '/api/reports?limit=10001'), 400, 'invalid_input');
    expectError(await t.call('GET', '/api/reports?bbox=1,2,3'), 400, 'invalid_input');
    expectError(await t.call('GET', '/api/reports?status=lost'), 400, 'invalid_input');
    expectError(await t.call('GET', '/api/reports?from=last-week'), 400, 'invalid_input');
  });

  it('answers unknown reports and endpoints with the error shape', async () => {
    expectError(await t.call('GET', `/api/reports/${randomUUID()}`), 404, 'report_not_found');
    expectError(await t.call('GET', '/api/reports/42'), 400, 'invalid_input');
    expectError(await t.call('GET', '/api/nothing-here'), 404, 'not_found');
  });
});

import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { sql } from 'kysely';
import * as XLSX from 'xlsx';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, freshStore, type TestStore } from '../helpers/stores.ts';
import { cookieOf, demoApp, expectError, type Client, type TestApp } from '../helpers/app.ts';
import { alongRoad, demoTown } from '../helpers/town.ts';
import { localPlane } from '../../server/domain/geo.ts';
import { migrate } from '../../server/store/connect.ts';
import { insertReports } from '../../server/store/reports.ts';
import { defaultCasePrefix, normaliseCaseNo } from '../../server/domain/case-numbers.ts';

// Case numbers (案件编号) as the office reads and types them: one per item, per township and year, given when the
// item is stored, never twice; found by the search box, used to merge; shown in the ledger, its files and messages.

const { generatorTown } = demoTown();
const CASE = /^NJ-(\d{4})-(\d{6})$/;
const localYear = (iso: string) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date(iso));

describe('the prefix and what people type', () => {
  it('takes the initials of the township name without its suffix, reading heteronyms in context', () => {
    expect(defaultCasePrefix('demo-town', '纳具镇')).toBe('NJ');
    expect(defaultCasePrefix('cs', '长寿街道')).toBe('CS');
    expect(defaultCasePrefix('xing-long', '兴隆乡')).toBe('XL');
    // no Chinese name to read: the code
    expect(defaultCasePrefix('river-bend', 'River Bend')).toBe('RIVERBEN');
  });
  it('tidies a typed number, full or without the prefix, and refuses what is not one', () => {
    expect(normaliseCaseNo(' nj-2026-123 ', 'NJ')).toBe('NJ-2026-000123');
    expect(normaliseCaseNo('NJ－2026－000123', 'NJ')).toBe('NJ-2026-000123');
    expect(normaliseCaseNo('2026-45', 'NJ')).toBe('NJ-2026-000045');
    expect(normaliseCaseNo('垃圾', 'NJ')).toBeNull();
    expect(normaliseCaseNo('123', 'NJ')).toBeNull();
  });
});

describe.each(DIALECTS)('case numbers over %s', (dialect) => {
  let app: TestApp;
  let inspector: Client;
  let office: Client;
  const plane = localPlane(alongRoad(generatorTown.roads, 'laneB', 1, 0.5));
  const spot = (dx: number) => plane.toLonLat(dx, 0);

  beforeAll(async () => {
    app = await demoApp(dialect, { scale: 0.3 });
    inspector = await app.as('inspector');
    office = await app.as('office');
  });
  afterAll(async () => {
    await app?.drop();
  });

  const numbers = async () =>
    (await app.deps.store.db.selectFrom('reports').select(['case_no', 'observed_at']).execute()).map((r) => ({ caseNo: r.case_no!, observedAt: r.observed_at }));

  it('numbers every item of the year from 1 without gaps or repeats, in the order the problems were seen', async () => {
    const all = await numbers();
    expect(all.length).toBeGreaterThan(100);
    const byYear = new Map<string, { n: number; observedAt: string }[]>();
    for (const r of all) {
      const m = CASE.exec(r.caseNo);
      expect(m, r.caseNo).not.toBeNull();
      // the year is the township's, not UTC's
      expect(m![1]).toBe(localYear(r.observedAt));
      byYear.set(m![1]!, [...(byYear.get(m![1]!) ?? []), { n: Number(m![2]), observedAt: r.observedAt }]);
    }
    for (const list of byYear.values()) {
      list.sort((a, b) => a.n - b.n);
      expect(list.map((r) => r.n)).toEqual(list.map((_, i) => i + 1));
      for (let i = 1; i < list.length; i++) expect(list[i]!.observedAt >= list[i - 1]!.observedAt).toBe(true);
    }
  });

  it('gives thirty reports sent at the same moment thirty consecutive numbers of their own', async () => {
    const year = localYear(app.clock.now.toISOString());
    const last = Math.max(0, ...(await numbers()).filter((r) => r.caseNo.includes(`-${year}-`)).map((r) => Number(CASE.exec(r.caseNo)![2])));
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => {
        const [lon, lat] = spot(40 * i);
        return inspector.call('POST', '/api/reports', { category: 'illegal_ad', lon, lat, description: `并发上报 ${i}` });
      }),
    );
    for (const a of answers) expect(a.status, JSON.stringify(a.body)).toBe(201);
    const got = answers.map((a) => a.body.caseNo as string).sort();
    expect(got).toEqual(Array.from({ length: 30 }, (_, i) => `NJ-${year}-${String(last + 1 + i).padStart(6, '0')}`));
    // the detail and the ledger show the same number
    const one = answers[7]!.body;
    expect((await office.call('GET', `/api/reports/${one.id}`)).body.caseNo).toBe(one.caseNo);
  });

  it('finds an item by its number as typed, by words of its description, and by a landmark near it', async () => {
    const [lon, lat] = spot(-30);
    const made = (await inspector.call('POST', '/api/reports', { category: 'exposed_garbage', lon, lat, description: '桥头 塑料袋 成堆' })).body;
    const short = `${made.caseNo.split('-')[1]}-${Number(made.caseNo.split('-')[2])}`; // 2026-123
    for (const q of [made.caseNo, made.caseNo.toLowerCase(), short]) {
      const found = await office.call('GET', `/api/search?q=${encodeURIComponent(q)}`);
      expect(found.status).toBe(200);
      expect(found.body.items.map((i: any) => i.id)).toEqual([made.id]);
      const ledger = await office.call('GET', `/api/ledger?q=${encodeURIComponent(q)}`);
      expect(ledger.body.rows.map((r: any) => r.id)).toEqual([made.id]);
      expect(ledger.body.total).toBe(1);
    }
    // every word must appear, in any order
    const words = await office.call('GET', `/api/ledger?q=${encodeURIComponent('成堆 桥头')}`);
    expect(words.body.rows.map((r: any) => r.id)).toEqual([made.id]);
    expect((await office.call('GET', `/api/ledger?q=${encodeURIComponent('成堆 不存在的词')}`)).body.total).toBe(0);
    // LIKE's own characters are only themselves
    expect((await office.call('GET', `/api/ledger?q=${encodeURIComponent('%')}`)).body.total).toBe(0);

    // a landmark: the items within 100 m of it, checked against the distance computed here
    const landmarks = JSON.parse(fs.readFileSync('data/demo-town/landmarks.geojson', 'utf8')).features;
    const market = { at: landmarks.find((f: any) => f.properties.nameZh === '农贸市场').geometry.coordinates };
    const near = await office.call('GET', `/api/ledger?q=${encodeURIComponent('农贸市场')}&limit=5000`);
    const search = await office.call('GET', `/api/search?q=${encodeURIComponent('农贸市场')}`);
    expect(search.body.places.map((p: any) => p.nameZh)).toContain('农贸市场');
    const mp = localPlane(market.at as [number, number]);
    const rows = await app.deps.store.db.selectFrom('reports').select(['id', 'lon', 'lat', 'description']).execute();
    const within = rows.filter((r) => {
      const [x, y] = mp.toMetres(r.lon, r.lat);
      return Math.abs(x) <= 99 && Math.abs(y) <= 99;
    });
    expect(within.length).toBeGreaterThan(5);
    const got = new Set(near.body.rows.map((r: any) => r.id));
    for (const r of within) expect(got.has(r.id)).toBe(true);
    for (const r of near.body.rows) {
      const [x, y] = mp.toMetres(r.lon, r.lat);
      const named = (r.description ?? '').includes('农贸市场');
      expect(named || (Math.abs(x) <= 101 && Math.abs(y) <= 101), `${r.caseNo} at ${x.toFixed(0)}, ${y.toFixed(0)} m`).toBe(true);
    }
    expect(near.body.total).toBe(near.body.rows.length);
  });

  it('merges by the case number the office reads off the briefing, and refuses one that names nothing', async () => {
    const [lon, lat] = spot(500);
    const first = (await inspector.call('POST', '/api/reports', { category: 'road_stall', lon, lat })).body;
    const second = (await inspector.call('POST', '/api/reports', { category: 'road_stall', lon, lat })).body;
    const nothing = await office.call('POST', `/api/reports/${second.id}/transitions`, { action: 'merge', duplicateOf: 'NJ-2026-999999' });
    expectError(nothing, 422, 'bad_duplicate');
    expect(nothing.body.error.message).toMatch(/合并/);
    const gibberish = await office.call('POST', `/api/reports/${second.id}/transitions`, { action: 'merge', duplicateOf: '第一个' });
    expectError(gibberish, 400);
    expect(gibberish.body.error.message).toMatch(/案件编号/);
    const merged = await office.call('POST', `/api/reports/${second.id}/transitions`, { action: 'merge', duplicateOf: first.caseNo.toLowerCase() });
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    expect(merged.body.duplicateOf).toBe(first.id);
  });

  it('counts the whole ledger, gives lateness in hours, flags what is due soon, sorts by any column, and exports what it shows', async () => {
    const all = Number((await app.deps.store.db.selectFrom('reports').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const page = await office.call('GET', '/api/ledger?limit=20');
    expect(page.body.rows).toHaveLength(20);
    expect(page.body.total).toBe(all);

    // a road stall is due 4 hours after it is reported: 3 h later it is due soon, 5 h 30 later it is 1 h 30 late
    const [lon, lat] = spot(800);
    const stall = (await inspector.call('POST', '/api/reports', { category: 'road_stall', lon, lat, description: '计时测试' })).body;
    expect(stall.status).toBe('notified');
    const row = async () => (await office.call('GET', `/api/ledger?q=${encodeURIComponent(stall.caseNo)}`)).body.rows[0];
    expect(await row()).toMatchObject({ dueSoon: false, hoursOverdue: 0, overdue: false });
    app.clock.advance(3 * 3_600_000);
    // the office comes back to its desk (a desk session ends after 30 idle minutes)
    office = await app.signInAgain('office');
    expect(await row()).toMatchObject({ dueSoon: true, hoursOverdue: 0, overdue: false });
    const soon = await office.call('GET', '/api/ledger?dueSoon=1&limit=5000');
    expect(soon.body.rows.map((r: any) => r.id)).toContain(stall.id);
    expect(soon.body.rows.every((r: any) => r.dueSoon)).toBe(true);
    app.clock.advance(2.5 * 3_600_000);
    office = await app.signInAgain('office');
    expect(await row()).toMatchObject({ dueSoon: false, hoursOverdue: 1, daysOverdue: 0, overdue: true });

    // overdue, longest late first by default when sorted by deadline; and by responsible person, both ways
    const late = await office.call('GET', '/api/ledger?overdue=1&sort=deadline&limit=5000');
    const lateRows = late.body.rows as any[];
    expect(lateRows.length).toBe(late.body.total);
    expect(lateRows.length).toBeGreaterThan(3);
    for (let i = 1; i < lateRows.length; i++) expect(lateRows[i].hoursOverdue).toBeLessThanOrEqual(lateRows[i - 1].hoursOverdue);
    const who = (r: any) => r.assignee?.displayName ?? r.responsibleArea?.nameZh ?? '';
    for (const dir of ['asc', 'desc'] as const) {
      const byWho = (await office.call('GET', `/api/ledger?overdue=1&sort=responsible&dir=${dir}&limit=5000`)).body.rows.map(who).filter(Boolean);
      const sorted = [...byWho].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      expect(byWho).toEqual(dir === 'asc' ? sorted : sorted.reverse());
    }
    const byCase = (await office.call('GET', '/api/ledger?sort=case&dir=asc&limit=50')).body.rows.map((r: any) => r.caseNo);
    expect(byCase).toEqual([...byCase].sort());

    // every export takes the filter on screen: the overdue list, 61 rows on screen → the same rows in the file
    const ids = new Set(lateRows.map((r) => r.id));
    const csv = await office.call('GET', '/api/ledger.csv?overdue=1&sort=deadline');
    const lines = (csv.body as string).trim().split('\n');
    expect(lines[0]).toContain('案件编号');
    expect(lines.length - 1).toBe(ids.size);
    const xlsx = await app.app.request('/api/export/reports.xlsx?overdue=1', { headers: { cookie: await cookieOf(app, 'office') } });
    expect(xlsx.status).toBe(200);
    const sheet = XLSX.read(new Uint8Array(await xlsx.arrayBuffer()), { type: 'array' });
    const table = XLSX.utils.sheet_to_json<Record<string, unknown>>(sheet.Sheets[sheet.SheetNames[0]!]!);
    expect(new Set(table.map((r) => r['编号 id']))).toEqual(ids);
    expect(table.every((r) => CASE.test(String(r['案件编号 case_no'])))).toBe(true);
    const geo = await office.call('GET', `/api/export/reports.geojson?overdue=1&q=${encodeURIComponent(stall.caseNo)}`);
    expect(geo.body.features.map((f: any) => f.properties.case_no)).toEqual([stall.caseNo]);
  });
});

describe.each(DIALECTS)('numbering what a database already holds (%s)', (dialect) => {
  let db: TestStore | undefined;
  afterEach(async () => {
    await db?.drop();
    db = undefined;
  });

  it('numbers stored items by township and local year when it is upgraded, and goes on from there', async () => {
    db = await freshStore(dialect, { upTo: '2026-12-04T0900-event-keys' });
    const k = db.store.db as any;
    const ring = [[116.4, 39.9], [116.41, 39.9], [116.41, 39.91], [116.4, 39.9]];
    const NOW = '2026-11-30T02:00:00.000Z';
    const town = (id: string, code: string, nameZh: string) =>
      k.insertInto('townships').values({ id, code, name_zh: nameZh, name_en: code, boundary: JSON.stringify({ type: 'Polygon', coordinates: [ring] }), timezone: 'Asia/Shanghai', created_at: NOW }).execute();
    const A = randomUUID();
    const B = randomUUID();
    await town(A, 'xl', '兴隆镇');
    await town(B, 'river-bend', 'River Bend');
    await k.insertInto('categories').values([A, B].map((t) => ({ township_id: t, code: 'x', name_zh: '类', name_en: 'x', color: '#000000', deadline_hours: 24, deduction_yuan: 0, sort_order: 1, active: 1, same_day: 0, score_points: 1, duplicate_radius_m: 30, responsibility: 'area' }))).execute();
    // 16:30 UTC on 31 December is already 1 January in the township
    const seen = ['2025-12-31T15:59:00.000Z', '2025-12-31T16:30:00.000Z', '2026-03-01T00:00:00.000Z', '2025-06-01T00:00:00.000Z'];
    const report = (t: string, observed: string) => ({ id: randomUUID(), township_id: t, category_code: 'x', lon: 116.405, lat: 39.905, status: 'reported' as const, received_at: observed, observed_at: observed, updated_at: observed });
    const rowsA = seen.map((s) => report(A, s));
    await k.insertInto('reports').values([...rowsA, report(B, seen[2]!)]).execute();

    await migrate(db.store);

    const caseOf = async (id: string) => (await k.selectFrom('reports').select('case_no').where('id', '=', id).executeTakeFirstOrThrow()).case_no;
    expect(await Promise.all(rowsA.map((r) => caseOf(r.id)))).toEqual(['XL-2025-000002', 'XL-2026-000001', 'XL-2026-000002', 'XL-2025-000001']);
    expect((await k.selectFrom('reports').select('case_no').where('township_id', '=', B).executeTakeFirstOrThrow()).case_no).toBe('RIVERBEN-2026-000001');
    // new items go on from the last number of their year
    const next = { ...report(A, '2026-04-01T00:00:00.000Z') };
    const older = { ...report(A, '2025-08-01T00:00:00.000Z') };
    await insertReports(db.store.db, [next, older]);
    expect(await caseOf(next.id)).toBe('XL-2026-000003');
    expect(await caseOf(older.id)).toBe('XL-2025-000003');
    // a number is never given twice
    await expect(sql`UPDATE reports SET case_no = 'XL-2026-000001' WHERE id = ${next.id}`.execute(k)).rejects.toThrow();
  });
});

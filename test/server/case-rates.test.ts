import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/stores.ts';
import { demoApp, expectError, type TestApp } from '../helpers/app.ts';
import { gradeOf, periodDates, ratesOf, ratesTable } from '../../server/domain/case-rates.ts';
import { localMidnightUtc } from '../../server/domain/calendar.ts';

// The standard rates of a city-management evaluation, checked against a published city bulletin's figures and
// against counts written here in SQL, on both databases.

describe('the rates and grades', () => {
  it('gives the bulletin’s figures: 应结案 972, 结案 911, 按期结案 737 → 93.72 % and 75.82 %', () => {
    const r = ratesOf('city', { due: 972, parked: 0, closed: 911, closedOnTime: 737, reworked: 0 });
    expect(r.closeRate).toBe(93.72);
    expect(r.onTimeRate).toBe(75.82);
  });
  it('leaves parked items out of what had to be closed, and counts rework against what was closed', () => {
    const r = ratesOf('z', { due: 10, parked: 2, closed: 8, closedOnTime: 6, reworked: 2 });
    expect(r).toMatchObject({ closeRate: 100, onTimeRate: 75, reworkRate: 25 });
    // score: 0.3 × 100 + 0.5 × 75 + 0.2 × (100 − 25) = 82.5 → B
    expect(r.score).toBe(82.5);
    expect(r.grade).toBe('B');
    expect(ratesOf('none', { due: 0, parked: 0, closed: 0, closedOnTime: 0, reworked: 0 })).toMatchObject({ closeRate: null, score: null, grade: null });
  });
  it('grades A ≥ 90, B ≥ 75, C ≥ 60, D ≥ 40, E below', () => {
    expect([100, 90, 89.99, 75, 74.99, 60, 59.99, 40, 39.99, 0].map(gradeOf)).toEqual(['A', 'A', 'B', 'B', 'C', 'C', 'D', 'D', 'E', 'E']);
  });
  it('counts each item once, parked ones only as due', () => {
    const t = ratesTable([
      { key: 'a', closed: true, closedOnTime: true, reworked: false, parked: false },
      { key: 'a', closed: true, closedOnTime: false, reworked: true, parked: false },
      { key: 'a', closed: false, closedOnTime: false, reworked: false, parked: true },
      { key: 'b', closed: false, closedOnTime: false, reworked: false, parked: false },
    ]);
    expect(t.map((r) => [r.key, r.due, r.parked, r.closed, r.closedOnTime, r.reworked])).toEqual([
      ['b', 1, 0, 0, 0, 0],
      ['a', 3, 1, 2, 1, 1],
    ]);
  });
  it('reads a month, a quarter and a year', () => {
    expect(periodDates('2026-11')).toEqual({ from: '2026-11-01', to: '2026-12-01' });
    expect(periodDates('2026-12')).toEqual({ from: '2026-12-01', to: '2027-01-01' });
    expect(periodDates('2026-Q4')).toEqual({ from: '2026-10-01', to: '2027-01-01' });
    expect(periodDates('2026-Q1')).toEqual({ from: '2026-01-01', to: '2026-04-01' });
    expect(periodDates('2026')).toEqual({ from: '2026-01-01', to: '2027-01-01' });
    expect(periodDates('2026-13')).toBeNull();
  });
});

describe.each(DIALECTS)('the rates over the demo town on %s', (dialect) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await demoApp(dialect, { scale: 0.5 });
  });
  afterAll(async () => {
    await app?.drop();
  });

  it('per area and for the township, as the same counts written in SQL here', async () => {
    const leader = await app.as('leader');
    for (const period of ['2026-11', '2026-Q4']) {
      const res = await leader.call('GET', `/api/rates?period=${period}&by=area`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const { from, to } = periodDates(period)!;
      const q = await sql<{ area: string | null; due: number; closed: number; on_time: number; reworked: number }>`
        SELECT responsible_area_id AS area,
               count(*) AS due,
               sum(CASE WHEN status = 'closed' THEN 1 ELSE 0 END) AS closed,
               sum(CASE WHEN status = 'closed' AND (SELECT max(e.at) FROM report_events e WHERE e.report_id = r.id AND e.type = 'rectify') <= r.deadline_at THEN 1 ELSE 0 END) AS on_time,
               sum(CASE WHEN status = 'closed' AND EXISTS (SELECT 1 FROM report_events e WHERE e.report_id = r.id AND e.type = 'reopen') THEN 1 ELSE 0 END) AS reworked
        FROM reports r
        WHERE deadline_at >= ${localMidnightUtc(from, 'Asia/Shanghai')} AND deadline_at < ${localMidnightUtc(to, 'Asia/Shanghai')}
          AND deadline_at < ${app.clock.now.toISOString()}
          AND status NOT IN ('rejected', 'duplicate')
        GROUP BY responsible_area_id`.execute(app.deps.store.db);
      const expected = q.rows.filter((r) => r.area).map((r) => [r.area, Number(r.due), Number(r.closed), Number(r.on_time), Number(r.reworked)]);
      expect(expected.length).toBeGreaterThan(3);
      const got = (res.body.rows as any[]).map((r) => [r.key, r.due, r.closed, r.closedOnTime, r.reworked]);
      const byKey = (a: unknown[], b: unknown[]) => String(a[0]).localeCompare(String(b[0]));
      expect(got.sort(byKey)).toEqual(expected.sort(byKey));
      const due = q.rows.reduce((s, r) => s + Number(r.due), 0);
      const closed = q.rows.reduce((s, r) => s + Number(r.closed), 0);
      const onTime = q.rows.reduce((s, r) => s + Number(r.on_time), 0);
      expect(res.body.total).toMatchObject({ due, closed, closedOnTime: onTime });
      expect(res.body.total.closeRate).toBe(Math.round((closed / due) * 10_000) / 100);
      expect(res.body.total.onTimeRate).toBe(Math.round((onTime / due) * 10_000) / 100);
      for (const r of res.body.rows) expect(['A', 'B', 'C', 'D', 'E']).toContain(r.grade);
      // a deadline still ahead is not due yet
      const ahead = await app.deps.store.db.selectFrom('reports').select((eb) => eb.fn.countAll().as('n')).where('deadline_at', '>=', app.clock.now.toISOString()).where('status', 'not in', ['rejected', 'duplicate']).executeTakeFirstOrThrow();
      expect(Number(ahead.n)).toBeGreaterThan(0);
      expect(res.body.rows.every((r: any) => r.name.nameZh)).toBe(true);
    }
  });

  it('gives the leading group today’s and this week’s figures, as counted here', async () => {
    const leader = await app.as('leader');
    const h = (await leader.call('GET', '/api/headline')).body;
    const now = app.clock.now.toISOString();
    // the demo clock: Monday 30 November 2026, 10:00 in the township
    const today = localMidnightUtc('2026-11-30', 'Asia/Shanghai');
    const lastMonday = localMidnightUtc('2026-11-23', 'Asia/Shanghai');
    const count = async (where: ReturnType<typeof sql>) => Number((await sql<{ n: number }>`SELECT count(*) AS n FROM reports WHERE ${where}`.execute(app.deps.store.db)).rows[0]!.n);
    expect(h.today.new).toBe(await count(sql`observed_at >= ${today} AND observed_at < ${now} AND status <> 'duplicate'`));
    expect(h.week.new).toBe(h.today.new);
    expect(h.lastWeek.new).toBe(await count(sql`observed_at >= ${lastMonday} AND observed_at < ${today} AND status <> 'duplicate'`));
    expect(h.lastWeek.closed).toBe(await count(sql`status = 'closed' AND closed_at >= ${lastMonday} AND closed_at < ${today}`));
    expect(h.overdue).toBe(await count(sql`status IN ('reported', 'notified') AND deadline_at < ${now}`));
    expect(h.lastWeek.new).toBeGreaterThan(10);
    expect(h.overdue).toBeGreaterThan(0);
    expect(typeof h.lastWeek.onTimeRate).toBe('number');
    expectError(await (await app.as('inspector')).call('GET', '/api/headline'), 403);
  });

  it('by person and by category add up to the same township, and refuse a period that is not one', async () => {
    const leader = await app.as('leader');
    const byArea = (await leader.call('GET', '/api/rates?period=2026-11')).body;
    const byCategory = (await leader.call('GET', '/api/rates?period=2026-11&by=category')).body;
    expect(byCategory.total).toEqual(byArea.total);
    expect(byCategory.rows.reduce((s: number, r: any) => s + r.due, 0)).toBe(byArea.total.due);
    expect(byCategory.rows.map((r: any) => r.name.nameZh)).toContain('暴露垃圾');
    const bad = await leader.call('GET', '/api/rates?period=2026-13');
    expectError(bad, 400, 'invalid_input');
    expect(bad.body.error.message).toMatch(/统计周期/);
    expectError(await (await app.as('cleaner1')).call('GET', '/api/rates'), 403);
  });
});

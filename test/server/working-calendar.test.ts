import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/stores.ts';
import { demoApp, expectError, type TestApp } from '../helpers/app.ts';
import { alongRoad, demoTown } from '../helpers/town.ts';

// A category's limit in working days, over the township's calendar with a day the office marked off.

const { generatorTown } = demoTown();
const SPOT = alongRoad(generatorTown.roads, 'laneA', 1, 0.2) as [number, number];
const localTime = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

describe.each(DIALECTS)('deadlines in working time over %s', (dialect) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await demoApp(dialect, { scale: 0.05 });
  });
  afterAll(async () => {
    await app?.drop();
  });

  it('gives a new item its deadline in working days, skipping the day the office marked off', async () => {
    const admin = await app.as('admin');
    const office = await app.as('office');
    const inspector = await app.as('inspector');
    // Monday 30 November 2026, 10:00 in the township
    expect(localTime(app.clock.now.toISOString())).toBe('2026-11-30 10:00');
    const cat = await admin.call('PATCH', '/api/categories/road_stall', { deadlineHours: 2, deadlineUnit: 'working_days' });
    expect(cat.status, JSON.stringify(cat.body)).toBe(200);
    expect(cat.body.deadlineUnit).toBe('working_days');

    const first = await inspector.call('POST', '/api/reports', { category: 'road_stall', lon: SPOT[0], lat: SPOT[1] });
    // 18 working hours: 7.5 on Monday, 9 on Tuesday, 1.5 on Wednesday
    expect(localTime(first.body.deadlineAt)).toBe('2026-12-02 10:00');

    const marked = await office.call('PUT', '/api/township/calendar', { days: [{ day: '2026-12-01', kind: 'holiday', note: '镇里停水检修' }] });
    expect(marked.status, JSON.stringify(marked.body)).toBe(200);
    expect(marked.body.holidays).toContain('2026-12-01');
    expect(marked.body.shipped).toBe(true);
    const second = await inspector.call('POST', '/api/reports', { category: 'road_stall', lon: SPOT[0] + 0.0005, lat: SPOT[1] });
    expect(localTime(second.body.deadlineAt)).toBe('2026-12-03 10:00');

    // the shipped year: 春节 off, its make-up Saturdays worked
    const year = (await office.call('GET', '/api/township/calendar?year=2026')).body;
    expect(year.holidays).toEqual(expect.arrayContaining(['2026-02-16', '2026-10-07']));
    expect(year.holidays).not.toContain('2026-10-08');
    expect(year.workdays).toEqual(['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']);
    expect(year.workingHours).toEqual({ start: '8:30', end: '17:30' });
    // a year not shipped yet: weekends only until the office enters the notice
    expect((await office.call('GET', '/api/township/calendar?year=2027')).body).toMatchObject({ shipped: false, holidays: [], workdays: [] });

    // back to the shipped calendar
    await office.call('PUT', '/api/township/calendar', { days: [{ day: '2026-12-01', kind: null }] });
    const third = await inspector.call('POST', '/api/reports', { category: 'road_stall', lon: SPOT[0] + 0.001, lat: SPOT[1] });
    expect(localTime(third.body.deadlineAt)).toBe('2026-12-02 10:00');
    expectError(await inspector.call('PUT', '/api/township/calendar', { days: [{ day: '2026-12-01', kind: 'holiday' }] }), 403);
    expectError(await office.call('PUT', '/api/township/calendar', { days: [{ day: '2026-12-01', kind: 'holiday' }, { day: '2027-01-01', kind: 'holiday' }] }), 400);
  });
});

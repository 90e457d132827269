import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/stores.ts';
import { demoApp, expectError, type Client, type TestApp } from '../helpers/app.ts';
import { alongRoad, demoTown } from '../helpers/town.ts';
import { localPlane } from '../../server/domain/geo.ts';
import { localMidnightUtc } from '../../server/domain/calendar.ts';
import { urgentRule } from '../../server/domain/responsibility.ts';
import { evaluationOf, inspectionFacts, inspectionRates, periodDates, sendCounts } from '../../server/domain/case-rates.ts';

// Urgency (紧急/一般) with each category's urgent limit, sending an item to a named person, refusing to notify an
// item nobody answers for, the township's own score weights, 按时核查率 and 退回率.

const { generatorTown } = demoTown();
const HOUR = 3_600_000;

describe('the rules of urgency and of the evaluation', () => {
  it('gives an urgent item its category’s urgent limit, or half the normal one, and never “by tonight”', () => {
    const base = { deadlineHours: 72, sameDay: false, unit: 'hours' as const };
    expect(urgentRule(base, 4)).toMatchObject({ deadlineHours: 4, sameDay: false, unit: 'hours' });
    expect(urgentRule(base, null)).toMatchObject({ deadlineHours: 36 });
    expect(urgentRule({ ...base, deadlineHours: 3, unit: 'working_days' }, null)).toMatchObject({ deadlineHours: 2, unit: 'working_days' });
    // 日产日清: urgent means within half a day, in calendar hours
    expect(urgentRule({ deadlineHours: 24, sameDay: true, unit: 'hours' }, null)).toMatchObject({ deadlineHours: 12, sameDay: false, unit: 'hours' });
  });

  it('reads a township’s evaluation with the defaults filling in', () => {
    expect(evaluationOf(null)).toEqual({ weights: { close: 0.3, onTime: 0.5, rework: 0.2 }, verifyHours: 24 });
    expect(evaluationOf(JSON.stringify({ verifyHours: 8 }))).toEqual({ weights: { close: 0.3, onTime: 0.5, rework: 0.2 }, verifyHours: 8 });
  });

  it('counts a re-inspection on time within the limit, late after it, and a waiting one only once it is due', () => {
    const at = (h: number) => new Date(Date.UTC(2026, 10, 2, 0) + h * HOUR).toISOString();
    const steps = [
      { report_id: 'a', type: 'rectify', actor_id: 'c', at: at(0) },
      { report_id: 'a', type: 'reopen', actor_id: 'i1', at: at(5) },
      { report_id: 'a', type: 'rectify', actor_id: 'c', at: at(6) },
      { report_id: 'a', type: 'verify', actor_id: 'i1', at: at(40) },
      { report_id: 'b', type: 'rectify', actor_id: 'c', at: at(1) },
      { report_id: 'b', type: 'verify', actor_id: 'i2', at: at(2) },
      // waiting 30 h at "now": due and late
      { report_id: 'c', type: 'rectify', actor_id: 'c', at: at(20) },
      // waiting 2 h: not yet due
      { report_id: 'd', type: 'rectify', actor_id: 'c', at: at(48) },
    ];
    const facts = inspectionFacts(steps, at(0), at(100));
    expect(facts).toHaveLength(5);
    const r = inspectionRates(facts, 24, at(50));
    expect(r.total).toEqual({ key: 'all', due: 4, onTime: 2, onTimeRate: 50 });
    expect(r.rows).toEqual([
      { key: 'unanswered', due: 1, onTime: 0, onTimeRate: 0 },
      { key: 'i1', due: 2, onTime: 1, onTimeRate: 50 },
      { key: 'i2', due: 1, onTime: 1, onTimeRate: 100 },
    ]);
  });

  it('counts sends per area and the returns against the area they came from', () => {
    const { sent, returned } = sendCounts([
      { report_id: 'a', type: 'notify', data: JSON.stringify({ areaId: 'z1' }), responsible_area_id: null },
      { report_id: 'a', type: 'return', data: JSON.stringify({ fromAreaId: 'z1' }), responsible_area_id: null },
      { report_id: 'a', type: 'dispatch', data: JSON.stringify({ toAreaId: 'z2' }), responsible_area_id: 'z2' },
      // written before sends named their area: the return names it
      { report_id: 'b', type: 'notify', data: '{}', responsible_area_id: null },
      { report_id: 'b', type: 'return', data: JSON.stringify({ fromAreaId: 'z3' }), responsible_area_id: null },
      { report_id: 'c', type: 'notify', data: null, responsible_area_id: 'z2' },
    ]);
    expect(Object.fromEntries(sent)).toEqual({ z1: 1, z2: 2, z3: 1 });
    expect(Object.fromEntries(returned)).toEqual({ z1: 1, z3: 1 });
  });
});

describe.each(DIALECTS)('urgency, named people and the evaluation over %s', (dialect) => {
  let app: TestApp;
  let inspector: Client;
  let office: Client;
  let admin: Client;
  let cleaner3: Client;
  const plane = localPlane(alongRoad(generatorTown.roads, 'laneA', 1, 0.5));
  let step = 0;
  // a road stall in zone 3 (normally due 4 hours after it is reported)
  const newStall = async (extra: Record<string, unknown> = {}) => {
    const [lon, lat] = plane.toLonLat(60 * step++, 0);
    const r = await inspector.call('POST', '/api/reports', { category: 'road_stall', lon, lat, description: `紧急程度 ${step}`, ...extra });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  };
  const act = (who: Client, id: string, body: Record<string, unknown>) => who.call('POST', `/api/reports/${id}/transitions`, body);
  const cleaner1Id = async () => (await (await app.as('cleaner1')).call('GET', '/api/auth/me')).body.user.id as string;
  const untilDeadline = (r: { deadlineAt: string }) => Date.parse(r.deadlineAt) - app.clock.now.getTime();

  beforeAll(async () => {
    app = await demoApp(dialect, { scale: 0.3 });
    inspector = await app.as('inspector');
    office = await app.as('office');
    admin = await app.as('admin');
    cleaner3 = await app.as('cleaner3');
  });
  afterAll(async () => {
    await app?.drop();
  });

  it('gives an urgent item its category’s urgent limit, and half the normal one when the category has none', async () => {
    const normal = await newStall();
    expect(normal.urgency).toBe('normal');
    expect(untilDeadline(normal)).toBe(4 * HOUR);
    const halved = await newStall({ urgency: 'urgent' });
    expect(halved.urgency).toBe('urgent');
    expect(untilDeadline(halved)).toBe(2 * HOUR);
    const patched = await admin.call('PATCH', '/api/categories/road_stall', { urgentHours: 1 });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body.urgentHours).toBe(1);
    const urgent = await newStall({ urgency: 'urgent' });
    expect(untilDeadline(urgent)).toBe(1 * HOUR);
    // the office makes a normal item urgent when it sends it on: a fresh, shorter deadline, and the step says so
    const sent = await act(office, normal.id, { action: 'dispatch', toAreaId: normal.responsibleArea.id, urgency: 'urgent', note: '紧急处理' });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect(sent.body.urgency).toBe('urgent');
    expect(untilDeadline(sent.body)).toBe(1 * HOUR);
    const ledger = await office.call('GET', '/api/ledger?limit=500&urgency=urgent');
    expect(ledger.status, JSON.stringify(ledger.body)).toBe(200);
    const ids = ledger.body.rows.map((i: any) => i.id);
    expect(ids).toEqual(expect.arrayContaining([halved.id, urgent.id, normal.id]));
    expect(ledger.body.rows.every((i: any) => i.urgency === 'urgent')).toBe(true);
    expectError(await inspector.call('POST', '/api/reports', { category: 'road_stall', lon: 0, lat: 0, urgency: 'very' }), 400, 'invalid_input');
    await admin.call('PATCH', '/api/categories/road_stall', { urgentHours: null });
  });

  it('sends an item to a named person, and refuses to notify one that nobody answers for', async () => {
    const people = (await office.call('GET', '/api/responsible-people')).body.people as { id: string; displayName: string; areaId: string | null; role: string }[];
    expect(people.length).toBeGreaterThan(3);
    expect(people.every((p) => p.role === 'cleaner' || p.role === 'unit')).toBe(true);
    expectError(await cleaner3.call('GET', '/api/responsible-people'), 403);
    const me3 = (await cleaner3.call('GET', '/api/auth/me')).body.user;
    const cleaner1 = await app.as('cleaner1');
    const id1 = await cleaner1Id();
    const other = people.find((p) => p.id === id1)!;
    expect(other.areaId).not.toBeNull();

    const item = await newStall();
    expect(item.assignee.id).toBe(me3.id);
    // dispatch to a person: the item goes to that person and the area the person answers for
    const moved = await act(office, item.id, { action: 'dispatch', toAssigneeId: other.id, note: '指定责任人' });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.assignee.id).toBe(other.id);
    expect(moved.body.responsibleArea.id).toBe(other.areaId);
    expectError(await act(office, item.id, { action: 'dispatch', toAssigneeId: (await inspector.call('GET', '/api/auth/me')).body.user.id }), 422, 'unknown_person');

    // returned: nobody answers any more, so a plain notify is refused in words, and naming a person works
    const back = await act(cleaner1, item.id, { action: 'return', note: '不属本区' });
    expect(back.status, JSON.stringify(back.body)).toBe(200);
    const refused = await act(office, item.id, { action: 'notify' });
    expectError(refused, 422, 'no_responsible_person');
    expect(refused.body.error.message).toMatch(/责任人/);
    const named = await act(office, item.id, { action: 'notify', toAssigneeId: me3.id, urgency: 'urgent' });
    expect(named.status, JSON.stringify(named.body)).toBe(200);
    expect(named.body).toMatchObject({ status: 'notified', urgency: 'urgent', assignee: { id: me3.id } });
    expect(untilDeadline(named.body)).toBe(2 * HOUR);
  });

  it('lets one of two people sending the same item at once win, and tells the other in words', async () => {
    const people = (await office.call('GET', '/api/responsible-people')).body.people as { id: string; areaId: string | null; role: string }[];
    const [a, b] = people.filter((p) => p.role === 'cleaner' && p.areaId);
    const item = await newStall();
    const other = await app.signInAgain('admin');
    const answers = await Promise.all([
      act(office, item.id, { action: 'dispatch', toAssigneeId: a!.id, urgency: 'urgent' }),
      act(other, item.id, { action: 'dispatch', toAssigneeId: b!.id }),
    ]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    const lost = answers.find((r) => r.status === 409)!;
    expectError(lost, 409, 'stale_item');
    const won = answers.find((r) => r.status === 200)!;
    const row = await app.deps.store.db.selectFrom('reports').select(['assignee_id', 'urgency']).where('id', '=', item.id).executeTakeFirstOrThrow();
    expect(row.assignee_id).toBe(won.body.assignee.id);
    expect(row.urgency).toBe(won.body.urgency);
    const dispatches = (await office.call('GET', `/api/reports/${item.id}`)).body.events.filter((e: any) => e.type === 'dispatch');
    expect(dispatches).toHaveLength(1);
  });

  it('scores with the township’s own weights, set by the administrator and audited', async () => {
    const leader = await app.as('leader');
    const before = (await leader.call('GET', '/api/rates?period=2026-11')).body;
    expect(before.evaluation.weights).toEqual({ close: 0.3, onTime: 0.5, rework: 0.2 });
    expectError(await office.call('PUT', '/api/township/evaluation', { weights: { close: 1, onTime: 0, rework: 0 }, verifyHours: 24 }), 403);
    expectError(await admin.call('PUT', '/api/township/evaluation', { weights: { close: 0, onTime: 0, rework: 0 }, verifyHours: 24 }), 400, 'invalid_input');
    const put = await admin.call('PUT', '/api/township/evaluation', { weights: { close: 1, onTime: 0, rework: 0 }, verifyHours: 12 });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const after = (await leader.call('GET', '/api/rates?period=2026-11')).body;
    expect(after.evaluation).toEqual({ weights: { close: 1, onTime: 0, rework: 0 }, verifyHours: 12 });
    // only 结案率 counts now: the score is it, and the grade follows
    for (const r of [after.total, ...after.rows]) if (r.closeRate !== null) expect(r.score).toBe(r.closeRate);
    expect(after.total.score).not.toBe(before.total.score);
    const audit = (await admin.call('GET', '/api/audit?limit=5')).body.entries.map((e: any) => e.action);
    expect(audit).toContain('township.evaluation');
    await admin.call('PUT', '/api/township/evaluation', { weights: { close: 0.3, onTime: 0.5, rework: 0.2 }, verifyHours: 24 });
  });

  it('gives 按时核查率 and 退回率 as counted here in SQL', async () => {
    // zone 3 gives one back
    const notTheirs = await newStall();
    expect((await act(cleaner3, notTheirs.id, { action: 'return', note: '不属本区' })).status).toBe(200);
    const leader = await app.as('leader');
    const res = (await leader.call('GET', '/api/rates?period=2026-11')).body;
    const { from: fromDay, to: toDay } = periodDates('2026-11')!;
    const from = localMidnightUtc(fromDay, 'Asia/Shanghai');
    const to = localMidnightUtc(toDay, 'Asia/Shanghai');
    const now = app.clock.now.getTime();
    const q = await sql<{ rectified_at: string; answered_at: string | null; answerer: string | null }>`
      SELECT e.at AS rectified_at,
             (SELECT min(a.at) FROM report_events a WHERE a.report_id = e.report_id AND a.type IN ('verify', 'reopen') AND a.at >= e.at) AS answered_at,
             (SELECT a.actor_id FROM report_events a WHERE a.report_id = e.report_id AND a.type IN ('verify', 'reopen') AND a.at >= e.at ORDER BY a.at, a.id LIMIT 1) AS answerer
      FROM report_events e
      WHERE e.type = 'rectify' AND e.at >= ${from} AND e.at < ${to}`.execute(app.deps.store.db);
    const limit = 24 * HOUR;
    const instant = (v: unknown) => (v instanceof Date ? v.getTime() : Date.parse(String(v)));
    const due = q.rows.filter((r) => r.answered_at !== null || instant(r.rectified_at) + limit < now);
    const onTime = due.filter((r) => r.answered_at !== null && instant(r.answered_at) <= instant(r.rectified_at) + limit);
    expect(due.length).toBeGreaterThan(20);
    expect(res.inspection.total).toMatchObject({ due: due.length, onTime: onTime.length });
    expect(res.inspection.total.onTimeRate).toBe(Math.round((onTime.length / due.length) * 10_000) / 100);
    const perInspector = new Map<string, number>();
    for (const r of due) if (r.answerer) perInspector.set(r.answerer, (perInspector.get(r.answerer) ?? 0) + 1);
    for (const [who, n] of perInspector) expect(res.inspection.rows.find((r: any) => r.key === who)?.due).toBe(n);

    const sends = await sql<{ type: string; n: number }>`
      SELECT type, count(*) AS n FROM report_events WHERE type IN ('notify', 'dispatch', 'return') AND at >= ${from} AND at < ${to} GROUP BY type`.execute(app.deps.store.db);
    const n = (type: string) => Number(sends.rows.find((r) => r.type === type)?.n ?? 0);
    expect(n('return'), JSON.stringify(sends.rows)).toBeGreaterThan(0);
    expect(res.dispatch.total).toMatchObject({ sent: n('notify') + n('dispatch'), returned: n('return') });
    expect(res.dispatch.rows.reduce((s: number, r: any) => s + r.returned, 0)).toBe(n('return'));
    const zone3 = res.dispatch.rows.find((r: any) => r.name.nameZh.includes('第三'));
    expect(zone3.returned).toBeGreaterThan(0);
    expect(zone3.returnRate).toBe(Math.round((zone3.returned / zone3.sent) * 10_000) / 100);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/stores.ts';
import { demoApp, expectError, type Client, type TestApp } from '../helpers/app.ts';
import { alongRoad, demoTown } from '../helpers/town.ts';
import { localPlane } from '../../server/domain/geo.ts';
import { noticeDueSoon } from '../../server/services/item-messages.ts';

// The steps of a case around the loop, as the office and the responsible parties take them: dispatch to another
// party, return an item that is not theirs, ask for more time (approved, refused), park and restore, urge.

const { generatorTown } = demoTown();
const HOUR = 3_600_000;

describe.each(DIALECTS)('the steps of a case over %s', (dialect) => {
  let app: TestApp;
  let inspector: Client;
  let office: Client;
  let cleaner1: Client;
  let cleaner3: Client;
  let zone1: string;
  const plane = localPlane(alongRoad(generatorTown.roads, 'laneA', 1, 0.5));
  let step = 0;
  // a road stall in zone 3, due 4 hours after it is reported; each a few metres from the last
  const newStall = async () => {
    const [lon, lat] = plane.toLonLat(60 * step++, 0);
    const r = await inspector.call('POST', '/api/reports', { category: 'road_stall', lon, lat, description: `案件流转 ${step}` });
    expect(r.status).toBe(201);
    expect(r.body.status).toBe('notified');
    return r.body;
  };
  const act = (who: Client, id: string, body: Record<string, unknown>) => who.call('POST', `/api/reports/${id}/transitions`, body);
  const events = async (id: string) => (await office.call('GET', `/api/reports/${id}`)).body.events.map((e: any) => e.type);
  const taskIds = async (who: Client) => (await who.call('GET', '/api/tasks')).body.items.map((i: any) => i.id);

  beforeAll(async () => {
    app = await demoApp(dialect, { scale: 0.2, privateWebhooks: true });
    inspector = await app.as('inspector');
    office = await app.as('office');
    cleaner1 = await app.as('cleaner1');
    cleaner3 = await app.as('cleaner3');
    const areas = (await office.call('GET', '/api/areas')).body.features;
    zone1 = areas.find((a: any) => a.properties.code === 'zone-1').id;
  });
  afterAll(async () => {
    await app?.drop();
  });

  it('dispatches to another party, who may return it with a reason, back to the office and unassigned', async () => {
    const item = await newStall();
    expect(await taskIds(cleaner3)).toContain(item.id);
    const moved = await act(office, item.id, { action: 'dispatch', toAreaId: zone1, note: '属第一保洁区' });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.responsibleArea.code).toBe('zone-1');
    expect(moved.body.assignee.displayName).toMatch(/第一保洁区/);
    expect(Date.parse(moved.body.deadlineAt) - app.clock.now.getTime()).toBe(4 * HOUR);
    expect(await taskIds(cleaner1)).toContain(item.id);
    expect(await taskIds(cleaner3)).not.toContain(item.id);
    // the earlier party no longer may act on it
    expectError(await act(cleaner3, item.id, { action: 'return', note: '不是我的' }), 403);

    expectError(await act(cleaner1, item.id, { action: 'return' }), 422, 'invalid_transition');
    const back = await act(cleaner1, item.id, { action: 'return', note: '摊点在第三保洁区一侧' });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ status: 'reported', responsibleArea: null, assignee: null, deadlineAt: null, overdue: false });
    expect(await taskIds(cleaner1)).not.toContain(item.id);
    expect(await events(item.id)).toEqual(expect.arrayContaining(['dispatch', 'return']));
    // dispatched again, to where it belongs
    const again = await act(office, item.id, { action: 'dispatch', toAreaId: moved.body.zone.id });
    expect(again.body).toMatchObject({ status: 'notified', responsibleArea: { code: 'zone-3' } });
    expectError(await act(office, item.id, { action: 'dispatch', toAreaId: '00000000-0000-4000-8000-000000000000' }), 422, 'unknown_area');
  });

  it('asks for more time with a reason and a date: the office approves one and refuses the next', async () => {
    const item = await newStall();
    const until = new Date(app.clock.now.getTime() + 50 * HOUR).toISOString();
    expectError(await act(cleaner3, item.id, { action: 'extend', until }), 422, 'invalid_transition');
    expectError(await act(cleaner1, item.id, { action: 'extend', until, note: '等材料' }), 403);
    expectError(await act(cleaner3, item.id, { action: 'extend', until: new Date(app.clock.now.getTime() + 40 * 24 * HOUR).toISOString(), note: '等材料' }), 422, 'bad_extension');
    const asked = await act(cleaner3, item.id, { action: 'extend', until, note: '摊主外出,需协调' });
    expect(asked.status, JSON.stringify(asked.body)).toBe(200);
    expect(asked.body.extensionUntil).toBe(until);
    expect(asked.body.deadlineAt).not.toBe(until);
    expectError(await act(cleaner3, item.id, { action: 'extend', until, note: '再申请' }), 409, 'illegal_transition');
    const yes = await act(office, item.id, { action: 'approve_extension' });
    expect(yes.body).toMatchObject({ deadlineAt: until, extensionUntil: null });

    // a day asked for is the end of that working day
    const asked2 = await act(cleaner3, item.id, { action: 'extend', until: '2026-12-04', note: '还需两天' });
    expect(asked2.body.extensionUntil).toBe('2026-12-04T09:30:00.000Z');
    expectError(await act(office, item.id, { action: 'refuse_extension' }), 422, 'invalid_transition');
    const no = await act(office, item.id, { action: 'refuse_extension', note: '已延期一次' });
    expect(no.body).toMatchObject({ deadlineAt: until, extensionUntil: null });
    expectError(await act(office, item.id, { action: 'approve_extension' }), 409);
    expect(await events(item.id)).toEqual(expect.arrayContaining(['extend', 'approve_extension', 'refuse_extension']));
  });

  it('parks an item out of overdue and deductions while it waits, and restores it with a fresh deadline', async () => {
    const item = await newStall();
    expectError(await act(office, item.id, { action: 'park' }), 422, 'invalid_transition');
    const parked = await act(office, item.id, { action: 'park', note: '需拆违后处理' });
    expect(parked.body).toMatchObject({ deadlineAt: null, overdue: false, status: 'notified' });
    expect(parked.body.parkedAt).toBe(app.clock.now.toISOString());

    app.clock.advance(30 * HOUR);
    office = await app.signInAgain('office');
    cleaner3 = await app.signInAgain('cleaner3');
    const late = (await office.call('GET', '/api/ledger?overdue=1&limit=5000')).body.rows.map((r: any) => r.id);
    expect(late).not.toContain(item.id);
    const charged = await app.deps.store.db.selectFrom('deductions').select('id').where('report_id', '=', item.id).execute();
    expect(charged).toEqual([]);
    // nothing moves it but restoring
    expectError(await act(office, item.id, { action: 'urge' }), 409, 'illegal_transition');
    expect((await office.call('GET', `/api/reports/${item.id}`)).body.allowedActions).toEqual(expect.arrayContaining(['restore']));

    const restored = await act(office, item.id, { action: 'restore' });
    expect(restored.body.parkedAt).toBeNull();
    expect(Date.parse(restored.body.deadlineAt) - app.clock.now.getTime()).toBe(4 * HOUR);
    expectError(await act(office, item.id, { action: 'restore' }), 409, 'illegal_transition');
  });

  it('counts a parked item as 缓办 in the rates, left out of what had to be closed', async () => {
    const leader = await app.as('leader');
    const month = new Date(app.clock.now.getTime() + 8 * HOUR).toISOString().slice(0, 7);
    const before = (await leader.call('GET', `/api/rates?period=${month}`)).body.total;
    const item = await newStall();
    app.clock.advance(5 * HOUR);
    office = await app.signInAgain('office');
    // late now: due (with whatever else fell due in those hours), not closed
    const late = (await (await app.signInAgain('leader')).call('GET', `/api/rates?period=${month}`)).body.total;
    expect(late.due).toBeGreaterThanOrEqual(before.due + 1);
    await act(office, item.id, { action: 'park', note: '待协调' });
    // at the same moment: still due, now parked, so left out of the rates' base
    const parked = (await (await app.signInAgain('leader')).call('GET', `/api/rates?period=${month}`)).body.total;
    expect(parked).toMatchObject({ due: late.due, parked: late.parked + 1, closed: late.closed });
    expect(parked.closeRate).toBe(Math.round((parked.closed / (parked.due - parked.parked)) * 10_000) / 100);
  });

  it('reminds the group robots once when an item is due within two hours', async () => {
    const admin = await app.as('admin');
    const hook = await admin.call('POST', '/api/webhooks', { name: '保洁群', format: 'json', url: 'http://127.0.0.1:9/soon', events: ['report.due_soon'] });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    const item = await newStall();
    const reminders = async () =>
      (await app.deps.store.db.selectFrom('webhook_deliveries').select(['payload']).where('event', '=', 'report.due_soon').execute())
        .map((q) => JSON.parse(q.payload))
        .filter((p) => p.data.reportId === item.id);
    await noticeDueSoon(app.deps);
    expect(await reminders()).toEqual([]);
    app.clock.advance(2.5 * HOUR);
    await noticeDueSoon(app.deps);
    await noticeDueSoon(app.deps);
    const sent = await reminders();
    expect(sent).toHaveLength(1);
    expect(sent[0].title).toContain(item.caseNo);
    expect(sent[0].title).toContain('即将到期');
    // a parked item is not reminded
    const parkedOne = await newStall();
    office = await app.signInAgain('office');
    await act(office, parkedOne.id, { action: 'park', note: '待协调' });
    app.clock.advance(2.5 * HOUR);
    await noticeDueSoon(app.deps);
    const all = (await app.deps.store.db.selectFrom('webhook_deliveries').select(['payload']).where('event', '=', 'report.due_soon').execute()).map((q) => JSON.parse(q.payload).data.reportId);
    expect(all).not.toContain(parkedOne.id);
    office = await app.signInAgain('office');
  });

  it('notifies and urges many items at once from the ledger, each answered on its own', async () => {
    office = await app.signInAgain('office');
    const a = await newStall();
    const b = await newStall();
    // one sent back to the office: nobody answers for it until it is dispatched again or a person is named
    await act(cleaner3, b.id, { action: 'return', note: '不属本区' });
    const notify = await office.call('POST', '/api/reports/bulk-transitions', { ids: [a.id, b.id], action: 'notify' });
    expect(notify.status, JSON.stringify(notify.body)).toBe(200);
    expect(notify.body).toMatchObject({ done: 0, refused: 2 });
    expect(notify.body.results).toEqual([
      expect.objectContaining({ id: a.id, ok: false, code: 'illegal_transition' }),
      expect.objectContaining({ id: b.id, ok: false, code: 'no_responsible_person' }),
    ]);
    const me3 = (await cleaner3.call('GET', '/api/auth/me')).body;
    const named = await act(office, b.id, { action: 'notify', toAssigneeId: me3.user.id });
    expect(named.status, JSON.stringify(named.body)).toBe(200);
    expect(named.body.status).toBe('notified');
    expect(named.body.assignee.id).toBe(me3.user.id);
    const urge = await office.call('POST', '/api/reports/bulk-transitions', { ids: [a.id, b.id, a.id], action: 'urge', note: '集中催办' });
    expect(urge.body).toMatchObject({ done: 2, refused: 0 });
    for (const id of [a.id, b.id]) expect((await events(id)).filter((e: string) => e === 'urge')).toHaveLength(1);
    expectError(await cleaner3.call('POST', '/api/reports/bulk-transitions', { ids: [a.id], action: 'urge' }), 403);
    expectError(await office.call('POST', '/api/reports/bulk-transitions', { ids: [a.id], action: 'verify' }), 400);
  });

  it('urges the responsible party: a step in the history and a message to the group robots', async () => {
    const admin = await app.signInAgain('admin');
    const hook = await admin.call('POST', '/api/webhooks', { name: '创建办群', format: 'json', url: 'http://127.0.0.1:9/urge', events: ['report.urged'] });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    const item = await newStall();
    expectError(await act(await app.signInAgain('leader'), item.id, { action: 'urge' }), 403);
    const urged = await act(office, item.id, { action: 'urge', note: '今天下班前完成' });
    expect(urged.status).toBe(200);
    expect(urged.body.status).toBe('notified');
    expect(await events(item.id)).toContain('urge');
    const queued = await app.deps.store.db.selectFrom('webhook_deliveries').select(['event', 'payload']).where('event', '=', 'report.urged').execute();
    const payload = queued.map((q) => JSON.parse(q.payload)).find((p) => p.data.reportId === item.id);
    expect(payload.title).toContain(item.caseNo);
    expect(payload.title).toContain('催办');
    expect(payload.text).toContain('今天下班前完成');
  });
});

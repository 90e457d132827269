import * as turf from '@turf/turf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoApp, expectError, type Client, type TestApp } from '../helpers/app.ts';
import { clearCaches } from '../../server/services/context.ts';
import { DIALECTS } from '../helpers/stores.ts';

// What the admin and the office change — people, category rules, area boundaries — and the audit log that records it.

describe.each(DIALECTS)('administration and its audit log (%s)', (dialect) => {
  let app: TestApp;
  let admin: Client;
  let office: Client;

  beforeAll(async () => {
    app = await demoApp(dialect, { scale: 0.05 });
    admin = await app.as('admin');
    office = await app.as('office');
  });
  afterAll(async () => {
    await app?.drop();
  });

  const audit = async () => (await admin.call('GET', '/api/audit')).body.entries as Array<{ action: string; target: string; actor: { username: string }; detail: any }>;

  it('adds a person who can then sign in, resets their password (ending their sessions) and deactivates them', async () => {
    const zone = (await admin.call('GET', '/api/areas?kind=cleaning_zone')).body.features[0];
    const created = await admin.call('POST', '/api/users', {
      username: 'cleaner9',
      displayName: '新保洁员',
      role: 'cleaner',
      password: 'first-pass-1',
      areaId: zone.id ?? zone.properties.id,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ username: 'cleaner9', role: 'cleaner', active: true });
    expect(JSON.stringify(created.body)).not.toContain('first-pass-1');

    const login = await app.call('POST', '/api/auth/login', { username: 'cleaner9', password: 'first-pass-1' });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const me = async () => (await app.call('GET', '/api/auth/me', undefined, { cookie })).body.user?.username ?? null;
    expect(await me()).toBe('cleaner9');

    const reset = await admin.call('PATCH', `/api/users/${created.body.id}`, { password: 'second-pass-2' });
    expect(reset.status).toBe(200);
    expect(await me()).toBeNull();
    expect((await app.call('POST', '/api/auth/login', { username: 'cleaner9', password: 'first-pass-1' })).status).toBe(401);
    expect((await app.call('POST', '/api/auth/login', { username: 'cleaner9', password: 'second-pass-2' })).status).toBe(200);

    expect((await admin.call('PATCH', `/api/users/${created.body.id}`, { active: false })).body.active).toBe(false);
    expect((await app.call('POST', '/api/auth/login', { username: 'cleaner9', password: 'second-pass-2' })).status).toBe(401);

    const entries = await audit();
    const theirs = entries.filter((e) => e.target === 'user:cleaner9');
    // Their own sign-ins are in the log too: the ones that worked and the ones refused.
    expect(theirs.filter((e) => e.action.startsWith('auth.')).map((e) => e.action)).toEqual(expect.arrayContaining(['auth.login', 'auth.login_failed']));
    const mine = theirs.filter((e) => !e.action.startsWith('auth.'));
    expect(mine.map((e) => e.action)).toEqual(['user.update', 'user.update', 'user.create']);
    expect(mine.every((e) => e.actor.username === 'admin')).toBe(true);
    expect(JSON.stringify(mine)).not.toContain('second-pass-2');
    expect(mine[1]!.detail.changes.password).toBe('(reset)');
  });

  it('refuses to let the admin lock themselves out, a taken user name, or an unknown area', async () => {
    const me = (await admin.call('GET', '/api/auth/me')).body.user;
    expectError(await admin.call('PATCH', `/api/users/${me.id}`, { active: false }), 422, 'self_lockout');
    expectError(await admin.call('PATCH', `/api/users/${me.id}`, { role: 'office' }), 422, 'self_lockout');
    expectError(await admin.call('POST', '/api/users', { username: 'office', displayName: 'x', role: 'office', password: 'Long-enough-2026' }), 409);
    expectError(
      await admin.call('POST', '/api/users', { username: 'unit9', displayName: 'x', role: 'unit', password: 'Long-enough-2026', areaId: '00000000-0000-4000-8000-000000000000' }),
      422,
      'unknown_area',
    );
    expectError(await admin.call('PATCH', `/api/users/${me.id}`, {}), 400, 'invalid_input');
  });

  it('changes a category’s deadline and deduction, and only the admin may', async () => {
    expectError(await office.call('PATCH', '/api/categories/weeds', { deadlineHours: 48 }), 403);
    const r = await admin.call('PATCH', '/api/categories/weeds', { deadlineHours: 48, deductionYuan: 20 });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ code: 'weeds', deadlineHours: 48, deductionYuan: 20 });
    const cats = (await office.call('GET', '/api/categories')).body;
    expect(JSON.stringify(cats)).toContain('weeds');
    const entry = (await audit()).find((e) => e.target === 'category:weeds')!;
    expect(entry.action).toBe('category.update');
    expect(entry.detail.changes).toEqual({ deadlineHours: 48, deductionYuan: 20 });
    expectError(await admin.call('PATCH', '/api/categories/no_such', { deadlineHours: 48 }), 404);
  });

  it('re-routes open items when the office redraws a zone, and refuses a boundary that crosses itself', async () => {
    const inspector = await app.as('inspector');
    const zones = (await office.call('GET', '/api/areas?kind=cleaning_zone')).body.features as Array<{ id?: string; properties: any; geometry: any }>;
    const zone = zones[0]!;
    const zoneId = (zone.id ?? zone.properties.id) as string;
    // A spot well inside the zone.
    const spot = turf.pointOnFeature(zone as never).geometry.coordinates as [number, number];
    const created = await inspector.call('POST', '/api/reports', { category: 'exposed_garbage', lon: spot[0], lat: spot[1] });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.zone.id).toBe(zoneId);

    // Cut a 60 m square around the spot out of the zone.
    const hole = turf.bboxPolygon(turf.bbox(turf.buffer(turf.point(spot), 0.03, { units: 'kilometers' })!));
    const cut = turf.difference(turf.featureCollection([zone as never, hole]))!;
    const bowTie = { type: 'Polygon', coordinates: [[[105.9, 26.1], [105.95, 26.15], [105.95, 26.1], [105.9, 26.15], [105.9, 26.1]]] };
    expectError(await office.call('PATCH', `/api/areas/${zoneId}`, { geometry: bowTie }), 422, 'self_intersection');
    expect((await office.call('GET', `/api/reports/${created.body.id}`)).body.zone.id).toBe(zoneId);

    // With nothing cached (another server's change, or minutes later) every read happens inside the transaction:
    // on SQLite a read on the outer handle would wait for ever for the connection the transaction holds.
    clearCaches(app.deps);
    const changed = await office.call('PATCH', `/api/areas/${zoneId}`, { geometry: cut.geometry, responsibleName: '张三', responsiblePhone: '13800000000' });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.rerouted).toBeGreaterThanOrEqual(1);
    const after = (await office.call('GET', `/api/reports/${created.body.id}`)).body;
    expect(after.zone).toBeNull();
    expect(after.responsibleArea.id).toBe(after.village.id);
    expect(after.events.map((e: { type: string }) => e.type)).toContain('rerouted');
    // New reports at the spot follow the new boundary at once.
    const next = await inspector.call('POST', '/api/reports', { category: 'weeds', lon: spot[0], lat: spot[1] });
    expect(next.body.zone).toBeNull();

    const entry = (await audit()).find((e) => e.action === 'area.update')!;
    expect(entry.actor.username).toBe('office');
    expect(entry.detail.rerouted).toBe(changed.body.rerouted);
    expect(entry.detail.before.geometry.type).toBe(zone.geometry.type);
  });

  it('draws a new unit whose items then go to it, and refuses a taken code', async () => {
    const spot: [number, number] = [105.9345, 26.1435];
    const square = turf.bboxPolygon(turf.bbox(turf.buffer(turf.point(spot), 0.02, { units: 'kilometers' })!)).geometry;
    clearCaches(app.deps);
    const made = await office.call('POST', '/api/areas', { kind: 'unit', code: 'unit-new-clinic', nameZh: '新卫生院', geometry: square });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const report = await (await app.as('inspector')).call('POST', '/api/reports', { category: 'office_area', lon: spot[0], lat: spot[1] });
    expect(report.body.unit?.id).toBe(made.body.id);
    expect(report.body.responsibleArea?.id).toBe(made.body.id);
    expectError(await office.call('POST', '/api/areas', { kind: 'unit', code: 'unit-new-clinic', nameZh: '重复', geometry: square }), 409, 'area_code_taken');
    expect((await audit()).find((e) => e.action === 'area.create')?.target).toBe('area:unit-new-clinic');
  });

  it('records market-day changes, and keeps the log append-only', async () => {
    expect((await office.call('PUT', '/api/township/market-days', { kind: 'weekdays', days: [0] })).status).toBe(200);
    expect((await audit())[0]).toMatchObject({ action: 'township.market_days', actor: { username: 'office' } });
    expectError(await office.call('GET', '/api/audit'), 403);
    await expect(app.deps.store.db.updateTable('audit_log').set({ action: 'forged' }).execute()).rejects.toThrow(/append-only/);
    await expect(app.deps.store.db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
  });
});

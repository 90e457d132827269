import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { DIALECTS } from '../helpers/stores.ts';
import { freshJpeg } from '../helpers/photos.ts';
import { cookieOf, demoApp, expectError, type Client, type TestApp } from '../helpers/app.ts';
import { alongRoad, demoTown } from '../helpers/town.ts';
import { localPlane } from '../../server/domain/geo.ts';

const fixture = (name: string) => fs.readFileSync(path.resolve('test/fixtures', name));
const { generatorTown } = demoTown();


describe.each(DIALECTS)('the rectification loop over %s', (dialect) => {
  let app: TestApp;
  let inspector: Client;
  let office: Client;
  let cleaner3: Client;
  let cleaner1: Client;
  let leader: Client;
  // spots on the streets of zone 3, a few hundred metres apart
  const onStreet = (road: string, segment: number, t: number) => {
    const plane = localPlane(alongRoad(generatorTown.roads, road, segment, t));
    return (dx = 0) => plane.toLonLat(dx, 0);
  };
  const spotA = onStreet('laneB', 1, 0.5);
  const spotB = onStreet('mainStreet', 2, 0.3);
  const spotC = onStreet('mainStreet', 2, 0.8);
  const spotD = onStreet('laneA', 1, 0.6);

  beforeAll(async () => {
    app = await demoApp(dialect, { scale: 0.3 });
    inspector = await app.as('inspector');
    office = await app.as('office');
    cleaner3 = await app.as('cleaner3');
    cleaner1 = await app.as('cleaner1');
    leader = await app.as('leader');
  });
  afterAll(async () => {
    await app?.drop();
  });

  /** A new photo taken by this person (an after-photo must be new). */
  async function uploadFresh(c: Client): Promise<string> {
    const r = await c.upload('/api/photos', await freshJpeg(), 'after.jpg', 'image/jpeg');
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.id;
  }

  async function upload(c: Client, name: string): Promise<string> {
    const r = await c.upload('/api/photos', fixture(name), name, 'application/octet-stream');
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.id;
  }

  async function report(category: string, at: [number, number], photoIds: string[] = []) {
    const r = await inspector.call('POST', '/api/reports', { category, lon: at[0], lat: at[1], photoIds, description: `测试 ${category}` });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  }

  it('keeps photos by content, recognises them by their bytes, and serves them only to signed-in users', async () => {
    const a = await upload(inspector, 'before.jpg');
    const b = await upload(office, 'before.jpg');
    expect(b).toBe(a);
    expectError(await inspector.upload('/api/photos', fixture('not-a-photo.jpg'), 'x.jpg', 'image/jpeg'), 415, 'not_an_image');
    const png = await upload(inspector, 'after.png');
    const served = await leader.call('GET', `/api/photos/${png}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expectError(await app.call('GET', `/api/photos/${png}`), 401, 'unauthenticated');
    expectError(await leader.upload('/api/photos', fixture('before.jpg')), 403, 'forbidden');
  });

  it('turns thumbnails upright by EXIF orientation and keeps the capture time', async () => {
    const r = await inspector.upload('/api/photos', fixture('rotated-with-time.jpg'));
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ width: 40, height: 20, takenAt: '2026-11-29T01:15:30.000Z' });
    const res = await app.app.request(`/api/photos/${r.body.id}/thumb`, {
      headers: { cookie: (await cookieOf(app, 'leader')) },
    });
    expect(res.headers.get('content-type')).toBe('image/webp');
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect([meta.width, meta.height]).toEqual([20, 40]);
  });

  it('runs an item round the loop: reported and notified, rectified with a photo, verified by someone else, closed', async () => {
    const before = await upload(inspector, 'before.jpg');
    const item = await report('exposed_garbage', spotA(), [before]);
    expect(item).toMatchObject({ status: 'notified', assignee: { role: 'cleaner' }, responsibleArea: { code: 'zone-3' } });

    const path = `/api/reports/${item.id}/transitions`;
    expectError(await cleaner1.call('POST', path, { action: 'rectify', photoIds: [before] }), 403, 'forbidden_transition');
    expectError(await cleaner3.call('POST', path, { action: 'rectify' }), 422, 'invalid_transition');
    expectError(await cleaner3.call('POST', path, { action: 'verify' }), 403, 'forbidden_transition');
    expectError(await cleaner3.call('POST', path, { action: 'rectify', photoIds: ['f'.repeat(64)] }), 422, 'unknown_photo');

    const after = await upload(cleaner3, 'after.jpg');
    const rectified = await cleaner3.call('POST', path, { action: 'rectify', photoIds: [after], note: '已清理' });
    expect(rectified.status).toBe(200);
    expect(rectified.body.status).toBe('rectified');

    const seen = await cleaner3.call('GET', `/api/reports/${item.id}`);
    expect(seen.body.allowedActions).toEqual([]);
    expect(seen.body.photos.map((p: any) => [p.id, p.kind])).toEqual([
      [before, 'before'],
      [after, 'after'],
    ]);
    const officeView = await office.call('GET', `/api/reports/${item.id}`);
    expect(officeView.body.allowedActions).toEqual(['verify', 'reopen', 'merge']);

    // two people verify at once: one closes it, the other is told someone was first
    const v = officeView.body.version;
    const [x, y] = await Promise.all([
      office.call('POST', path, { action: 'verify', version: v }),
      inspector.call('POST', path, { action: 'verify', version: v }),
    ]);
    expect([x.status, y.status].sort()).toEqual([200, 409]);
    const loser = x.status === 409 ? x : y;
    expect(['stale_item', 'illegal_transition']).toContain(loser.body.error.code);

    const closed = await office.call('GET', `/api/reports/${item.id}`);
    expect(closed.body.status).toBe('closed');
    expect(closed.body.closedAt).toBeTruthy();
    expect(closed.body.events.map((e: any) => e.type)).toEqual(['created', 'notify', 'rectify', 'verify']);
    expectError(await office.call('POST', path, { action: 'reopen' }), 409, 'illegal_transition');
  });

  it('lets only the responsible party rectify, and only with a new photo of the work', async () => {
    const before = await uploadFresh(inspector);
    const item = await report('exposed_garbage', spotC(), [before]);
    const path = `/api/reports/${item.id}/transitions`;
    expect(item.zone?.code).toBe('zone-3');
    // The head of the village around the zone, and the market unit, answer for other things.
    const villageHead = await app.as(item.village.code.replace(/^village-/, ''));
    expectError(await villageHead.call('POST', path, { action: 'rectify', photoIds: [await uploadFresh(villageHead)] }), 403, 'forbidden_transition');
    const unit = await app.as('unit-market');
    expectError(await unit.call('POST', path, { action: 'rectify', photoIds: [await uploadFresh(unit)] }), 403, 'forbidden_transition');
    // The item's own before-photo, someone else's photo, a photo taken before the item was sent: not new.
    expectError(await cleaner3.call('POST', path, { action: 'rectify', photoIds: [before] }), 422, 'photo_not_new');
    expectError(await cleaner3.call('POST', path, { action: 'rectify', photoIds: [await uploadFresh(office)] }), 422, 'photo_not_new');
    const old = await uploadFresh(cleaner3);
    app.clock.advance(60_000);
    const later = await report('exposed_garbage', spotC(3));
    app.clock.advance(60_000);
    const refused = await cleaner3.call('POST', `/api/reports/${later.id}/transitions`, { action: 'rectify', photoIds: [old] });
    expectError(refused, 422, 'photo_not_new');
    expect(refused.body.error.message).toContain('before the item was sent');
    // A photo used for one item cannot close another.
    const fresh = await uploadFresh(cleaner3);
    expect((await cleaner3.call('POST', path, { action: 'rectify', photoIds: [fresh] })).status).toBe(200);
    expectError(await cleaner3.call('POST', `/api/reports/${later.id}/transitions`, { action: 'rectify', photoIds: [fresh] }), 422, 'photo_not_new');
  });

  it('does not let the office verify an item it rectified itself', async () => {
    const item = await report('piled_debris', spotB());
    const path = `/api/reports/${item.id}/transitions`;
    const after = await uploadFresh(office);
    expect((await office.call('POST', path, { action: 'rectify', photoIds: [after] })).status).toBe(200);
    expectError(await office.call('POST', path, { action: 'verify' }), 403, 'forbidden_transition');
    const reopened = await inspector.call('POST', path, { action: 'reopen', note: '复查仍有垃圾' });
    expect(reopened.body).toMatchObject({ status: 'notified' });
  });

  it('charges the cleaner for an item left past its deadline, once, and scores the zone', async () => {
    const month = '2026-11';
    const item = await report('exposed_garbage', spotC());
    expect(item.deadlineAt).toBe('2026-11-30T15:59:59.000Z');
    expect(item.overdue).toBe(false);

    app.clock.advance(15 * 3600_000); // 2026-11-30 17:00 UTC = 01:00 the next day in Shanghai
    // The office signs in again after the night (desk sessions end after 30 idle minutes); field staff stay signed in.
    office = await app.signInAgain('office');
    leader = await app.signInAgain('leader');
    const ledger = await office.call('GET', '/api/ledger?overdue=1&category=exposed_garbage&limit=1000');
    const row = ledger.body.rows.find((r: any) => r.id === item.id);
    expect(row).toMatchObject({ overdue: true, status: 'notified' });
    const again = await office.call('GET', '/api/ledger?overdue=1&limit=1000');
    expect(again.status).toBe(200);

    const detail = await office.call('GET', `/api/reports/${item.id}`);
    expect(detail.body.events.filter((e: any) => e.type === 'overdue')).toHaveLength(1);
    expect(detail.body.deductions).toEqual([
      expect.objectContaining({ deadlineAt: item.deadlineAt, amountYuan: 50, points: 2, area: expect.objectContaining({ code: 'zone-3' }) }),
    ]);

    // the month's table agrees with the deductions recorded, counted here straight from the database
    const acc = await office.call('GET', `/api/accountability?month=${month}`);
    const zone3 = acc.body.areas.find((a: any) => a.area.nameZh === '第三保洁区');
    const recorded = await app.deps.store.db
      .selectFrom('deductions')
      .select(['amount_yuan', 'points'])
      .where('area_id', '=', item.responsibleArea.id)
      .where('month', '=', month)
      .execute();
    expect(zone3.overdue).toBe(recorded.length);
    expect(zone3.deductionYuan).toBe(recorded.reduce((s, d) => s + d.amount_yuan, 0));
    expect(zone3.score).toBe(Math.max(0, 100 - recorded.reduce((s, d) => s + d.points, 0)));

    // rectifying late does not charge the same deadline twice
    const after = await uploadFresh(cleaner3);
    await cleaner3.call('POST', `/api/reports/${item.id}/transitions`, { action: 'rectify', photoIds: [after] });
    const acc2 = await office.call('GET', `/api/accountability?month=${month}`);
    expect(acc2.body.areas.find((a: any) => a.area.nameZh === '第三保洁区').deductionYuan).toBe(zone3.deductionYuan);

    const csv = await office.call('GET', `/api/accountability.csv?month=${month}`);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect((csv.body as string).charCodeAt(0)).toBe(0xfeff);
    expect(csv.body).toContain('第三保洁区');
    expectError(await cleaner3.call('GET', `/api/accountability?month=${month}`), 403, 'forbidden');
  });

  it('shows nearby open items of the same category, takes a sighting, merges duplicates and links recurrences', async () => {
    const first = await report('illegal_ad', spotD());
    const second = await inspector.call('POST', '/api/reports', { category: 'illegal_ad', lon: spotD(8)[0], lat: spotD(8)[1] });
    expect(second.body.nearby.map((n: any) => n.id)).toContain(first.id);
    expect(second.body.nearby[0].distanceM).toBeLessThan(12);
    const near = await inspector.call('GET', `/api/reports/nearby?category=illegal_ad&lon=${spotD(3)[0]}&lat=${spotD(3)[1]}`);
    expect(near.body.items.map((n: any) => n.id)).toEqual(expect.arrayContaining([first.id, second.body.id]));

    const sighting = await inspector.call('POST', `/api/reports/${first.id}/sightings`, { note: '又贴了一张' });
    expect(sighting.status).toBe(201);
    expect(sighting.body.sightings).toBe(1);

    const merged = await office.call('POST', `/api/reports/${second.body.id}/transitions`, { action: 'merge', duplicateOf: first.id });
    expect(merged.body).toMatchObject({ status: 'duplicate', duplicateOf: first.id });
    expectError(await office.call('POST', `/api/reports/${first.id}/transitions`, { action: 'merge', duplicateOf: first.id }), 422, 'bad_duplicate');

    // close the first, then a new report at the same spot brings it back
    const after = await uploadFresh(cleaner3);
    await cleaner3.call('POST', `/api/reports/${first.id}/transitions`, { action: 'rectify', photoIds: [after] });
    await office.call('POST', `/api/reports/${first.id}/transitions`, { action: 'verify' });
    const back = await report('illegal_ad', spotD(2));
    expect(back.recurrenceOf).toBe(first.id);
  });

  it('answers a new report with the nearest five open items of its kind and how many there are in all', async () => {
    const at = (m: number) => spotD(m);
    const made: string[] = [];
    for (let i = 0; i < 7; i++) made.push((await report('weeds', at(4 + i))).id);
    const next = await inspector.call('POST', '/api/reports', { category: 'weeds', lon: at(4)[0], lat: at(4)[1] });
    expect(next.status).toBe(201);
    expect(next.body.nearby).toHaveLength(5);
    expect(next.body.nearbyCount).toBeGreaterThanOrEqual(7);
    const near = await inspector.call('GET', `/api/reports/nearby?category=weeds&lon=${at(4)[0]}&lat=${at(4)[1]}`);
    // the five are the nearest of all those the nearby search lists, in the same order
    const ids = near.body.items.filter((n: any) => n.id !== next.body.id).map((n: any) => n.id);
    expect(next.body.nearby.map((n: any) => n.id)).toEqual(ids.slice(0, 5));
    expect(next.body.nearbyCount).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(made));
  });

  it('gives cleaners their own open items by deadline, and the office a CSV ledger Excel opens in Chinese', async () => {
    const tasks = await cleaner3.call('GET', '/api/tasks');
    expect(tasks.status).toBe(200);
    expect(tasks.body.items.length).toBeGreaterThan(0);
    expect(tasks.body.items.every((i: any) => i.responsibleArea?.code === 'zone-3')).toBe(true);
    const deadlines = tasks.body.items.map((i: any) => i.deadlineAt ?? '9999');
    expect(tasks.body.items.some((i: any) => i.overdue)).toBe(true);
    expect([...deadlines].sort()).toEqual(deadlines);

    const csv = await office.call('GET', '/api/ledger.csv?status=notified');
    expect((csv.body as string).charCodeAt(0)).toBe(0xfeff);
    const lines = (csv.body as string).slice(1).trim().split('\r\n');
    expect(lines[0]).toContain('整改期限');
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.slice(1).every((l) => l.includes('已通知整改'))).toBe(true);
  });
});


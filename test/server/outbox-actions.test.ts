import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/stores.ts';
import { freshJpeg } from '../helpers/photos.ts';
import { demoApp, expectError, type Client, type TestApp } from '../helpers/app.ts';
import { alongRoad, demoTown } from '../helpers/town.ts';
import { localPlane } from '../../server/domain/geo.ts';

// A rectification or a sighting sent from a phone's outbox carries the phone's Idempotency-Key: a retry after a
// lost answer, or two sends racing when the line comes back, do it once.

const { generatorTown } = demoTown();

describe.each(DIALECTS)('actions sent from the outbox over %s', (dialect) => {
  let app: TestApp;
  let inspector: Client;
  let cleaner3: Client;
  const plane = localPlane(alongRoad(generatorTown.roads, 'laneB', 1, 0.2));
  let spot = 0;
  const nextSpot = () => plane.toLonLat(120 * spot++, 0);

  beforeAll(async () => {
    app = await demoApp(dialect, { scale: 0.2 });
    inspector = await app.as('inspector');
    cleaner3 = await app.as('cleaner3');
  });
  afterAll(async () => {
    await app?.drop();
  });

  async function openItem() {
    const [lon, lat] = nextSpot();
    const r = await inspector.call('POST', '/api/reports', { category: 'exposed_garbage', lon, lat, description: '出站测试' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { id: string; version: number; status: string };
  }
  async function photo(c: Client) {
    const r = await c.upload('/api/photos', await freshJpeg(), 'after.jpg', 'image/jpeg');
    expect(r.status).toBe(201);
    return r.body.id as string;
  }
  const events = (id: string, type: string) =>
    app.deps.store.db.selectFrom('report_events').select(['id', 'actor_id']).where('report_id', '=', id).where('type', '=', type).execute();

  it('answers a repeated rectification with the item as it is, marked as replayed, and records it once', async () => {
    const item = await openItem();
    expect(item.status).toBe('notified');
    const key = randomUUID();
    const body = { action: 'rectify', note: '已清扫', photoIds: [await photo(cleaner3)], version: item.version };
    const first = await cleaner3.call('POST', `/api/reports/${item.id}/transitions`, body, { 'idempotency-key': key });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    // the answer was lost; the phone sends the same again, with the version it saw before
    const again = await cleaner3.call('POST', `/api/reports/${item.id}/transitions`, body, { 'idempotency-key': key });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.status).toBe('rectified');
    expect(again.body.version).toBe(first.body.version);
    expect(await events(item.id, 'rectify')).toHaveLength(1);
    // without a key the same request is what it always was: stale
    expectError(await cleaner3.call('POST', `/api/reports/${item.id}/transitions`, body), 409);
  });

  it('does a sighting once when two sends with the same key race', async () => {
    const item = await openItem();
    const key = randomUUID();
    const send = () => inspector.call('POST', `/api/reports/${item.id}/sightings`, { note: '又出现了' }, { 'idempotency-key': key });
    const answers = await Promise.all([send(), send(), send()]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 201]);
    expect(await events(item.id, 'sighting')).toHaveLength(1);
    const row = await app.deps.store.db.selectFrom('reports').select('sightings').where('id', '=', item.id).executeTakeFirstOrThrow();
    expect(row.sightings).toBe(1);
  });

  it('refuses a key already used for another action or by another person', async () => {
    const item = await openItem();
    const key = randomUUID();
    expect((await inspector.call('POST', `/api/reports/${item.id}/sightings`, {}, { 'idempotency-key': key })).status).toBe(201);
    expectError(await cleaner3.call('POST', `/api/reports/${item.id}/sightings`, {}, { 'idempotency-key': key }), 422, 'idempotency_key_reused');
    expectError(
      await cleaner3.call('POST', `/api/reports/${item.id}/transitions`, { action: 'rectify', photoIds: [await photo(cleaner3)] }, { 'idempotency-key': key }),
      422,
      'idempotency_key_reused',
    );
    expectError(await inspector.call('POST', `/api/reports/${item.id}/sightings`, {}, { 'idempotency-key': 'not-a-uuid' }), 400);
  });
});

import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../server/services/auth.ts';
import { insertTownship } from '../../server/store/townships.ts';
import { demoApp, expectError, type Client, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/stores.ts';

// Two townships in one database (a county deployment): a user of one never reads or changes the other's items.

const FIXTURES = path.join(import.meta.dirname, '../fixtures');

describe.each(DIALECTS)('two townships in one database (%s)', (dialect) => {
  let app: TestApp;
  let other: Client;
  let office: Client;
  let reportId: string;
  let photoId: string;

  beforeAll(async () => {
    app = await demoApp(dialect, { scale: 0.05 });
    const otherId = randomUUID();
    // A square township 50 km east of the demo town.
    const ring = [[106.5, 26.1], [106.6, 26.1], [106.6, 26.2], [106.5, 26.2], [106.5, 26.1]];
    await insertTownship(app.deps.store.db, {
      id: otherId,
      code: 'other-town',
      name_zh: '邻镇',
      name_en: 'Neighbour Town',
      boundary: JSON.stringify({ type: 'Polygon', coordinates: [ring] }),
      timezone: 'Asia/Shanghai',
      created_at: new Date(app.clock.now.getTime() + 1000).toISOString(),
    });
    await addUser(app.deps, { townshipId: otherId, username: 'other-office', displayName: '邻镇办公室', role: 'office', password: 'Neighbour-2026' });
    office = await app.as('office');
    other = await app.as('other-office', 'Neighbour-2026');

    const photo = await (await app.as('inspector')).upload('/api/photos', fs.readFileSync(path.join(FIXTURES, 'before.jpg')));
    expect(photo.status).toBe(201);
    photoId = photo.body.id;
    const created = await (await app.as('inspector')).call('POST', '/api/reports', {
      category: 'exposed_garbage',
      lon: 105.934,
      lat: 26.142,
      photoIds: [photoId],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    reportId = created.body.id;
  });
  afterAll(async () => {
    await app?.drop();
  });

  it('shows each user their own township and its reports only', async () => {
    expect((await other.call('GET', '/api/township')).body.nameZh).toBe('邻镇');
    expect((await office.call('GET', '/api/township')).body.nameZh).not.toBe('邻镇');
    expect((await other.call('GET', '/api/reports')).body.features).toHaveLength(0);
    expect((await office.call('GET', '/api/reports')).body.features.length).toBeGreaterThan(10);
    expect((await other.call('GET', '/api/areas')).body.features).toHaveLength(0);
    expect((await other.call('GET', '/api/ledger')).body.rows).toHaveLength(0);
    expect((await office.call('GET', '/api/ledger')).body.rows.length).toBeGreaterThan(0);
    const points = await other.call('GET', '/api/reports/points');
    expect(points.headers.get('x-point-count')).toBe('0');
  });

  it('refuses to read or change the other township’s report, photo or briefing by id', async () => {
    expectError(await other.call('GET', `/api/reports/${reportId}`), 404);
    expectError(await other.call('POST', `/api/reports/${reportId}/transitions`, { action: 'verify' }), 404);
    expectError(await other.call('POST', `/api/reports/${reportId}/sightings`, { note: 'seen' }), 404);
    expectError(await other.call('GET', `/api/photos/${photoId}`), 404);
    // The report is untouched, and its own township still reads it.
    const own = await office.call('GET', `/api/reports/${reportId}`);
    expect(own.status).toBe(200);
    expect(own.body.status).toBe('notified');
    expect(own.body.version).toBe(1);
  });

  it('refuses a report placed in the other township, and cannot attach its photos', async () => {
    expectError(await other.call('POST', '/api/reports', { category: 'exposed_garbage', lon: 105.934, lat: 26.142 }), 422);
    const inOwn = await other.call('POST', '/api/reports', { category: 'exposed_garbage', lon: 106.55, lat: 26.15, photoIds: [photoId] });
    expect(inOwn.status).toBeGreaterThanOrEqual(400);
    expect(inOwn.status).toBeLessThan(500);
  });
});

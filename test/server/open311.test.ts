import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoApp, type Client, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/stores.ts';

// An Open311 GeoReport v2 client: lists services, posts a request with an admin-issued key, reads it back.

const ISO_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/;

describe.each(DIALECTS)('Open311 GeoReport v2 (%s)', (dialect) => {
  let app: TestApp;
  let admin: Client;
  let key: string;
  let keyId: string;
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' };

  beforeAll(async () => {
    app = await demoApp(dialect, { scale: 0.05 });
    admin = await app.as('admin');
    const issued = await admin.call('POST', '/api/api-keys', { name: '市12345平台' });
    expect(issued.status).toBe(201);
    key = issued.body.key;
    keyId = issued.body.id;
    expect(key).toMatch(/^hs_/);
    // The key is shown once: the list has only its prefix.
    const listed = (await admin.call('GET', '/api/api-keys')).body.keys;
    expect(JSON.stringify(listed)).not.toContain(key);
    expect(listed[0].prefix).toBe(key.slice(0, 7));
  });
  afterAll(async () => {
    await app?.drop();
  });

  it('lists one service per active category, in JSON and in XML', async () => {
    const json = await app.call('GET', `/open311/v2/services.json?api_key=${key}`);
    expect(json.status).toBe(200);
    const garbage = json.body.find((s: { service_code: string }) => s.service_code === 'exposed_garbage');
    expect(garbage).toMatchObject({ service_name: expect.any(String), description: expect.any(String), metadata: false, type: 'realtime', keywords: expect.stringContaining('exposed_garbage'), group: expect.any(String) });
    const cats = (await admin.call('GET', '/api/categories')).body;
    expect(json.body).toHaveLength((Array.isArray(cats) ? cats : cats.categories).filter((c: { active?: boolean }) => c.active !== false).length);
    const xml = await app.call('GET', `/open311/v2/services.xml?api_key=${key}`);
    expect(xml.headers.get('content-type')).toMatch(/application\/xml/);
    expect(xml.body).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<services><service><service_code>/);
    expect(xml.body.match(/<service>/g)).toHaveLength(json.body.length);
  });

  it('takes a posted request, routes and notifies it like any report, and reads it back', async () => {
    const posted = await app.call(
      'POST',
      '/open311/v2/requests.json',
      form({ api_key: key, service_code: 'exposed_garbage', lat: '26.142', long: '105.934', description: '垃圾桶满溢 & <溢出>', media_url: 'https://example.org/p/1.jpg' }),
      formHeaders,
    );
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    const id = posted.body[0].service_request_id;
    expect(posted.body[0].service_notice).toEqual(expect.any(String));

    const inside = (await admin.call('GET', `/api/reports/${id}`)).body;
    expect(inside.status).toBe('notified');
    expect(inside.responsibleArea).not.toBeNull();

    const one = await app.call('GET', `/open311/v2/requests/${id}.json?api_key=${key}`);
    expect(one.status).toBe(200);
    const r = one.body[0];
    expect(r).toMatchObject({ service_request_id: id, status: 'open', service_code: 'exposed_garbage', description: '垃圾桶满溢 & <溢出>', lat: 26.142, long: 105.934, media_url: 'https://example.org/p/1.jpg' });
    for (const f of ['requested_datetime', 'updated_datetime', 'expected_datetime']) expect(r[f], f).toMatch(ISO_OFFSET);
    expect(r.requested_datetime).toMatch(/\+08:00$/);
    expect(Date.parse(r.expected_datetime)).toBe(Date.parse(inside.deadlineAt));
    expect(r.agency_responsible).toContain(inside.responsibleArea.nameZh);
    expect(r.address).toEqual(expect.any(String));
    expect(r.status_notes).toEqual(expect.any(String));

    const xml = await app.call('GET', `/open311/v2/requests/${id}.xml?api_key=${key}`);
    expect(xml.body).toContain(`<service_request_id>${id}</service_request_id>`);
    expect(xml.body).toContain('<description>垃圾桶满溢 &amp; &lt;溢出&gt;</description>');
    expect(xml.body).toContain('<status>open</status>');

    const open = await app.call('GET', `/open311/v2/requests.json?api_key=${key}&service_request_id=${id}&status=open`);
    expect(open.body.map((x: { service_request_id: string }) => x.service_request_id)).toEqual([id]);
    expect((await app.call('GET', `/open311/v2/requests.json?api_key=${key}&service_request_id=${id}&status=closed`)).body).toEqual([]);
    const recent = await app.call('GET', `/open311/v2/requests.json?api_key=${key}&service_code=exposed_garbage&start_date=2026-11-01T00:00:00%2B08:00`);
    expect(recent.body.length).toBeGreaterThan(1);
    expect(recent.body.every((x: { service_code: string }) => x.service_code === 'exposed_garbage')).toBe(true);
  });

  it('answers errors in the spec’s form, and refuses a revoked key', async () => {
    const bad = await app.call('POST', '/open311/v2/requests.json', form({ api_key: key, service_code: 'exposed_garbage', lat: '126', long: '105.934' }), formHeaders);
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual([{ code: 400, description: expect.stringContaining('lat') }]);
    // the spec's codes: a request that cannot be taken is 400, whatever our own API would say (422)
    const outside = await app.call('POST', '/open311/v2/requests.json', form({ api_key: key, service_code: 'exposed_garbage', lat: '30', long: '110' }), formHeaders);
    expect(outside.status).toBe(400);
    expect(outside.body).toEqual([{ code: 400, description: expect.any(String) }]);
    const unknown = await app.call('POST', '/open311/v2/requests.json', form({ api_key: key, service_code: 'no_such', lat: '26.142', long: '105.934' }), formHeaders);
    expect(unknown.status).toBe(400);
    // posting without a key: 403, in XML for the XML endpoint
    const none = await app.call('POST', '/open311/v2/requests.xml', form({ service_code: 'exposed_garbage', lat: '26.142', long: '105.934' }), formHeaders);
    expect(none.status).toBe(403);
    expect(none.body).toMatch(/<errors><error><code>403<\/code><description>/);
    expect((await app.call('GET', `/open311/v2/requests/00000000-0000-4000-8000-000000000000.json?api_key=${key}`)).status).toBe(404);

    expect((await admin.call('DELETE', `/api/api-keys/${keyId}`)).status).toBe(200);
    const revoked = await app.call('GET', `/open311/v2/services.json?api_key=${key}`);
    // a revoked key is refused even where no key is needed: it is a wrong key, not none
    expect(revoked.status).toBe(403);
    expect(revoked.body[0].code).toBe(403);
    const audit = (await admin.call('GET', '/api/audit')).body.entries.map((e: { action: string }) => e.action);
    expect(audit).toEqual(expect.arrayContaining(['api_key.issue', 'api_key.revoke']));
  });

  it('serves a client that follows the spec line by line: discovery, services without a key, a definition, a post, a read', async () => {
    // a second key for this test (the one above is revoked by now)
    const mine = (await admin.call('POST', '/api/api-keys', { name: 'spec client' })).body.key as string;
    const township = (await admin.call('GET', '/api/township')).body;
    // 1. discovery: where the endpoint is, in which formats
    const discovery = await app.call('GET', '/open311/v2/discovery.json');
    expect(discovery.status).toBe(200);
    const endpoint = discovery.body.endpoints.find((e: any) => e.specification === 'http://wiki.open311.org/GeoReport_v2' && e.type === 'production');
    expect(endpoint.formats).toEqual(expect.arrayContaining(['application/json', 'text/xml']));
    const base = new URL(endpoint.url).pathname;
    expect(base).toBe('/open311/v2');
    expect((await app.call('GET', `${base}/discovery.xml`)).body).toContain('<key_service>');
    // 2. GET services, no key, for the jurisdiction
    const services = await app.call('GET', `${base}/services.json?jurisdiction_id=${township.code}`, undefined, { origin: 'https://portal.example.org' });
    expect(services.status).toBe(200);
    expect(services.headers.get('access-control-allow-origin')).toBe('*');
    const service = services.body[0];
    expect(service).toMatchObject({ service_code: expect.any(String), service_name: expect.any(String), metadata: false, type: 'realtime' });
    // 3. the service definition (metadata false: no attributes)
    const def = await app.call('GET', `${base}/services/${service.service_code}.json?jurisdiction_id=${township.code}`);
    expect(def.body).toEqual({ service_code: service.service_code, attributes: [] });
    expect((await app.call('GET', `${base}/services/no_such.json`)).status).toBe(404);
    // 4. POST a request, form-encoded, with key and jurisdiction; a 4 000-character description is the spec's limit
    const long = '满'.repeat(4000);
    const posted = await app.call(
      'POST',
      `${base}/requests.json`,
      form({ api_key: mine, jurisdiction_id: township.code, service_code: 'exposed_garbage', lat: '26.142', long: '105.934', description: long }),
      formHeaders,
    );
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    const [{ service_request_id: id }] = posted.body;
    expect(id).toEqual(expect.any(String));
    expect((await app.call('POST', `${base}/requests.json`, form({ api_key: mine, service_code: 'exposed_garbage', lat: '26.142', long: '105.934', description: long + '满' }), formHeaders)).status).toBe(400);
    // 5. GET it back without a key: the public fields
    const read = await app.call('GET', `${base}/requests/${id}.json?jurisdiction_id=${township.code}`);
    expect(read.status).toBe(200);
    expect(read.body[0]).toMatchObject({ service_request_id: id, status: 'open', service_code: 'exposed_garbage', lat: 26.142, long: 105.934, description: null, media_url: null });
    const listed = await app.call('GET', `${base}/requests.json?service_request_id=${id}`);
    expect(listed.body.map((r: any) => r.service_request_id)).toEqual([id]);
    // with the key, the description too
    expect((await app.call('GET', `${base}/requests/${id}.json?api_key=${mine}`)).body[0].description).toBe(long);
    // a jurisdiction that is not ours, and a key of another jurisdiction
    const nowhere = await app.call('GET', `${base}/services.json?jurisdiction_id=nowhere`);
    expect(nowhere.status).toBe(404);
    expect(nowhere.body).toEqual([{ code: 404, description: expect.stringContaining('jurisdiction_id') }]);
    // posting is not open to other sites' pages: the preflight allows reading only
    const preflight = await app.call('OPTIONS', `${base}/requests.json`, undefined, { origin: 'https://portal.example.org', 'access-control-request-method': 'POST' });
    expect(preflight.headers.get('access-control-allow-methods') ?? '').not.toContain('POST');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import zlib from 'node:zlib';
import { cookieOf, demoApp, type TestApp } from '../helpers/app.ts';

// Answers are gzipped for whoever accepts gzip, whole JSON through zlib and streamed files through Hono's
// compress, and what comes back unzips to exactly what an uncompressed request gets.
describe('compressed answers', () => {
  let app: TestApp;
  let cookie: string;
  beforeAll(async () => {
    app = await demoApp('sqlite');
    cookie = await cookieOf(app, 'office');
  });
  afterAll(async () => {
    await app?.drop();
  });
  const get = (path: string, encoding?: string) =>
    app.app.request(path, { headers: { cookie, ...(encoding === undefined ? {} : { 'accept-encoding': encoding }) } });

  it('gzips a large JSON answer, and it unzips to the plain answer', async () => {
    const plain = await get('/api/reports?limit=300', 'identity');
    expect(plain.headers.get('content-encoding')).toBeNull();
    const text = await plain.text();
    expect(text.length).toBeGreaterThan(64 * 1024);
    for (const accept of ['gzip', 'gzip, deflate, br', 'br;q=1, gzip;q=0.5', '*']) {
      const zipped = await get('/api/reports?limit=300', accept);
      expect(zipped.headers.get('content-encoding'), accept).toBe('gzip');
      expect(zipped.headers.get('vary')).toMatch(/accept-encoding/i);
      expect(zipped.headers.get('content-length')).toBeNull();
      const bytes = Buffer.from(await zipped.arrayBuffer());
      expect(bytes.length).toBeLessThan(text.length / 3);
      expect(zlib.gunzipSync(bytes).toString('utf8')).toBe(text);
    }
  });

  it('gzips a small JSON answer on the spot, and leaves a tiny one and a refused gzip alone', async () => {
    const plain = await (await get('/api/reports?limit=3', 'identity')).text();
    const zipped = await get('/api/reports?limit=3', 'gzip');
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(zlib.gunzipSync(Buffer.from(await zipped.arrayBuffer())).toString('utf8')).toBe(plain);
    const tiny = await get('/api/health', 'gzip');
    expect(tiny.headers.get('content-encoding')).toBeNull();
    expect(await tiny.json()).toBeTruthy();
    const refused = await get('/api/reports?limit=3', 'gzip;q=0, identity');
    expect(refused.headers.get('content-encoding')).toBeNull();
    expect(await refused.text()).toBe(plain);
  });

  it('still compresses what is not JSON (a CSV download), and deflate for a client that only takes deflate', async () => {
    const csv = await get('/api/ledger.csv', 'gzip');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-encoding')).toBe('gzip');
    expect(zlib.gunzipSync(Buffer.from(await csv.arrayBuffer())).toString('utf8')).toContain('编号');
    const deflated = await get('/api/reports?limit=300', 'deflate');
    expect(deflated.headers.get('content-encoding')).toBe('deflate');
    expect(JSON.parse(zlib.inflateSync(Buffer.from(await deflated.arrayBuffer())).toString('utf8')).numberReturned).toBe(300);
  });
});

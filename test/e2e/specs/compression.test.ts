import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { useTownServer } from '../town-server.ts';

// What a phone on a weak signal downloads: the built script precompressed (brotli or gzip, as it asks), kept for a
// year under its hashed name, and every text answer of the API gzipped.

const town = useTownServer();

describe('answers made small for a slow line', { timeout: 120_000 }, () => {
  it('sends the built assets precompressed and cached for good, and the API gzipped', async () => {
    const html = await (await fetch(`${town.server.url}/field`)).text();
    const script = html.match(/src="(\/assets\/index-[^"]+\.js)"/)?.[1];
    expect(script).toBeDefined();
    const raw = await (await fetch(`${town.server.url}${script}`, { headers: { 'accept-encoding': 'identity' } })).arrayBuffer();

    for (const [accept, encoding, decode] of [
      ['br, gzip', 'br', zlib.brotliDecompressSync],
      ['gzip', 'gzip', zlib.gunzipSync],
    ] as const) {
      // node's fetch would undo the encoding: read the bytes as sent
      const res = await fetch(`${town.server.url}${script}`, { headers: { 'accept-encoding': accept } });
      expect(res.headers.get('content-encoding')).toBe(encoding);
      expect(res.headers.get('cache-control')).toContain('immutable');
      expect(res.headers.get('vary') ?? '').toMatch(/accept-encoding/i);
      const sent = Number(res.headers.get('content-length'));
      expect(sent).toBeLessThan(raw.byteLength / 2.5);
      const body = Buffer.from(await new Response(res.body).arrayBuffer());
      // undici decodes br/gzip itself; either way the script arrives whole
      const text = body.length === raw.byteLength ? body : decode(body);
      expect(text.length).toBe(raw.byteLength);
    }

    const login = await fetch(`${town.server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'inspector', password: 'demo' }) });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const areas = await fetch(`${town.server.url}/api/areas`, { headers: { cookie, 'accept-encoding': 'gzip' } });
    expect(areas.status).toBe(200);
    expect(areas.headers.get('content-encoding')).toBe('gzip');
    // and the headers added around the route are all there on the compressed answer
    expect(areas.headers.get('cache-control')).toBe('no-store');
    expect(areas.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect((await areas.json()).type).toBe('FeatureCollection');
  });
});

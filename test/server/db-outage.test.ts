import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { startServer, type RunningServer } from '../../server/server.ts';
import { PG_URL } from '../helpers/stores.ts';

// PostgreSQL goes away under a running server: a TCP proxy the test owns stands between them and cuts every
// connection, then lets them through again. The shared PostgreSQL cluster itself is never touched.

/** A proxy to PostgreSQL that can drop every connection and refuse new ones until restored. */
function pgProxy(target: URL) {
  const sockets = new Set<net.Socket>();
  let open = true;
  const server = net.createServer((client) => {
    if (!open) return client.destroy();
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    sockets.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream).pipe(client);
  });
  return {
    listen: () => new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as net.AddressInfo).port))),
    cut() {
      open = false;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    restore() {
      open = true;
    },
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}

describe('losing the PostgreSQL connection', { timeout: 180_000 }, () => {
  const name = `hs_outage_${randomBytes(4).toString('hex')}`;
  const base = new URL(PG_URL);
  const proxy = pgProxy(base);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotspots-outage-'));
  let server: RunningServer;
  let cookie = '';
  const logged: string[] = [];

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const port = await proxy.listen();
    const url = new URL(PG_URL);
    url.port = String(port);
    url.pathname = `/${name}`;
    server = await startServer(loadConfig({ PORT: '0', HOTSPOTS_DATA_DIR: dir, DATABASE_URL: url.toString() }), (m) => logged.push(m));
    const r = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'office', password: 'demo' }) });
    cookie = r.headers.get('set-cookie')!.split(';')[0]!;
  });
  afterAll(async () => {
    await server?.close();
    await proxy.close();
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const get = (p: string) => fetch(`${server.url}${p}`, { headers: { cookie } });

  it('answers 503 database_unavailable with Retry-After while the database is gone, stays up, and recovers by itself', async () => {
    expect((await (await get('/api/health')).json()) as object).toMatchObject({ status: 'ok', databaseState: 'ok' });
    expect((await get('/api/reports?limit=5')).status).toBe(200);

    proxy.cut();
    for (const p of ['/api/reports?limit=5', '/api/health', '/api/ledger']) {
      const r = await get(p);
      expect(r.status, p).toBe(503);
      expect(r.headers.get('retry-after')).toBe('5');
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('database_unavailable');
    }
    // A write refused during the outage is not half-done: nothing was acknowledged.
    const post = await fetch(`${server.url}/api/reports`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ category: 'weeds', lon: 105.93, lat: 26.14 }) });
    expect(post.status).toBe(503);

    proxy.restore();
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await get('/api/reports?limit=5')).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
    expect((await (await get('/api/health')).json()) as object).toMatchObject({ databaseState: 'ok' });
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { startServer, type RunningServer } from '../../server/server.ts';

// The real server on a real port and a real SQLite file, as `npm start` runs it.

const quiet = () => {};
let dirs: string[] = [];
let running: RunningServer[] = [];
afterEach(async () => {
  for (const r of running) await r.close().catch(() => {});
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  dirs = [];
  running = [];
});

function tempDir() {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'hotspots-server-'));
  dirs.push(d);
  return d;
}

async function start(env: Record<string, string>) {
  const r = await startServer(loadConfig({ PORT: '0', ...env }), quiet);
  running.push(r);
  return r;
}

async function signIn(url: string, username: string, password = 'demo'): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`log-in failed: ${res.status}`);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

async function countAll(url: string, cookie: string): Promise<number> {
  const res = await fetch(`${url}/api/reports?limit=10000`, { headers: { cookie } });
  return ((await res.json()) as { numberReturned: number }).numberReturned;
}

describe('the server', () => {
  it("archives Monday's briefing from a process of its own, and keeps answering", async () => {
    const dir = tempDir();
    const logs: string[] = [];
    // Monday 30 November 2026, 09:30 in Shanghai: last week's briefing is due
    const monday = new Date('2026-11-30T01:30:00Z');
    const r = await startServer(loadConfig({ PORT: '0', HOTSPOTS_DATA_DIR: dir, HOTSPOTS_JOB_INTERVAL_S: '1' }), (m) => logs.push(m), { now: () => monday });
    running.push(r);
    expect(await r.deps.store.db.selectFrom('briefings').select('week').execute()).toEqual([]);
    let answered = 0;
    for (let i = 0; i < 120 && !logs.some((l) => l.startsWith('Archived')); i++) {
      if ((await fetch(`${r.url}/api/health`)).ok) answered++;
      await new Promise((res) => setTimeout(res, 250));
    }
    expect(logs).toContain('Archived the briefing for 2026-W48.');
    expect((await r.deps.store.db.selectFrom('briefings').select('week').execute()).map((b) => b.week)).toEqual(['2026-W48']);
    expect(answered).toBeGreaterThan(0);
    // once: the next rounds of the jobs find it archived
    const seen = r.jobRounds();
    await vi.waitFor(() => expect(r.jobRounds()).toBeGreaterThanOrEqual(seen + 2), { timeout: 20_000, interval: 100 });
    expect(logs.filter((l) => l.startsWith('Archived'))).toHaveLength(1);
  }, 60_000);

  it('survives a restart on the same database: migrations rerun, the demo is not loaded twice, reports stay', async () => {
    const dir = tempDir();
    const a = await start({ HOTSPOTS_DATA_DIR: dir });
    const cookie = await signIn(a.url, 'inspector');
    const before = await countAll(a.url, cookie);
    expect(before).toBeGreaterThan(1000);
    const post = await fetch(`${a.url}/api/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ category: 'weeds', lon: 105.9352, lat: 26.1448 }),
    });
    expect(post.status).toBe(201);
    await a.close();
    running = [];
    expect(fs.existsSync(path.join(dir, 'hotspots.sqlite'))).toBe(true);

    const b = await start({ HOTSPOTS_DATA_DIR: dir });
    // sessions live in the database, so the restart does not sign anyone out
    expect(await countAll(b.url, cookie)).toBe(before + 1);
  });

  it('starts empty with HOTSPOTS_DEMO=0: no township, and none of the demo accounts', async () => {
    const r = await start({ HOTSPOTS_DATA_DIR: tempDir(), HOTSPOTS_DEMO: '0' });
    expect((await fetch(`${r.url}/api/health`)).status).toBe(200);
    await expect(signIn(r.url, 'admin')).rejects.toThrow(/401/);
    const res = await fetch(`${r.url}/api/township`);
    expect(res.status).toBe(401);
  });

  it('lets anyone read the map when the deployment opens it, but never write', async () => {
    const r = await start({ HOTSPOTS_DATA_DIR: tempDir(), HOTSPOTS_PUBLIC_MAP: '1' });
    expect((await fetch(`${r.url}/api/reports?limit=5`)).status).toBe(200);
    expect((await fetch(`${r.url}/api/areas`)).status).toBe(200);
    const post = await fetch(`${r.url}/api/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ category: 'weeds', lon: 105.9352, lat: 26.1448 }),
    });
    expect(post.status).toBe(401);
    expect((await fetch(`${r.url}/api/ledger`)).status).toBe(401);
  });

  it('serves the web app at / and on its own routes, and JSON errors under /api', async () => {
    const web = tempDir();
    fs.writeFileSync(path.join(web, 'index.html'), '<!doctype html><title>hotspots</title><div id="root"></div>');
    const r = await start({ HOTSPOTS_DATA_DIR: tempDir(), HOTSPOTS_WEB_DIR: web });
    for (const p of ['/', '/field']) {
      const res = await fetch(`${r.url}${p}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<div id="root">');
    }
    const api = await fetch(`${r.url}/api/nope`);
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('refuses a bad configuration with a message naming the variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(loadConfig({}).port).toBe(8787);
    expect(loadConfig({}).host).toBe('127.0.0.1');
  });
});

describe('basemap tiles from the server', () => {
  it('serves a PMTiles file with range requests, and allows an online basemap in its content policy', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotspots-tiles-'));
    dirs.push(dir);
    const file = path.join(dir, 'town.pmtiles');
    const bytes = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
    fs.writeFileSync(file, bytes);
    const s = await start({ HOTSPOTS_DATA_DIR: dir, HOTSPOTS_BASEMAP: 'pmtiles', HOTSPOTS_PMTILES: file, HOTSPOTS_PUBLIC_MAP: '1' });
    const part = await fetch(`${s.url}/api/basemap/tiles.pmtiles`, { headers: { range: 'bytes=127-1126' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 127-1126/5000');
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(127, 1127))).toBe(true);
    const whole = await fetch(`${s.url}/api/basemap/tiles.pmtiles`);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect((await whole.arrayBuffer()).byteLength).toBe(5000);
    expect((await fetch(`${s.url}/api/basemap/tiles.pmtiles`, { headers: { range: 'bytes=6000-' } })).status).toBe(416);
    const basemap = (await (await fetch(`${s.url}/api/basemap`)).json()) as { tiles: { kind: string; url: string } };
    expect(basemap.tiles).toMatchObject({ kind: 'pmtiles', url: '/api/basemap/tiles.pmtiles' });

    const osm = await start({ HOTSPOTS_DATA_DIR: tempDir(), HOTSPOTS_BASEMAP: 'osm' });
    const csp = (await fetch(`${osm.url}/api/health`)).headers.get('content-security-policy')!;
    expect(csp).toContain("connect-src 'self' https://tile.openstreetmap.org");
    expect(csp).toContain("img-src 'self' data: blob: https://tile.openstreetmap.org");
    const offline = (await fetch(`${s.url}/api/health`)).headers.get('content-security-policy')!;
    expect(offline).toContain("connect-src 'self';");
    expect(() => loadConfig({ HOTSPOTS_BASEMAP: 'tianditu' })).toThrow(/HOTSPOTS_TIANDITU_KEY/);
  });
});

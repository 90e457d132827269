import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { startServer, type RunningServer } from '../../server/server.ts';
import { demoApp, type TestApp } from '../helpers/app.ts';
import { HASHING_SLOTS, OWASP_N, passwordCost, usePasswordCost, verifyPassword } from '../../server/services/passwords.ts';

// The sign-in limits are checked at the production cost (the rest of the suite hashes cheaper): the hashes and the
// timing are the real ones. The cost is put back afterwards, for the files the same test process runs next.
const suiteCost = passwordCost();
usePasswordCost(OWASP_N);
afterAll(() => usePasswordCost(suiteCost));

// Signing in under attack: parallel guesses, guesses from elsewhere against a real person, floods of hashing,
// reverse proxies, host names that are not ours, and bodies refused before they are read.

describe('sign-in limits that hold under parallel guessing', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await demoApp('sqlite', { scale: 0.02 });
  });
  afterAll(async () => {
    await app?.drop();
  });
  const attempt = (username: string, password: string, cookie?: string) =>
    app.call('POST', '/api/auth/login', { username, password }, cookie ? { cookie } : {});

  it('refuses 40 parallel wrong passwords for one name after the first five, and then the right one too', async () => {
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => attempt('office', `guess-${i}`)));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(35);
    const right = await attempt('office', 'demo');
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('slows guessing down progressively instead of locking for good', async () => {
    for (let i = 0; i < 5; i++) expect((await attempt('inspector', `wrong-${i}`)).status).toBe(401);
    const first = await attempt('inspector', 'wrong-5');
    expect(first.status).toBe(429);
    expect(Number(first.headers.get('retry-after'))).toBe(30);
    app.clock.advance(31_000);
    expect((await attempt('inspector', 'wrong-6')).status).toBe(401);
    const second = await attempt('inspector', 'wrong-7');
    expect(Number(second.headers.get('retry-after'))).toBe(60);
    app.clock.advance(61_000);
    expect((await attempt('inspector', 'demo')).status).toBe(200);
  });

  it('lets the real person sign in from a device they used before while their name is being guessed elsewhere', async () => {
    const first = await attempt('leader', 'demo');
    expect(first.status).toBe(200);
    const device = first.headers.get('set-cookie')!.split(/,(?=\s*\w+=)/).find((c) => c.trim().startsWith('hs_device='))!.split(';')[0]!.trim();
    for (let i = 0; i < 8; i++) await attempt('leader', `attacker-${i}`);
    expect((await attempt('leader', 'demo')).status).toBe(429); // a stranger's browser
    expect((await attempt('leader', 'demo', device)).status).toBe(200); // the leader's own
  });

  it('spends the same hash on a name that does not exist, and writes every sign-in to the audit log', async () => {
    const spy = vi.spyOn(crypto, 'scrypt');
    const before = spy.mock.calls.length;
    expect((await attempt('nobody-here', 'whatever')).status).toBe(401);
    // The unknown user's check ran scrypt like a known user's does (the dummy hash itself may be made once first).
    expect(spy.mock.calls.length - before).toBeGreaterThanOrEqual(1);
    spy.mockRestore();
    const log = await app.deps.store.db.selectFrom('audit_log').select(['action', 'target']).where('action', 'like', 'auth.%').execute();
    expect(log.filter((e) => e.action === 'auth.login_failed' && e.target === 'user:nobody-here')).toHaveLength(1);
    expect(log.some((e) => e.action === 'auth.login' && e.target === 'user:leader')).toBe(true);
  });

  it('hashes at OWASP\'s cost (scrypt N=2^17) and upgrades an older, cheaper hash when its owner signs in', async () => {
    const office = await app.deps.store.db.selectFrom('users').select('password_hash').where('username', '=', 'unit-market').executeTakeFirstOrThrow();
    expect(office.password_hash).toMatch(/^scrypt\$131072\$8\$1\$/);
    // A hash as the first version of the product made it: N = 2^14.
    const salt = crypto.randomBytes(16);
    const old = crypto.scryptSync('Old-password-2025', salt, 32, { N: 16384, r: 8, p: 1 });
    await app.deps.store.db.updateTable('users').set({ password_hash: `scrypt$16384$8$1$${salt.toString('base64')}$${old.toString('base64')}` }).where('username', '=', 'unit-market').execute();
    expect((await attempt('unit-market', 'Old-password-2025')).status).toBe(200);
    const after = await app.deps.store.db.selectFrom('users').select('password_hash').where('username', '=', 'unit-market').executeTakeFirstOrThrow();
    expect(after.password_hash).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect((await attempt('unit-market', 'Old-password-2025')).status).toBe(200);
  });

  it('never hashes more than two passwords at once, keeping threads free for durable writes', async () => {
    let running = 0;
    let most = 0;
    const real = crypto.scrypt;
    const spy = vi.spyOn(crypto, 'scrypt').mockImplementation(((...args: unknown[]) => {
      running++;
      most = Math.max(most, running);
      const cb = args[args.length - 1] as (e: Error | null, k: Buffer) => void;
      (real as unknown as (...a: unknown[]) => void)(...args.slice(0, -1), (e: Error | null, k: Buffer) => {
        running--;
        cb(e, k);
      });
    }) as typeof crypto.scrypt);
    try {
      await Promise.all(Array.from({ length: 12 }, () => verifyPassword('x', 'scrypt$16384$8$1$c2FsdA==$aGFzaA==')));
    } finally {
      spy.mockRestore();
    }
    expect(most).toBe(HASHING_SLOTS);
  });
});

describe('the server behind a proxy, on the network', () => {
  let server: RunningServer;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotspots-net-'));
  beforeAll(async () => {
    // What is counted here is who failed, not how long a hash takes: 31 sign-ins at the suite's cost, not OWASP's.
    usePasswordCost(suiteCost);
    server = await startServer(loadConfig({ PORT: '0', HOTSPOTS_DATA_DIR: dir, HOTSPOTS_TRUST_PROXY: '127.0.0.1' }), () => {});
  });
  afterAll(async () => {
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const login = (username: string, password: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ username, password }) });

  // 31 sign-ins, each a deliberate scrypt hash, two at a time
  it('counts failures per forwarded address when the request came through the named proxy', { timeout: 120_000 }, async () => {
    for (let i = 0; i < 30; i++) await login(`someone-${i}`, 'x', { 'x-forwarded-for': '203.0.113.7' });
    expect((await login('cleaner1', 'demo', { 'x-forwarded-for': '203.0.113.7' })).status).toBe(429);
    // Another client behind the same proxy is not held up.
    expect((await login('cleaner1', 'demo', { 'x-forwarded-for': '198.51.100.9' })).status).toBe(200);
    const rows = await server.store.db.selectFrom('audit_log').select('detail').where('action', '=', 'auth.login').execute();
    expect(rows.map((r) => JSON.parse(r.detail!).address)).toContain('198.51.100.9');
  });

  it('answers 421 to a host name it does not serve (DNS rebinding), and serves localhost and 127.0.0.1 on any port', async () => {
    const get = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const u = new URL(server.url);
        http.get({ host: u.hostname, port: u.port, path: '/api/health', headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        }).on('error', reject);
      });
    expect(await get('rebind.attacker.example:8787')).toBe(421);
    expect(await get('localhost:1234')).toBe(200);
    expect(await get(new URL(server.url).host)).toBe(200);
  });

  it('closes the connection after refusing a body too large, so the next request on it is not lost', async () => {
    const u = new URL(server.url);
    const socket = net.connect(Number(u.port), u.hostname);
    await new Promise((r) => socket.once('connect', r));
    const body = JSON.stringify({ username: 'x'.repeat(200 * 1024), password: 'y' });
    socket.write(`POST /api/auth/login HTTP/1.1\r\nHost: ${u.host}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`);
    socket.write(body);
    const text = await new Promise<string>((resolve) => {
      let got = '';
      socket.on('data', (d) => (got += d.toString()));
      socket.on('close', () => resolve(got));
    });
    expect(text).toMatch(/^HTTP\/1\.1 413/);
    expect(text.toLowerCase()).toContain('connection: close');
    // Three refused bodies in a row, each followed by a request that must get through.
    for (let i = 0; i < 3; i++) {
      const big = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(big.status).toBe(413);
      expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
    }
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS, type Access, type RouteKey } from '../../server/http/access.ts';
import { ROLES, type Role } from '../../server/domain/lifecycle.ts';
import { demoApp, type Client, type TestApp } from '../helpers/app.ts';
import { passwordCost } from '../../server/services/passwords.ts';

// Every route of the API, called as every role and as nobody: the guard lets through exactly whom ACCESS names.

const REPORT = '00000000-0000-4000-8000-000000000000';
const PHOTO = 'a'.repeat(64);

function request(key: RouteKey): [string, string, unknown] {
  const [method, pattern] = key.split(' ') as [string, string];
  const url = pattern
    .replace(':id', pattern.includes('photos') ? PHOTO : REPORT)
    .replace(':file', '2026-W47.json')
    .replace(':week', '2026-W47')
    .replace(':code', 'weeds');
  const bodies: Partial<Record<RouteKey, unknown>> = {
    'POST /api/auth/login': { username: 'nobody', password: 'x' },
    'POST /api/reports': { category: 'weeds', lon: 0, lat: 0 },
    'POST /api/reports/:id/transitions': { action: 'verify' },
    'POST /api/reports/:id/sightings': {},
    'PUT /api/township/market-days': { kind: 'solar', dayEndings: [0, 5] },
  };
  const query: Partial<Record<RouteKey, string>> = { 'GET /api/reports/nearby': '?category=weeds&lon=105.93&lat=26.14' };
  return [method, url + (query[key] ?? ''), bodies[key]];
}

describe('who may call what', () => {
  let app: TestApp;
  const as = new Map<Role, Client>();
  beforeAll(async () => {
    app = await demoApp('sqlite', { scale: 0.05 });
    for (const role of ROLES) as.set(role, await app.as(username(role)));
  });
  afterAll(async () => {
    await app?.drop();
  });
  const username = (role: Role) => ({ cleaner: 'cleaner1', unit: 'unit-market', county_admin: 'county-admin', county_leader: 'county-leader' } as Partial<Record<Role, string>>)[role] ?? role;
  async function freshSession(role: Role): Promise<Client> {
    const r = await app.call('POST', '/api/auth/login', { username: username(role), password: 'demo' });
    const cookie = r.headers.get('set-cookie')!.split(';')[0]!;
    return {
      call: (m, u, b, h = {}) => app.call(m, u, b, { ...h, cookie }),
      upload: () => Promise.reject(new Error('not used')),
    };
  }

  it('declares every route the API serves, and nothing it does not', () => {
    const served = new Set(
      app.app.routes
        .filter((r) => r.path.startsWith('/api/') && !r.path.includes('*') && r.method !== 'ALL')
        .map((r) => `${r.method} ${r.path}`),
    );
    expect([...served].sort()).toEqual(Object.keys(ACCESS).sort());
  });

  for (const key of Object.keys(ACCESS) as RouteKey[]) {
    it(key, async () => {
      const rule: Access = ACCESS[key];
      const [method, url, body] = request(key);
      const anonymous = await app.call(method, url, body);
      const refusedAnonymous = anonymous.status === 401 && anonymous.body?.error?.code === 'unauthenticated';
      expect(refusedAnonymous, `${key} as nobody: ${anonymous.status}`).toBe(!rule.anyone);
      for (const role of ROLES) {
        // logging out ends the session, so that route gets a session of its own
        const who = key === 'POST /api/auth/logout' ? await freshSession(role) : as.get(role)!;
        const res = await who.call(method, url, body);
        const refused = res.status === 403 && res.body?.error?.code === 'forbidden';
        const allowed = rule.anyone || rule.roles.includes(role);
        expect(refused, `${key} as ${role}: ${res.status} ${JSON.stringify(res.body).slice(0, 120)}`).toBe(!allowed);
        if (res.status >= 400) {
          // the error shape; a refused input also lists its problems as codes (details.issues)
          const { details, ...error } = res.body.error;
          expect(error).toEqual({ code: expect.any(String), message: expect.any(String) });
          if (details !== undefined) expect(error.code).toBe('invalid_input');
        }
      }
    });
  }

  it('refuses a state-changing request from another site, and accepts our own origin', async () => {
    const office = as.get('office')!;
    const foreign = await office.call('POST', '/api/reports', { category: 'weeds', lon: 105.93, lat: 26.14 }, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('cross_site_request');
    const ours = await (await freshSession('office')).call('POST', '/api/auth/logout', undefined, { origin: 'http://localhost' });
    expect(ours.status).toBe(200);
  });

  it('stops guessing passwords after five failures for a user', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await app.call('POST', '/api/auth/login', { username: 'leader', password: `guess${i}` })).status).toBe(401);
    }
    const locked = await app.call('POST', '/api/auth/login', { username: 'leader', password: 'demo' });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('too_many_attempts');
    app.clock.advance(16 * 60_000);
    expect((await app.call('POST', '/api/auth/login', { username: 'leader', password: 'demo' })).status).toBe(200);
  });

  it('ends sessions on log-out and after a week unused', async () => {
    const c = await app.call('POST', '/api/auth/login', { username: 'inspector', password: 'demo' });
    const cookie = c.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const me = async () => {
      const r = await app.app.request('/api/auth/me', { headers: { cookie: cookie.split(';')[0]! } });
      return ((await r.json()) as { user: { username: string } | null }).user?.username ?? null;
    };
    expect(await me()).toBe('inspector');
    app.clock.advance(8 * 86_400_000);
    expect(await me()).toBeNull();
    const expired = await app.deps.store.db.selectFrom('audit_log').select('target').where('action', '=', 'auth.session_expired').execute();
    expect(expired.map((e) => e.target)).toContain('user:inspector');
  });

  it('signs desk roles out after 30 idle minutes, and keeps field roles signed in for their outboxes', async () => {
    const desk = await freshSession('office');
    const field = await freshSession('cleaner');
    const me = async (c: Client) => (await c.call('GET', '/api/auth/me')).body.user?.username ?? null;
    app.clock.advance(20 * 60_000);
    expect(await me(desk)).toBe('office'); // 20 minutes: still there, and the session is touched
    app.clock.advance(29 * 60_000);
    expect(await me(desk)).toBe('office'); // active within the half hour
    app.clock.advance(31 * 60_000);
    expect(await me(desk)).toBeNull();
    expect(await me(field)).toBe('cleaner1');
    const idle = await app.deps.store.db.selectFrom('audit_log').select('target').where('action', '=', 'auth.session_idle').execute();
    expect(idle.map((e) => e.target)).toContain('user:office');
  });

  it('stores only password hashes', async () => {
    const users = await app.deps.store.db.selectFrom('users').select(['username', 'password_hash']).execute();
    expect(users.length).toBeGreaterThan(10);
    for (const u of users) expect(u.password_hash).toMatch(new RegExp(`^scrypt\\$${passwordCost()}\\$8\\$1\\$`));
    expect(fs.existsSync(path.join(app.photosDir))).toBe(true);
  });
});

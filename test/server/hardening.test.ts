import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoApp, expectError, type TestApp } from '../helpers/app.ts';
import { isPrivateHost } from '../../server/domain/addresses.ts';
import { createHook } from '../../server/services/webhooks.ts';
import { pruneSignIns } from '../../server/services/auth.ts';
import { withTownship } from '../../server/services/context.ts';
import { AppError } from '../../server/services/errors.ts';

// The smaller holes: a spreadsheet that is a zip bomb, webhooks that reach inside, answers a browser keeps,
// sessions and failures kept for ever.

describe('smaller hardening', () => {
  let app: TestApp;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotspots-hard-'));
  beforeAll(async () => {
    app = await demoApp('sqlite', { scale: 0.02 });
  });
  afterAll(async () => {
    await app?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a workbook that inflates to hundreds of megabytes, without inflating it all', async () => {
    const sheet = path.join(dir, 'sheet1.xml');
    fs.writeFileSync(sheet, Buffer.alloc(250 * 1024 * 1024, 0x20));
    execFileSync('zip', ['-q', '-j', path.join(dir, 'bomb.xlsx'), sheet]);
    fs.rmSync(sheet);
    const bytes = fs.readFileSync(path.join(dir, 'bomb.xlsx'));
    expect(bytes.length).toBeLessThan(2 * 1024 * 1024);
    const office = await app.as('office');
    const rss = process.memoryUsage().rss;
    const r = await office.upload('/api/import/reports?dryRun=1', bytes, 'bomb.xlsx', 'application/octet-stream');
    expectError(r, 413, 'file_too_large');
    expect(process.memoryUsage().rss - rss).toBeLessThan(400 * 1024 * 1024);
  });

  it('refuses webhooks to this computer and the local network unless the deployment allows them', async () => {
    for (const h of ['127.0.0.1', 'localhost', '10.1.2.3', '172.20.0.1', '192.168.1.10', '169.254.169.254', '[::1]', '[fd00::1]', '100.64.0.1']) expect(isPrivateHost(h), h).toBe(true);
    for (const h of ['oapi.dingtalk.com', 'qyapi.weixin.qq.com', '8.8.8.8', '172.32.0.1']) expect(isPrivateHost(h), h).toBe(false);
    const admin = { id: 'x', townshipId: null, county: false, mustChangePassword: false, username: 'admin', displayName: 'admin', role: 'admin' as const, areaId: null };
    const township = (await app.deps.store.db.selectFrom('townships').select('id').executeTakeFirstOrThrow()).id;
    const refused = await withTownship(township, () =>
      createHook(app.deps, admin, { name: '内网', format: 'json', url: 'http://169.254.169.254/latest/meta-data', events: ['report.overdue'] }).catch((e) => e),
    );
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('private_webhook');
  });

  it("tells browsers and proxies not to keep API answers with people's data", async () => {
    const office = await app.as('office');
    for (const p of ['/api/reports?limit=5', '/api/ledger', '/api/auth/me', '/api/users']) {
      const r = await (p === '/api/users' ? app.as('admin') : Promise.resolve(office)).then((c) => c.call('GET', p));
      expect(r.headers.get('cache-control'), p).toBe('no-store');
    }
  });

  it('takes only passwords of 10 characters, three kinds, not the name and not among the first guesses', async () => {
    const admin = await app.as('admin');
    const add = (password: string) => admin.call('POST', '/api/users', { username: 'li-si', displayName: '李四', role: 'inspector', password });
    for (const [pw, code] of [['Short-1', 'too_short'], ['alllowercaseletters', 'too_few_kinds'], ['Li-si-2026-x', 'contains_name'], ['Password123!', 'too_guessable']] as const) {
      const r = await add(pw);
      expectError(r, 422, 'weak_password');
      expect(r.body.error.details.problems, pw).toContain(code);
    }
    expect((await add('Street-sweeper-42')).status).toBe(201);
    // The demo's own accounts keep their documented password: they are made by the demo loader, not through the product.
    expect((await app.call('POST', '/api/auth/login', { username: 'office', password: 'demo' })).status).toBe(200);
  });

  it('makes a person choose a new password before anything else when an administrator asks', async () => {
    const admin = await app.as('admin');
    const inspectorId = (await admin.call('GET', '/api/users')).body.users.find((u: { username: string }) => u.username === 'inspector').id;
    const inspector = await app.as('inspector');
    const other = await app.signInAgain('inspector'); // a second session, on another phone
    expect((await admin.call('PATCH', `/api/users/${inspectorId}`, { mustChangePassword: true })).status).toBe(200);
    expectError(await inspector.call('GET', '/api/reports?limit=5'), 403, 'password_change_required');
    expect((await inspector.call('GET', '/api/auth/me')).body.user.mustChangePassword).toBe(true);
    expectError(await inspector.call('POST', '/api/auth/password', { current: 'wrong', next: 'Lantern-river-2026' }), 401, 'bad_credentials');
    expectError(await inspector.call('POST', '/api/auth/password', { current: 'demo', next: 'Password123!' }), 422, 'weak_password');
    const done = await inspector.call('POST', '/api/auth/password', { current: 'demo', next: 'Lantern-river-2026' });
    expect(done.status).toBe(200);
    expect(done.body.user.mustChangePassword).toBe(false);
    expect((await inspector.call('GET', '/api/reports?limit=5')).status).toBe(200);
    // The other session ended with the old password; the new one signs in.
    expect((await other.call('GET', '/api/auth/me')).body.user).toBeNull();
    expect((await app.call('POST', '/api/auth/login', { username: 'inspector', password: 'Lantern-river-2026' })).status).toBe(200);
  });

  it('forgets expired sessions and old failed sign-ins', async () => {
    await app.call('POST', '/api/auth/login', { username: 'office', password: 'wrong' });
    const count = async (t: 'sessions' | 'login_failures') => Number((await app.deps.store.db.selectFrom(t).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    expect(await count('sessions')).toBeGreaterThan(0);
    expect(await count('login_failures')).toBeGreaterThan(0);
    app.clock.advance(40 * 86_400_000);
    await pruneSignIns(app.deps);
    expect(await count('sessions')).toBe(0);
    expect(await count('login_failures')).toBe(0);
  });
});

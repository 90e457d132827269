import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoApp, expectError, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/stores.ts';
import { totp } from '../helpers/totp.ts';

// The optional second factor for administrators and the county's people. The codes are computed here by an
// implementation of RFC 6238 written for this test (HMAC-SHA1 over the 30-second counter), not by the product's
// library, so the two agree only if the product speaks the standard.

describe.each(DIALECTS)('a second factor for administrators (%s)', (dialect) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await demoApp(dialect, { scale: 0.02 });
  });
  afterAll(async () => {
    await app?.drop();
  });
  const login = (body: Record<string, string>) => app.call('POST', '/api/auth/login', { username: 'admin', password: 'demo', ...body });

  it('turns on with a code from the app, then asks for a code at sign-in and takes a recovery code once', async () => {
    const admin = await app.as('admin');
    const start = await admin.call('POST', '/api/auth/second-factor');
    expect(start.status).toBe(200);
    expect(start.body.uri).toMatch(/^otpauth:\/\/totp\/.*admin\?.*secret=/);
    const { secret } = start.body as { secret: string };
    expectError(await admin.call('POST', '/api/auth/second-factor/confirm', { secret, code: totp(secret, new Date(app.clock.now.getTime() - 10 * 60_000)) }), 422, 'bad_second_factor');
    // Not on until confirmed: the password alone still signs in.
    expect((await login({})).status).toBe(200);
    const on = await admin.call('POST', '/api/auth/second-factor/confirm', { secret, code: totp(secret, app.clock.now) });
    expect(on.status, JSON.stringify(on.body)).toBe(200);
    const codes = on.body.recoveryCodes as string[];
    expect(codes).toHaveLength(10);

    expectError(await login({}), 401, 'second_factor_required');
    expectError(await login({ code: '000000' === totp(secret, app.clock.now) ? '111111' : '000000' }), 401, 'bad_second_factor');
    expect((await login({ code: totp(secret, app.clock.now) })).status).toBe(200);
    expect((await login({ code: codes[0]! })).status).toBe(200);
    expectError(await login({ code: codes[0]! }), 401, 'bad_second_factor'); // used up
    // Other roles do not enrol.
    expectError(await (await app.as('inspector')).call('POST', '/api/auth/second-factor'), 403);
  });

  it('is turned off again from the command line for an administrator who lost the phone', async () => {
    const { resetSecondFactor } = await import('../../server/services/second-factor.ts');
    await resetSecondFactor(app.deps, 'admin');
    expect((await login({})).status).toBe(200);
    const audit = await app.deps.store.db.selectFrom('audit_log').select('action').where('target', '=', 'user:admin').execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['auth.second_factor_on', 'auth.second_factor_reset']));
  });
});

describe('npm run user -- reset-2fa', () => {
  it('answers for an unknown name with a message', async () => {
    const run = promisify(execFile);
    const fs = await import('node:fs');
    const dir = fs.mkdtempSync((await import('node:path')).join((await import('node:os')).tmpdir(), 'hotspots-2fa-'));
    try {
      await expect(run(process.execPath, ['--import', 'tsx', 'server/cli/user.ts', 'reset-2fa', 'nobody'], { env: { ...process.env, HOTSPOTS_DATA_DIR: dir, DATABASE_URL: '' } })).rejects.toMatchObject({ stderr: expect.stringContaining('No user nobody') });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

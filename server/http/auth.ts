import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { clientAddress } from './client-address.ts';
import { z } from 'zod';
import type { Deps } from '../services/context.ts';
import { changePassword, login, logout } from '../services/auth.ts';
import { confirmSecondFactor, startSecondFactor } from '../services/second-factor.ts';
import { guard, SESSION_COOKIE } from './access.ts';
import type { AppEnv } from './env.ts';
import { validate } from './validate.ts';

const loginBody = z.strictObject({
  username: z.string().trim().min(1, 'enter a user name').max(64),
  password: z.string().min(1, 'enter the password').max(200),
  code: z.string().trim().min(1).max(20).optional(),
});

export const DEVICE_COOKIE = 'hs_device';

export const authRoutes = (deps: Deps, opts: { secureCookies: boolean; trustProxy: readonly string[] }) =>
  new Hono<AppEnv>()
    .post('/login', guard(deps, 'POST /api/auth/login'), validate('json', loginBody), async (c) => {
      const { username, password, code } = c.req.valid('json');
      const { token, user, expiresAt, device } = await login(deps, { username, password, code, address: clientAddress(c, opts.trustProxy), device: getCookie(c, DEVICE_COOKIE) });
      setCookie(c, SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'Lax',
        secure: opts.secureCookies,
        path: '/',
        expires: new Date(expiresAt),
      });
      // The device cookie outlives sessions: it tells this browser from a stranger's when a name is being guessed.
      setCookie(c, DEVICE_COOKIE, device, { httpOnly: true, sameSite: 'Lax', secure: opts.secureCookies, path: '/api/auth', maxAge: 365 * 86_400 });
      return c.json({ user }, 200);
    })
    .post('/logout', guard(deps, 'POST /api/auth/logout'), async (c) => {
      await logout(deps, getCookie(c, SESSION_COOKIE), c.get('user'), clientAddress(c, opts.trustProxy));
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.json({ ok: true as const }, 200);
    })
    .get('/me', guard(deps, 'GET /api/auth/me'), (c) => c.json({ user: c.get('user') }, 200))
    .post(
      '/password',
      guard(deps, 'POST /api/auth/password'),
      validate('json', z.strictObject({ current: z.string().min(1).max(200), next: z.string().min(1).max(200) })),
      async (c) => {
        const { current, next } = c.req.valid('json');
        return c.json({ user: await changePassword(deps, getCookie(c, SESSION_COOKIE), c.get('user')!, current, next) }, 200);
      },
    )
    .post('/second-factor', guard(deps, 'POST /api/auth/second-factor'), async (c) => c.json(await startSecondFactor(deps, c.get('user')!), 200))
    .post(
      '/second-factor/confirm',
      guard(deps, 'POST /api/auth/second-factor/confirm'),
      validate('json', z.strictObject({ secret: z.string().regex(/^[A-Z2-7]{16,64}$/, 'the secret is base32'), code: z.string().trim().regex(/^\d{6}$/, 'the code is 6 digits') })),
      async (c) => {
        const { secret, code } = c.req.valid('json');
        return c.json(await confirmSecondFactor(deps, c.get('user')!, secret, code), 200);
      },
    );

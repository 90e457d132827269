import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Deps } from '../services/context.ts';
import { authenticate } from '../services/auth.ts';
import { withTownship } from '../services/context.ts';
import { COUNTY_ROLES, FIELD_ROLES, ROLES, SECOND_FACTOR_ROLES, type Role } from '../domain/lifecycle.ts';
import { errorBody } from './errors.ts';
import type { AppEnv } from './env.ts';

// Who may call what: every route of the API in one table, read by the guard and by the tests.

export const SESSION_COOKIE = 'hs_session';

export interface Access {
  /** Roles allowed; empty with `anyone` for routes that need no session. */
  roles: readonly Role[];
  /** No session needed (health, log-in). */
  anyone?: boolean;
  /** Readable without a session when the deployment opens its map to the network (HOTSPOTS_PUBLIC_MAP=1). */
  publicRead?: boolean;
  /** Served while the person must still choose a new password. */
  whilePasswordChange?: boolean;
}

// The county's people read every township as its leading group would, and change nothing in it; the county admin
// also sets townships up (boundary, zones and villages, basemap, first people).
const ALL: readonly Role[] = ROLES;
const COUNTY: readonly Role[] = COUNTY_ROLES;
const FIELD: readonly Role[] = FIELD_ROLES;
const OFFICE: readonly Role[] = ['admin', 'leader', 'office', 'inspector', ...COUNTY];
const LEADERS: readonly Role[] = ['admin', 'leader', 'office', ...COUNTY];

export const ACCESS = {
  'GET /api/health': { roles: [], anyone: true },
  'GET /api/openapi.json': { roles: [], anyone: true },
  'GET /api/docs': { roles: [], anyone: true },
  'POST /api/auth/login': { roles: [], anyone: true },
  'POST /api/auth/logout': { roles: [], anyone: true },
  // answers { user: null } when signed out, so the web app can ask without an error
  'GET /api/auth/me': { roles: [], anyone: true },
  // The one thing a person asked for a new password may do, besides seeing who they are and signing out.
  'POST /api/auth/password': { roles: ALL, whilePasswordChange: true },
  'POST /api/auth/second-factor': { roles: SECOND_FACTOR_ROLES },
  'POST /api/auth/second-factor/confirm': { roles: SECOND_FACTOR_ROLES },
  'GET /api/township': { roles: ALL, publicRead: true },
  'GET /api/areas': { roles: ALL, publicRead: true },
  'PUT /api/township/market-days': { roles: ['admin', 'office'] },
  'GET /api/township/calendar': { roles: ALL },
  'PUT /api/township/calendar': { roles: ['admin', 'office'] },
  'GET /api/township/evaluation': { roles: LEADERS },
  'PUT /api/township/evaluation': { roles: ['admin'] },
  'GET /api/responsible-people': { roles: ['admin', 'office'] },
  'GET /api/categories': { roles: ALL, publicRead: true },
  'GET /api/basemap': { roles: ALL, publicRead: true },
  'GET /api/basemap/tiles.pmtiles': { roles: ALL, publicRead: true },
  'GET /api/reports': { roles: ALL, publicRead: true },
  'GET /api/reports/points': { roles: ALL, publicRead: true },
  'GET /api/reports/nearby': { roles: ALL },
  'GET /api/reports/:id': { roles: ALL },
  'POST /api/reports': { roles: FIELD },
  'POST /api/reports/:id/transitions': { roles: FIELD },
  'POST /api/reports/:id/sightings': { roles: FIELD },
  'POST /api/reports/bulk-transitions': { roles: ['admin', 'office'] },
  'GET /api/tasks': { roles: FIELD },
  'POST /api/photos': { roles: FIELD },
  'GET /api/photos/:id': { roles: ALL },
  'GET /api/photos/:id/thumb': { roles: ALL },
  'GET /api/ledger': { roles: OFFICE },
  'GET /api/search': { roles: ALL },
  'GET /api/ledger.csv': { roles: OFFICE },
  'GET /api/accountability': { roles: LEADERS },
  'GET /api/rates': { roles: LEADERS },
  'GET /api/headline': { roles: LEADERS },
  'GET /api/accountability.csv': { roles: LEADERS },
  'GET /api/briefings': { roles: OFFICE },
  'GET /api/briefings/:file': { roles: OFFICE },
  'GET /api/period-reports/:file': { roles: LEADERS },
  'POST /api/briefings/:week/regenerate': { roles: ['admin', 'office'] },
  'GET /api/hotspots': { roles: ALL, publicRead: true },
  'GET /api/analysis/chronic': { roles: ALL, publicRead: true },
  'GET /api/analysis/emerging': { roles: ALL, publicRead: true },
  'GET /api/analysis/time-patterns': { roles: ALL, publicRead: true },
  'GET /api/analysis/areas': { roles: ALL, publicRead: true },
  'GET /api/analysis/density': { roles: ALL, publicRead: true },
  'GET /api/users': { roles: ['admin'] },
  'POST /api/users': { roles: ['admin'] },
  'PATCH /api/users/:id': { roles: ['admin'] },
  'PATCH /api/categories/:code': { roles: ['admin'] },
  'POST /api/areas': { roles: ['admin', 'office'] },
  'PATCH /api/areas/:id': { roles: ['admin', 'office'] },
  'GET /api/audit': { roles: ['admin'] },
  'GET /api/export/:file': { roles: OFFICE },
  'POST /api/import/reports': { roles: ['admin', 'office'] },
  'POST /api/import/boundaries': { roles: ['admin', 'office', 'county_admin'] },
  'POST /api/import/basemap': { roles: ['admin', 'county_admin'] },
  'GET /api/county/townships': { roles: COUNTY },
  'POST /api/county/townships': { roles: ['county_admin'] },
  'POST /api/county/townships/:code/people': { roles: ['county_admin'] },
  'PUT /api/county/viewing': { roles: COUNTY },
  'GET /api/api-keys': { roles: ['admin'] },
  'POST /api/api-keys': { roles: ['admin'] },
  'DELETE /api/api-keys/:id': { roles: ['admin'] },
  'GET /api/webhooks': { roles: ['admin'] },
  'POST /api/webhooks': { roles: ['admin'] },
  'DELETE /api/webhooks/:id': { roles: ['admin'] },
} as const satisfies Record<string, Access>;

export type RouteKey = keyof typeof ACCESS;

/** Reads the session cookie once per request and puts the user (or null) on the context. */
export const sessionMiddleware = (deps: Deps): MiddlewareHandler<AppEnv> => async (c, next) => {
  const user = await authenticate(deps, getCookie(c, SESSION_COOKIE));
  c.set('user', user);
  // A signed-in user works only in their own township, whatever ids they send.
  if (user?.townshipId) await withTownship(user.townshipId, next);
  else await next();
};

/**
 * Refuses a state-changing request sent by a page of another site. Browsers always send Origin on
 * such requests; a same-origin fetch carries ours. Clients without a browser send none and carry no
 * ambient cookies to abuse.
 */
export const csrfMiddleware: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!['GET', 'HEAD', 'OPTIONS'].includes(c.req.method)) {
    const origin = c.req.header('origin');
    const site = c.req.header('sec-fetch-site');
    const own = new URL(c.req.url);
    const host = c.req.header('host') ?? own.host;
    let sameOrigin = true;
    if (origin !== undefined) {
      try {
        sameOrigin = origin !== 'null' && new URL(origin).host === host;
      } catch {
        sameOrigin = false;
      }
    } else if (site !== undefined) {
      sameOrigin = site === 'same-origin' || site === 'none';
    }
    if (!sameOrigin) {
      return c.json(errorBody('cross_site_request', '拒绝来自其他网站的请求。Requests from other sites are refused.'), 403);
    }
  }
  await next();
};

/** Lets a request through only if the ACCESS table allows the signed-in user's role. */
export const GUARDS = Symbol('guards');

export const guard = (deps: Deps, key: RouteKey): MiddlewareHandler<AppEnv> => Object.assign(guardFor(deps, key), { [GUARDS]: key });

const guardFor = (deps: Deps, key: RouteKey): MiddlewareHandler<AppEnv> => async (c, next) => {
  const rule: Access = ACCESS[key];
  if (rule.anyone || (rule.publicRead && deps.options.publicMap)) return next();
  if (c.req.method === 'GET' && c.get('signedLink') === key) return next();
  const user = c.get('user');
  if (!user) return c.json(errorBody('unauthenticated', '请先登录。Sign in first.'), 401);
  if (!rule.roles.includes(user.role)) {
    return c.json(errorBody('forbidden', `您的角色无权进行此操作。Your role (${user.role}) may not do this.`), 403);
  }
  if (user.mustChangePassword && !rule.whilePasswordChange) {
    return c.json(errorBody('password_change_required', '管理员要求您先修改密码。An administrator asked you to choose a new password first.'), 403);
  }
  return next();
};

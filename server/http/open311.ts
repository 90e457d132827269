import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { getCookie } from 'hono/cookie';
import { z } from 'zod';
import type { Deps } from '../services/context.ts';
import { withTownship } from '../services/context.ts';
import { authenticate } from '../services/auth.ts';
import { authenticateKey } from '../services/apikeys.ts';
import { AppError } from '../services/errors.ts';
import { open311Discovery, open311Post, open311Request, open311Requests, open311Service, open311Services, open311Xml, townshipOfJurisdiction } from '../services/open311.ts';
import type { ApiKeyRow } from '../store/integrations.ts';
import type { AppEnv } from './env.ts';
import { SESSION_COOKIE } from './access.ts';
import { categoryCode, csv, queryNumber } from './schemas.ts';

// Open311 GeoReport v2 under /open311/v2. Errors take the spec's form — [{ "code", "description" }] or
// <errors><error><code/><description/></error></errors> — because Open311 clients read that, not ours — with the
// spec's codes: 400 for a request that cannot be taken, 403 for a missing or invalid api_key, 404 for what does
// not exist. Reading needs no key, as the spec says; a reader without a key or a session gets the public fields
// (no description, no photo link). `jurisdiction_id` is the township's code.

type Format = 'json' | 'xml';
type Env = AppEnv & { Variables: { apiKey: ApiKeyRow | null; anonymous: boolean } };

function reply(c: Context, format: Format, status: number, root: string, item: string, rows: ReadonlyArray<Record<string, unknown>>) {
  if (format === 'xml') return c.body(open311Xml(root, item, rows), status as 200, { 'Content-Type': 'application/xml; charset=utf-8' });
  return c.json(rows, status as 200);
}

/** The spec knows 400, 403 and 404 (and the server's own 413, 415, 429, 5xx): our 401 and 422 are said its way. */
const SPEC_STATUS: Record<number, number> = { 401: 403, 422: 400 };

function fail(c: Context, format: Format, status: number, description: string) {
  const code = SPEC_STATUS[status] ?? status;
  return reply(c, format, code, 'errors', 'error', [{ code, description }]);
}

const formatOf = (path: string): Format => (path.endsWith('.xml') ? 'xml' : 'json');

const list = <T extends z.ZodType<string>>(item: T, what: string) => csv(item, what, 4000);

const w3cDate = z.iso.datetime({ offset: true, error: 'dates are ISO 8601 with offset, e.g. 2026-11-29T08:00:00+08:00' });

export const open311RequestsQuery = z.object({
  api_key: z.string().max(200).optional(),
  service_request_id: list(z.uuid(), 'service_request_id').optional(),
  service_code: list(categoryCode, 'service_code').optional(),
  start_date: w3cDate.optional(),
  end_date: w3cDate.optional(),
  status: list(z.enum(['open', 'closed']), 'status (open, closed)').optional(),
  jurisdiction_id: z.string().max(200).optional(),
});

export const open311PostBody = z.object({
  api_key: z.string().max(200).optional(),
  jurisdiction_id: z.string().max(200).optional(),
  service_code: categoryCode,
  lat: queryNumber(z.number().min(-90).max(90)),
  long: queryNumber(z.number().min(-180).max(180)),
  address_string: z.string().max(500).optional(),
  address_id: z.string().max(200).optional(),
  description: z.string().max(4000, 'description is at most 4000 characters').optional(),
  media_url: z.url({ protocol: /^https?$/, error: 'media_url must be an http(s) URL' }).max(2000).optional(),
  device_id: z.string().max(200).optional(),
  account_id: z.string().max(200).optional(),
  email: z.string().max(200).optional(),
  first_name: z.string().max(200).optional(),
  last_name: z.string().max(200).optional(),
  phone: z.string().max(50).optional(),
  attribute: z.unknown().optional(),
});

const words = (e: z.ZodError) => e.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ');

/**
 * Reads the api_key (query or form), else the session, else takes the reader as anonymous; scopes the request to
 * the key's township, the jurisdiction asked for, or the session's.
 */
const open311Auth = (deps: Deps): MiddlewareHandler<Env> => async (c, next) => {
  const format = formatOf(c.req.path);
  let key = c.req.query('api_key');
  let jurisdiction = c.req.query('jurisdiction_id');
  if (c.req.method === 'POST' && /application\/x-www-form-urlencoded|multipart\/form-data/i.test(c.req.header('content-type') ?? '')) {
    const form = await c.req.parseBody().catch(() => null);
    if (!form) return fail(c, format, 400, 'The form body could not be read.');
    if (!key && typeof form.api_key === 'string') key = form.api_key;
    if (!jurisdiction && typeof form.jurisdiction_id === 'string') jurisdiction = form.jurisdiction_id;
  }
  const asked = jurisdiction ? await townshipOfJurisdiction(deps, jurisdiction) : null;
  if (jurisdiction && !asked) return fail(c, format, 404, `jurisdiction_id ${jurisdiction.slice(0, 60)} not found: it is the township's code.`);
  c.set('anonymous', false);
  if (key) {
    const row = await authenticateKey(deps, key);
    if (!row) return fail(c, format, 403, 'Invalid api_key received: unknown or revoked. Ask the township admin for a key.');
    if (asked && asked.id !== row.township_id) return fail(c, format, 400, `This api_key belongs to another jurisdiction than ${jurisdiction}.`);
    c.set('apiKey', row);
    c.set('user', null);
    return withTownship(row.township_id, next);
  }
  const user = await authenticate(deps, getCookie(c, SESSION_COOKIE));
  c.set('apiKey', null);
  c.set('user', user);
  if (!user) {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return fail(c, format, 403, 'Posting a service request needs an api_key (issued by the township admin).');
    c.set('anonymous', true);
    return asked ? withTownship(asked.id, next) : next();
  }
  const townshipId = asked?.id ?? user.townshipId;
  if (asked && !user.county && asked.id !== user.townshipId) return fail(c, format, 403, `Your account is not of jurisdiction ${jurisdiction}.`);
  return townshipId ? withTownship(townshipId, next) : next();
};

const limit = bodyLimit({ maxSize: 64 * 1024, onError: (c) => fail(c, formatOf(c.req.path), 413, 'The request body is larger than 64 KiB.') });

export const open311Routes = (deps: Deps) => {
  const app = new Hono<Env>();
  // Browser clients on other sites may read (no cookies are sent with a wildcard origin); posting stays same-site.
  app.use('*', cors({ origin: '*', allowMethods: ['GET', 'HEAD', 'OPTIONS'], maxAge: 86_400 }));
  app.use('*', limit, open311Auth(deps));
  app.onError((err, c) => {
    const format = formatOf(c.req.path);
    if (err instanceof AppError) return fail(c, format, err.status, err.message);
    console.error('unhandled error', c.req.method, c.req.path, err);
    return fail(c, format, 500, 'Something went wrong on the server; try again.');
  });
  app.notFound((c) => fail(c, formatOf(c.req.path), 404, `No such Open311 endpoint: ${c.req.method} ${c.req.path}`));

  for (const format of ['json', 'xml'] as const) {
    app.get(`/discovery.${format}`, (c) => {
      const d = open311Discovery(deps, new URL(c.req.url).origin);
      if (format === 'json') return c.json(d, 200);
      const endpoints = d.endpoints
        .map((e) => `<endpoint><specification>${e.specification}</specification><url>${e.url}</url><changeset>${e.changeset}</changeset><type>${e.type}</type><formats>${e.formats.map((f) => `<format>${f}</format>`).join('')}</formats></endpoint>`)
        .join('');
      return c.body(`<?xml version="1.0" encoding="utf-8"?>\n<discovery><changeset>${d.changeset}</changeset><contact>${d.contact}</contact><key_service>${d.key_service}</key_service><endpoints>${endpoints}</endpoints></discovery>\n`, 200, {
        'Content-Type': 'application/xml; charset=utf-8',
      });
    });
    app.get(`/services.${format}`, async (c) => reply(c, format, 200, 'services', 'service', (await open311Services(deps)) as never));
    app.get(`/requests.${format}`, async (c) => {
      const q = open311RequestsQuery.safeParse(c.req.query());
      if (!q.success) return fail(c, format, 400, words(q.error));
      return reply(c, format, 200, 'service_requests', 'request', (await open311Requests(deps, q.data, { public: c.get('anonymous') })) as never);
    });
    app.post(`/requests.${format}`, async (c) => {
      const type = c.req.header('content-type') ?? '';
      if (!/application\/x-www-form-urlencoded|multipart\/form-data/i.test(type)) {
        return fail(c, format, 415, 'Send the request as application/x-www-form-urlencoded, as Open311 specifies.');
      }
      const key = c.get('apiKey');
      const user = c.get('user');
      if (!key && !(user && ['admin', 'office', 'inspector', 'cleaner', 'unit'].includes(user.role))) {
        return fail(c, format, 403, 'Posting a service request needs an api_key (or a field role).');
      }
      const form = await c.req.parseBody();
      const p = open311PostBody.safeParse(form);
      if (!p.success) return fail(c, format, 400, words(p.error));
      const created = await open311Post(deps, p.data, key?.name ?? user!.username, key?.crs === 'gcj02' ? 'gcj02' : 'wgs84');
      return reply(c, format, 201, 'service_requests', 'request', created);
    });
  }
  app.get('/services/:file', async (c) => {
    const m = /^([a-z0-9_]{1,60})\.(json|xml)$/.exec(c.req.param('file'));
    if (!m) return fail(c, formatOf(c.req.path), 404, 'Ask for services/{service_code}.json or .xml.');
    const format = m[2] as Format;
    const def = await open311Service(deps, m[1]!);
    if (format === 'json') return c.json(def, 200);
    return c.body(`<?xml version="1.0" encoding="utf-8"?>\n<service_definition><service_code>${def.service_code}</service_code><attributes/></service_definition>\n`, 200, {
      'Content-Type': 'application/xml; charset=utf-8',
    });
  });
  app.get('/requests/:file', async (c) => {
    const m = /^([0-9a-f-]{36})\.(json|xml)$/i.exec(c.req.param('file'));
    if (!m) return fail(c, formatOf(c.req.path), 404, 'Ask for requests/{service_request_id}.json or .xml.');
    const format = m[2]!.toLowerCase() as Format;
    const id = z.uuid().safeParse(m[1]!.toLowerCase());
    if (!id.success) return fail(c, format, 404, `No service request ${m[1]}.`);
    return reply(c, format, 200, 'service_requests', 'request', [await open311Request(deps, id.data, { public: c.get('anonymous') })] as never);
  });
  return app;
};

import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie } from 'hono/cookie';
import { z } from 'zod';
import type { Deps } from '../services/context.ts';
import { withTownship } from '../services/context.ts';
import { authenticate } from '../services/auth.ts';
import { authenticateKey } from '../services/apikeys.ts';
import { AppError } from '../services/errors.ts';
import { open311Post, open311Request, open311Requests, open311Services, open311Xml } from '../services/open311.ts';
import type { ApiKeyRow } from '../store/integrations.ts';
import type { AppEnv } from './env.ts';
import { SESSION_COOKIE } from './access.ts';
import { categoryCode, csv, queryNumber } from './schemas.ts';

// Open311 GeoReport v2 under /open311/v2. Errors take the spec's form — [{ "code", "description" }] or
// <errors><error><code/><description/></error></errors> — because Open311 clients read that, not ours.

type Format = 'json' | 'xml';
type Env = AppEnv & { Variables: { apiKey: ApiKeyRow | null } };

function reply(c: Context, format: Format, status: number, root: string, item: string, rows: ReadonlyArray<Record<string, unknown>>) {
  if (format === 'xml') return c.body(open311Xml(root, item, rows), status as 200, { 'Content-Type': 'application/xml; charset=utf-8' });
  return c.json(rows, status as 200);
}

function fail(c: Context, format: Format, status: number, description: string) {
  return reply(c, format, status, 'errors', 'error', [{ code: status, description }]);
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
  description: z.string().max(2000, 'description is at most 2000 characters').optional(),
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

/** Reads the api_key (query or form) or the session; scopes the request to that township. */
const open311Auth = (deps: Deps): MiddlewareHandler<Env> => async (c, next) => {
  const format = formatOf(c.req.path);
  let key = c.req.query('api_key');
  if (!key && c.req.method === 'POST' && /application\/x-www-form-urlencoded|multipart\/form-data/i.test(c.req.header('content-type') ?? '')) {
    const form = await c.req.parseBody().catch(() => null);
    if (!form) return fail(c, format, 400, 'The form body could not be read.');
    key = typeof form.api_key === 'string' ? form.api_key : undefined;
  }
  if (key) {
    const row = await authenticateKey(deps, key);
    if (!row) return fail(c, format, 403, 'Invalid api_key received: unknown or revoked. Ask the township admin for a key.');
    c.set('apiKey', row);
    c.set('user', null);
    return withTownship(row.township_id, next);
  }
  const user = await authenticate(deps, getCookie(c, SESSION_COOKIE));
  if (!user) return fail(c, format, 401, 'An api_key is required (issued by the township admin).');
  c.set('user', user);
  c.set('apiKey', null);
  return user.townshipId ? withTownship(user.townshipId, next) : next();
};

const limit = bodyLimit({ maxSize: 64 * 1024, onError: (c) => fail(c, formatOf(c.req.path), 413, 'The request body is larger than 64 KiB.') });

export const open311Routes = (deps: Deps) => {
  const app = new Hono<Env>();
  app.use('*', limit, open311Auth(deps));
  app.onError((err, c) => {
    const format = formatOf(c.req.path);
    if (err instanceof AppError) return fail(c, format, err.status, err.message);
    console.error('unhandled error', c.req.method, c.req.path, err);
    return fail(c, format, 500, 'Something went wrong on the server; try again.');
  });
  app.notFound((c) => fail(c, formatOf(c.req.path), 404, `No such Open311 endpoint: ${c.req.method} ${c.req.path}`));

  for (const format of ['json', 'xml'] as const) {
    app.get(`/services.${format}`, async (c) => reply(c, format, 200, 'services', 'service', (await open311Services(deps)) as never));
    app.get(`/requests.${format}`, async (c) => {
      const q = open311RequestsQuery.safeParse(c.req.query());
      if (!q.success) return fail(c, format, 400, words(q.error));
      return reply(c, format, 200, 'service_requests', 'request', (await open311Requests(deps, q.data)) as never);
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
      const created = await open311Post(deps, p.data, key?.name ?? user!.username);
      return reply(c, format, 201, 'service_requests', 'request', created);
    });
  }
  app.get('/requests/:file', async (c) => {
    const m = /^([0-9a-f-]{36})\.(json|xml)$/i.exec(c.req.param('file'));
    if (!m) return fail(c, formatOf(c.req.path), 404, 'Ask for requests/{service_request_id}.json or .xml.');
    const format = m[2]!.toLowerCase() as Format;
    const id = z.uuid().safeParse(m[1]!.toLowerCase());
    if (!id.success) return fail(c, format, 404, `No service request ${m[1]}.`);
    return reply(c, format, 200, 'service_requests', 'request', [await open311Request(deps, id.data)] as never);
  });
  return app;
};

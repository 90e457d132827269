import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import openapiTS, { astToString } from 'openapi-typescript';
import type { hc, InferResponseType } from 'hono/client';
import type { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppType } from '../../server/app.ts';
import { ACCESS, type RouteKey } from '../../server/http/access.ts';
import { ANSWERS, answerOf } from '../../server/http/responses.ts';
import { addUser } from '../../server/services/auth.ts';
import { demoApp, type Client, type Reply, type TestApp } from '../helpers/app.ts';
import { freshJpeg } from '../helpers/photos.ts';
import { totp } from '../helpers/totp.ts';

// What the API answers, as its OpenAPI document says: every operation has a success body a generated client can
// type, every answer the demo town gives fits it, and the failures listed are the ones the route gives.

// ---- At compile time (tsc -p . in npm test): each route's own return type fits what the table documents. ----
declare const api: ReturnType<typeof hc<AppType>>;
type Writable<T> = T extends (...args: never[]) => unknown ? T : T extends object ? { -readonly [K in keyof T]: Writable<T[K]> } : T;
type Ok<F, S extends 200 | 201 = 200> = Writable<InferResponseType<F, S>>;
/** For answers holding free-form JSON (an audit entry's detail), whose type is too deep to rewrite. */
type OkAsIs<F> = InferResponseType<F, 200>;
type Doc<K extends keyof typeof ANSWERS> = (typeof ANSWERS)[K] extends { json: infer S extends z.ZodType } ? z.output<S> : never;
type Fits<R, D> = [R] extends [never] ? false : [R] extends [D] ? true : false;
/** The names of the routes whose type does not fit their documentation: tsc prints them. */
type Misfits<T> = { [K in keyof T]: T[K] extends true ? never : K }[keyof T];
type RoutesFitTheirDocs = {
  health: Fits<Ok<typeof api.health.$get>, Doc<'GET /api/health'>>;
  login: Fits<Ok<typeof api.auth.login.$post>, Doc<'POST /api/auth/login'>>;
  logout: Fits<Ok<typeof api.auth.logout.$post>, Doc<'POST /api/auth/logout'>>;
  me: Fits<Ok<typeof api.auth.me.$get>, Doc<'GET /api/auth/me'>>;
  password: Fits<Ok<typeof api.auth.password.$post>, Doc<'POST /api/auth/password'>>;
  secondFactor: Fits<Ok<(typeof api.auth)['second-factor']['$post']>, Doc<'POST /api/auth/second-factor'>>;
  secondFactorConfirm: Fits<Ok<(typeof api.auth)['second-factor']['confirm']['$post']>, Doc<'POST /api/auth/second-factor/confirm'>>;
  township: Fits<Ok<typeof api.township.$get>, Doc<'GET /api/township'>>;
  areas: Fits<Ok<typeof api.areas.$get>, Doc<'GET /api/areas'>>;
  marketDays: Fits<Ok<(typeof api.township)['market-days']['$put']>, Doc<'PUT /api/township/market-days'>>;
  calendar: Fits<Ok<typeof api.township.calendar.$get>, Doc<'GET /api/township/calendar'>>;
  evaluation: Fits<Ok<typeof api.township.evaluation.$get>, Doc<'GET /api/township/evaluation'>>;
  evaluationPut: Fits<Ok<typeof api.township.evaluation.$put>, Doc<'PUT /api/township/evaluation'>>;
  responsiblePeople: Fits<Ok<(typeof api)['responsible-people']['$get']>, Doc<'GET /api/responsible-people'>>;
  categories: Fits<Ok<typeof api.categories.$get>, Doc<'GET /api/categories'>>;
  basemap: Fits<Ok<typeof api.basemap.$get>, Doc<'GET /api/basemap'>>;
  reports: Fits<Ok<typeof api.reports.$get>, Doc<'GET /api/reports'>>;
  nearby: Fits<Ok<typeof api.reports.nearby.$get>, Doc<'GET /api/reports/nearby'>>;
  report: Fits<Ok<(typeof api.reports)[':id']['$get']>, Doc<'GET /api/reports/:id'>>;
  newReport: Fits<Ok<typeof api.reports.$post, 201>, Doc<'POST /api/reports'>>;
  transition: Fits<Ok<(typeof api.reports)[':id']['transitions']['$post']>, Doc<'POST /api/reports/:id/transitions'>>;
  sighting: Fits<Ok<(typeof api.reports)[':id']['sightings']['$post'], 201>, Doc<'POST /api/reports/:id/sightings'>>;
  bulk: Fits<Ok<(typeof api.reports)['bulk-transitions']['$post']>, Doc<'POST /api/reports/bulk-transitions'>>;
  tasks: Fits<Ok<typeof api.tasks.$get>, Doc<'GET /api/tasks'>>;
  photo: Fits<Ok<typeof api.photos.$post, 201>, Doc<'POST /api/photos'>>;
  ledger: Fits<Ok<typeof api.ledger.$get>, Doc<'GET /api/ledger'>>;
  search: Fits<Ok<typeof api.search.$get>, Doc<'GET /api/search'>>;
  rates: Fits<Ok<typeof api.rates.$get>, Doc<'GET /api/rates'>>;
  headline: Fits<Ok<typeof api.headline.$get>, Doc<'GET /api/headline'>>;
  accountability: Fits<Ok<typeof api.accountability.$get>, Doc<'GET /api/accountability'>>;
  briefings: Fits<Ok<typeof api.briefings.$get>, Doc<'GET /api/briefings'>>;
  regenerate: Fits<Ok<(typeof api.briefings)[':week']['regenerate']['$post']>, Doc<'POST /api/briefings/:week/regenerate'>>;
  hotspots: Fits<Extract<Ok<typeof api.hotspots.$get>, { grid: unknown }>, Doc<'GET /api/hotspots'>>;
  chronic: Fits<Ok<typeof api.analysis.chronic.$get>, Doc<'GET /api/analysis/chronic'>>;
  emerging: Fits<Ok<typeof api.analysis.emerging.$get>, Doc<'GET /api/analysis/emerging'>>;
  timePatterns: Fits<Ok<(typeof api.analysis)['time-patterns']['$get']>, Doc<'GET /api/analysis/time-patterns'>>;
  areasCompared: Fits<Ok<typeof api.analysis.areas.$get>, Doc<'GET /api/analysis/areas'>>;
  density: Fits<Ok<typeof api.analysis.density.$get>, Doc<'GET /api/analysis/density'>>;
  users: Fits<Ok<typeof api.users.$get>, Doc<'GET /api/users'>>;
  newUser: Fits<Ok<typeof api.users.$post, 201>, Doc<'POST /api/users'>>;
  userPatch: Fits<Ok<(typeof api.users)[':id']['$patch']>, Doc<'PATCH /api/users/:id'>>;
  categoryPatch: Fits<Ok<(typeof api.categories)[':code']['$patch']>, Doc<'PATCH /api/categories/:code'>>;
  newArea: Fits<Ok<typeof api.areas.$post, 201>, Doc<'POST /api/areas'>>;
  areaPatch: Fits<Ok<(typeof api.areas)[':id']['$patch']>, Doc<'PATCH /api/areas/:id'>>;
  audit: Fits<OkAsIs<typeof api.audit.$get>, Doc<'GET /api/audit'>>;
  importReports: Fits<Ok<typeof api.import.reports.$post>, Doc<'POST /api/import/reports'>>;
  importBoundaries: Fits<Ok<typeof api.import.boundaries.$post>, Doc<'POST /api/import/boundaries'>>;
  importBasemap: Fits<Ok<typeof api.import.basemap.$post>, Doc<'POST /api/import/basemap'>>;
  county: Fits<Ok<typeof api.county.townships.$get>, Doc<'GET /api/county/townships'>>;
  countyAdd: Fits<Ok<typeof api.county.townships.$post>, Doc<'POST /api/county/townships'>>;
  countyPerson: Fits<Ok<(typeof api.county.townships)[':code']['people']['$post'], 201>, Doc<'POST /api/county/townships/:code/people'>>;
  viewing: Fits<Ok<typeof api.county.viewing.$put>, Doc<'PUT /api/county/viewing'>>;
  keys: Fits<Ok<(typeof api)['api-keys']['$get']>, Doc<'GET /api/api-keys'>>;
  newKey: Fits<Ok<(typeof api)['api-keys']['$post'], 201>, Doc<'POST /api/api-keys'>>;
  revokeKey: Fits<Ok<(typeof api)['api-keys'][':id']['$delete']>, Doc<'DELETE /api/api-keys/:id'>>;
  hooks: Fits<Ok<typeof api.webhooks.$get>, Doc<'GET /api/webhooks'>>;
  newHook: Fits<Ok<typeof api.webhooks.$post, 201>, Doc<'POST /api/webhooks'>>;
  stopHook: Fits<Ok<(typeof api.webhooks)[':id']['$delete']>, Doc<'DELETE /api/webhooks/:id'>>;
};
export const everyRouteFits: [Misfits<RoutesFitTheirDocs>] extends [never] ? 'every route fits' : `does not fit: ${Misfits<RoutesFitTheirDocs> & string}` = 'every route fits';

const PASSWORD = 'Answers-checked-2026';

describe('what the API answers, as documented', () => {
  let app: TestApp;
  let doc: any;
  /** Every answer seen, by route. */
  const seen = new Map<RouteKey, Reply[]>();
  const ids: Record<string, string> = {};

  const record = (key: RouteKey, r: Reply) => {
    seen.set(key, [...(seen.get(key) ?? []), r]);
    return r;
  };
  const call = async (who: Client, key: RouteKey, url: string, body?: unknown) => record(key, await who.call(key.split(' ')[0]!, url, body));

  beforeAll(async () => {
    app = await demoApp('sqlite', { scale: 0.05 });
    doc = (await app.call('GET', '/api/openapi.json')).body;
    await addUser(app.deps, { townshipId: null, username: 'county', displayName: '县创建办', role: 'county_admin', password: PASSWORD });
    const admin = await app.as('admin');
    const office = await app.as('office');
    const inspector = await app.as('inspector');
    const cleaner = await app.as('cleaner1');
    const county = await app.as('county', PASSWORD);
    const t = (await admin.call('GET', '/api/township')).body;

    // Reads, as the people who make them.
    for (const [key, url] of [
      ['GET /api/health', '/api/health'],
      ['GET /api/auth/me', '/api/auth/me'],
      ['GET /api/township', '/api/township'],
      ['GET /api/areas', '/api/areas'],
      ['GET /api/categories', '/api/categories'],
      ['GET /api/basemap', '/api/basemap'],
      ['GET /api/reports', '/api/reports?limit=50'],
      ['GET /api/ledger', '/api/ledger?limit=50'],
      ['GET /api/ledger', '/api/ledger?limit=50&overdue=1&sort=responsible&q=%E5%B8%82%E5%9C%BA'],
      ['GET /api/search', '/api/search?q=%E5%B8%82%E5%9C%BA'],
      ['GET /api/rates', '/api/rates?period=2026-Q4&by=person'],
      ['GET /api/headline', '/api/headline'],
      ['GET /api/township/calendar', '/api/township/calendar?year=2026'],
      ['GET /api/township/evaluation', '/api/township/evaluation'],
      ['GET /api/responsible-people', '/api/responsible-people'],
      ['GET /api/period-reports/:file', '/api/period-reports/2026-11.json'],
      ['GET /api/accountability', '/api/accountability'],
      ['GET /api/hotspots', '/api/hotspots'],
      ['GET /api/analysis/chronic', '/api/analysis/chronic?weeks=12'],
      ['GET /api/analysis/emerging', '/api/analysis/emerging'],
      ['GET /api/analysis/time-patterns', '/api/analysis/time-patterns'],
      ['GET /api/analysis/areas', '/api/analysis/areas'],
      ['GET /api/analysis/density', '/api/analysis/density'],
      ['GET /api/users', '/api/users'],
      ['GET /api/audit', '/api/audit?limit=20'],
      ['GET /api/api-keys', '/api/api-keys'],
      ['GET /api/webhooks', '/api/webhooks'],
      ['GET /api/openapi.json', '/api/openapi.json'],
    ] as const) {
      await call(admin, key, url);
    }
    await call(cleaner, 'GET /api/tasks', '/api/tasks');
    const some = (seen.get('GET /api/reports')![0]!.body.features as Array<{ id: string }>)[0]!.id;
    await call(office, 'GET /api/reports/:id', `/api/reports/${some}`);
    await call(inspector, 'GET /api/reports/nearby', '/api/reports/nearby?category=exposed_garbage&lon=105.9347&lat=26.1427&radius=500');

    // The rectification loop and its writes.
    const uploaded = record('POST /api/photos', await inspector.upload('/api/photos', await freshJpeg()));
    const made = await call(inspector, 'POST /api/reports', '/api/reports', { category: 'exposed_garbage', lon: 105.9347, lat: 26.1427, description: '垃圾堆放', photoIds: [uploaded.body.id] });
    ids.report = made.body.id;
    await call(inspector, 'POST /api/reports/:id/sightings', `/api/reports/${ids.report}/sightings`, { note: '又看到了' });
    await call(office, 'POST /api/reports/bulk-transitions', '/api/reports/bulk-transitions', { ids: [ids.report, '00000000-0000-4000-8000-000000000000'], action: 'urge' });
    const rejected = await call(office, 'POST /api/reports/:id/transitions', `/api/reports/${ids.report}/transitions`, { action: 'reject', note: '不属于本镇' });
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    await call(admin, 'PUT /api/township/market-days', '/api/township/market-days', { kind: 'solar', dayEndings: [1, 4, 7] });
    await call(office, 'PUT /api/township/calendar', '/api/township/calendar', { days: [{ day: '2026-12-31', kind: 'holiday', note: '镇庆' }] });
    await call(admin, 'PATCH /api/categories/:code', '/api/categories/exposed_garbage', { deadlineHours: 24, urgentHours: 4 });
    await call(admin, 'PUT /api/township/evaluation', '/api/township/evaluation', { weights: { close: 3, onTime: 5, rework: 2 }, verifyHours: 24 });
    const person = await call(admin, 'POST /api/users', '/api/users', { username: 'checker', displayName: '核查员', role: 'inspector', password: PASSWORD });
    await call(admin, 'PATCH /api/users/:id', `/api/users/${person.body.id}`, { displayName: '核查员甲' });
    const [w, s, e, n] = t.bbox as number[];
    const cx = (w! + e!) / 2;
    const cy = (s! + n!) / 2;
    const d = 0.001;
    const square = { type: 'Polygon', coordinates: [[[cx - d, cy - d], [cx + d, cy - d], [cx + d, cy + d], [cx - d, cy + d], [cx - d, cy - d]]] };
    const area = await call(admin, 'POST /api/areas', '/api/areas', { kind: 'unit', code: 'answer-unit', nameZh: '某单位', geometry: square });
    await call(admin, 'PATCH /api/areas/:id', `/api/areas/${area.body.id}`, { responsibleName: '王' });
    const key = await call(admin, 'POST /api/api-keys', '/api/api-keys', { name: '12345 热线' });
    await call(admin, 'DELETE /api/api-keys/:id', `/api/api-keys/${key.body.id}`);
    const hook = await call(admin, 'POST /api/webhooks', '/api/webhooks', { name: '群机器人', format: 'wecom', url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x', events: ['report.overdue'] });
    await call(admin, 'DELETE /api/webhooks/:id', `/api/webhooks/${hook.body.id}`);
    await call(office, 'POST /api/briefings/:week/regenerate', '/api/briefings/2026-W48/regenerate');
    await call(office, 'GET /api/briefings', '/api/briefings');
    record('POST /api/import/reports', await office.upload('/api/import/reports?dryRun=1', Buffer.from(`category,lon,lat,description\nexposed_garbage,105.9347,26.1427,路边垃圾\n`), 'reports.csv', 'text/csv'));
    const boundary = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { code: 'answer-unit-2', kind: 'unit', name_zh: '另一单位' }, geometry: square }] };
    record('POST /api/import/boundaries', await admin.upload('/api/import/boundaries?dryRun=1', Buffer.from(JSON.stringify(boundary)), 'units.geojson', 'application/geo+json'));
    const osm = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { highway: 'residential', name: '新街' }, geometry: { type: 'LineString', coordinates: [[cx - d, cy], [cx + d, cy]] } }] };
    record('POST /api/import/basemap', await admin.upload('/api/import/basemap?dryRun=1', Buffer.from(JSON.stringify(osm)), 'basemap.geojson', 'application/geo+json'));

    // The county's routes, and the account ones last (they end or change sessions).
    await call(county, 'GET /api/county/townships', '/api/county/townships');
    const code = (seen.get('GET /api/county/townships')![0]!.body.townships as Array<{ code: string }>)[0]!.code;
    await call(county, 'PUT /api/county/viewing', '/api/county/viewing', { code });
    record('POST /api/county/townships', await county.upload('/api/county/townships', Buffer.from(JSON.stringify({ type: 'Feature', properties: {}, geometry: t.boundary })), 'town.geojson', 'application/geo+json', { code: 'answer-town', nameZh: '应答镇' }));
    await call(county, 'POST /api/county/townships/:code/people', `/api/county/townships/${code}/people`, { username: 'answer-admin', displayName: '镇管理员', role: 'admin', password: PASSWORD });
    const start = await call(admin, 'POST /api/auth/second-factor', '/api/auth/second-factor');
    await call(admin, 'POST /api/auth/second-factor/confirm', '/api/auth/second-factor/confirm', { secret: start.body.secret, code: totp(start.body.secret, app.clock.now) });
    const checker = await app.as('checker', PASSWORD);
    await call(checker, 'POST /api/auth/password', '/api/auth/password', { current: PASSWORD, next: 'Another-answer-2027' });
    await call(app, 'POST /api/auth/login', '/api/auth/login', { username: 'office', password: 'demo' });
    await call(office, 'POST /api/auth/logout', '/api/auth/logout');
  }, 240_000);
  afterAll(async () => {
    await app?.drop();
  });

  it('documents a success body for every operation', () => {
    let operations = 0;
    for (const [p, methods] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, op] of Object.entries(methods)) {
        operations++;
        const ok = Object.entries(op.responses as Record<string, any>).filter(([s]) => s.startsWith('2'));
        expect(ok.length, `${method} ${p}`).toBeGreaterThan(0);
        for (const [, r] of ok) expect(Object.keys(r.content ?? {}).length, `${method} ${p}`).toBeGreaterThan(0);
      }
    }
    expect(operations).toBeGreaterThanOrEqual(Object.keys(ACCESS).length);
  });

  it('gives answers that fit the documented body, on every JSON route the demo town exercises', () => {
    const jsonRoutes = (Object.keys(ACCESS) as RouteKey[]).filter((k) => 'json' in answerOf(k));
    const exercised = jsonRoutes.filter((k) => seen.has(k));
    // Every JSON route is exercised here except the signed-link read of a briefing file (a file route).
    expect(jsonRoutes.filter((k) => !seen.has(k))).toEqual([]);
    const misfits: string[] = [];
    for (const key of exercised) {
      const a = answerOf(key);
      if (!('json' in a)) continue;
      for (const r of seen.get(key)!) {
        if (!(a.statuses ?? [200]).includes(r.status as 200)) misfits.push(`${key} answered ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
        const fit = a.json.safeParse(r.body);
        if (!fit.success) misfits.push(`${key}: ${fit.error.issues.slice(0, 3).map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
      }
    }
    expect(misfits).toEqual([]);
    expect(exercised.length).toBeGreaterThan(45);
  });

  it('lists the failures a route gives: without a session, with input it refuses, for an id that is not there', async () => {
    const documented = (key: RouteKey) => {
      const [method, p] = key.split(' ') as [string, string];
      return Object.keys(doc.paths[p.replace(/:([A-Za-z_]+)/g, '{$1}')][method.toLowerCase()].responses);
    };
    const fill = (p: string, value: string) => p.replace(/:([A-Za-z_]+)/g, value);
    const office = await app.signInAgain('office');
    const statuses = new Set<number>();
    const undocumented: string[] = [];
    let tried = 0;
    for (const key of Object.keys(ACCESS) as RouteKey[]) {
      const [method, p] = key.split(' ') as [string, string];
      // Signing out would end the session the other routes are tried with.
      const signedIn = key === 'POST /api/auth/logout' ? app : office;
      const body = method === 'GET' || method === 'DELETE' ? undefined : { nonsense: true };
      const attempts: Reply[] = [
        await app.call(method, fill(p, '00000000-0000-4000-8000-000000000000'), body),
        await signedIn.call(method, fill(p, 'not-an-id'), body),
        await signedIn.call(method, fill(p, '00000000-0000-4000-8000-000000000000') + (method === 'GET' ? '?limit=-1&bbox=x&week=x&month=x' : ''), body),
      ];
      for (const r of attempts) {
        if (r.status < 400) continue;
        tried++;
        statuses.add(r.status);
        if (!documented(key).includes(String(r.status))) undocumented.push(`${key} answered ${r.status}: ${JSON.stringify(r.body).slice(0, 160)}`);
        if (r.headers.get('content-type')?.includes('json')) expect(r.body.error, key).toMatchObject({ code: expect.any(String), message: expect.any(String) });
      }
    }
    expect(undocumented).toEqual([]);
    expect(tried).toBeGreaterThan(100);
    expect([...statuses].sort()).toEqual(expect.arrayContaining([400, 401, 403, 404]));
    // Not every route has every failure: health has no 401, a list with nothing to name no 404.
    expect(documented('GET /api/health')).not.toContain('401');
    expect(documented('GET /api/categories')).not.toContain('404');
    expect(documented('POST /api/photos')).toEqual(expect.arrayContaining(['413', '415']));
  });

  it('generates a client with openapi-typescript whose answers are typed, not never', async () => {
    const types = astToString(await openapiTS(doc));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotspots-client-'));
    fs.writeFileSync(path.join(dir, 'api.d.ts'), types);
    const compile = (source: string) => {
      fs.writeFileSync(path.join(dir, 'use.ts'), source);
      const program = ts.createProgram([path.join(dir, 'use.ts')], { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, skipLibCheck: true, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'] });
      return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    };
    const client = `import type { paths } from './api';
type Json<P extends keyof paths, M extends 'get' | 'post', S extends number> =
  paths[P][M] extends { responses: { [K in S]: { content: { 'application/json': infer B } } } } ? B : never;
type IsNever<T> = [T] extends [never] ? true : false;
async function get<P extends keyof paths>(path: P): Promise<Json<P, 'get', 200>> {
  const res = await fetch(path);
  return (await res.json()) as Json<P, 'get', 200>;
}
async function main() {
  const report = await get('/api/reports/{id}');
  const notNever: IsNever<typeof report> = false;
  const status: 'reported' | 'notified' | 'rectified' | 'closed' | 'rejected' | 'duplicate' = report.status;
  const due: string | null = report.deadlineAt;
  const village: string | undefined = report.village?.nameZh;
  const hot = await get('/api/hotspots');
  const cells: number[] = hot.cells.index;
  const created: IsNever<Json<'/api/reports', 'post', 201>> = false;
  const requests = await get('/open311/v2/requests.json');
  const first: string | undefined = requests[0]?.service_request_id;
  return [notNever, status, due, village, cells, created, first];
}
void main;
`;
    expect(compile(client)).toEqual([]);
    // The same check fails where a field is given the wrong type, so the types are not just any.
    expect(compile(client.replace('const due: string | null', 'const due: number')).join('\n')).toMatch(/'string \| null' is not assignable to type 'number'/);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});

import type { Hono } from 'hono';
import { z, type ZodType } from 'zod';
import { ACCESS, type Access, type RouteKey } from './access.ts';
import { VALIDATES, type Validates } from './validate.ts';
import { open311PostBody, open311RequestsQuery } from './open311.ts';
import { answerOf, errorStatuses } from './responses.ts';

// The OpenAPI 3.1 document, built from the routes the app really serves and the very zod schemas that validate
// their input (read off the validating middleware), so the documentation cannot drift from the checks.

const SUMMARIES: Record<RouteKey, string> = {
  'GET /api/health': 'Status and which database is in use',
  'POST /api/auth/login': 'Sign in; sets the session cookie',
  'POST /api/auth/logout': 'Sign out',
  'GET /api/auth/me': 'The signed-in user, or null',
  'GET /api/township': 'The township: names, time zone, boundary, bounding box, market days',
  'GET /api/areas': 'Cleaning zones, villages, communities and units as GeoJSON',
  'PUT /api/township/market-days': 'Set when the township holds its market',
  'GET /api/township/calendar': "A year of the township's working calendar: statutory holidays, make-up working days, its own changes",
  'GET /api/township/evaluation': 'How the township scores: the weights of 结案率, 按期结案率 and 返工率, and the re-inspection limit in hours (按时核查)',
  'PUT /api/township/evaluation': 'Set the weights of the score and the re-inspection limit',
  'GET /api/responsible-people': 'The active cleaners and unit people an item can be sent to, with the area each answers for',
  'PUT /api/township/calendar': 'Mark days off or worked (a local holiday, next year\'s notice), or back to the shipped calendar',
  'GET /api/categories': 'Problem categories with colour, deadline and deduction',
  'GET /api/basemap': 'Roads and landmarks for the offline basemap, and the online or local tiles if configured',
  'GET /api/basemap/tiles.pmtiles': 'The local PMTiles basemap, read with HTTP range requests',
  'GET /api/reports': 'Reports as GeoJSON, newest first, with filters',
  'GET /api/reports/points': 'Reports as binary points (HSPT) for heat layers',
  'GET /api/reports/nearby': 'Open items of a category near a spot (possible duplicates)',
  'GET /api/reports/:id': 'One report with its places, people, history and photos',
  'POST /api/reports': 'Report a problem (Idempotency-Key makes retries safe)',
  'POST /api/reports/:id/transitions': 'Move an item through rectification',
  'POST /api/reports/:id/sightings': 'Add a sighting to an open item',
  'POST /api/reports/bulk-transitions': 'Notify or urge many items at once (the ledger): each item answered on its own',
  'GET /api/tasks': "The signed-in cleaner's or unit's open items",
  'POST /api/photos': 'Upload a photo (JPEG, PNG, WebP; 10 MB, 50 MP)',
  'GET /api/photos/:id': 'A photo',
  'GET /api/photos/:id/thumb': "A photo's upright 480 px thumbnail",
  'GET /api/ledger': 'The ledger (台账) with filters, search, sort and paging, and the true total',
  'GET /api/headline': "The leading group's headline: today's and this week's new and closed items, overdue now, 按期结案率 this week and last",
  'GET /api/rates': 'The standard rates (结案率, 按期结案率, 返工率), score and grade A–E per area, person or category, for a month, quarter or year',
  'GET /api/search': 'Find items by case number, words of the description, or a street or landmark',
  'GET /api/ledger.csv': 'The ledger as CSV for Excel and WPS',
  'GET /api/accountability': 'Monthly items, missed deadlines, deductions and scores per area and person',
  'GET /api/accountability.csv': 'The same as CSV',
  'GET /api/briefings': 'The archive of weekly briefings',
  'GET /api/briefings/:file': 'A weekly briefing as HTML, PDF, CSV, XLSX or JSON',
  'GET /api/period-reports/:file': 'The monthly, quarterly or yearly evaluation report (2026-11, 2026-Q4, 2026) as HTML, PDF, XLSX or JSON',
  'POST /api/briefings/:week/regenerate': 'Compose a week’s briefing again',
  'GET /api/hotspots': 'Getis-Ord Gi* hot spots over the study area: significant cells by number on the grid, and spots in words (?all=1: every cell as GeoJSON)',
  'GET /api/analysis/chronic': 'Chronic spots (DBSCAN) named by the nearest place',
  'GET /api/analysis/emerging': 'Emerging hot spots: weekly Gi* with space-time neighbours, Mann-Kendall trends, ArcGIS categories',
  'GET /api/analysis/time-patterns': 'Weekday × hour counts; market days against ordinary days',
  'GET /api/analysis/areas': 'Each zone and village per week, with the change from the week before',
  'GET /api/analysis/density': 'The densest spots by kernel density',
  'GET /api/users': 'People of the township',
  'POST /api/users': 'Add a person',
  'PATCH /api/users/:id': 'Change a person: role, area, names, password, active',
  'PATCH /api/categories/:code': "Change a category's rules",
  'POST /api/areas': 'Draw a new zone, village, community or unit (re-routes open items inside it)',
  'PATCH /api/areas/:id': "Change an area's names, responsible person or boundary (re-routes open items)",
  'GET /api/audit': 'The audit log of administrative changes',
  'GET /api/export/:file': 'The filtered reports as reports.geojson, reports.csv or reports.xlsx',
  'POST /api/import/reports': 'Import reports from CSV, XLSX or GeoJSON (dryRun=1 checks only)',
  'POST /api/import/boundaries': 'Import zones, villages and units from GeoJSON, TopoJSON, a zipped Shapefile or KML (dryRun=1 checks only)',
  'POST /api/import/basemap': 'Replace the township\'s basemap (roads, water, landmarks) from an OpenStreetMap extract or GeoJSON (dryRun=1 checks only)',
  'POST /api/auth/password': 'Choose a new password (current and next); required when an administrator asked for one',
  'POST /api/auth/second-factor': 'Start turning on a second factor (TOTP): a new secret for the authenticator app',
  'POST /api/auth/second-factor/confirm': 'Turn the second factor on with a code from the app; answers the recovery codes once',
  'GET /api/county/townships': 'Every township of the county with its headline figures and boundary',
  'POST /api/county/townships': 'Add a township from its boundary file (GeoJSON, zipped Shapefile, KML); dryRun=1 checks only',
  'POST /api/county/townships/:code/people': 'Create a person (admin, leader or office) of a township',
  'PUT /api/county/viewing': 'Choose the township a county person is looking at',
  'GET /api/api-keys': 'API keys for Open311 clients',
  'POST /api/api-keys': 'Issue an API key (shown once)',
  'DELETE /api/api-keys/:id': 'Revoke an API key',
  'GET /api/webhooks': 'Outgoing webhooks',
  'POST /api/webhooks': 'Add a webhook: generic JSON, WeCom or DingTalk group robot',
  'DELETE /api/webhooks/:id': 'Stop a webhook',
  'GET /api/openapi.json': 'This document',
  'GET /api/docs': 'This document as a page',
};

/** A zod schema as JSON Schema: what a client sends (`input`, before transforms) or gets back (`output`). */
const json = (schema: ZodType, io: 'input' | 'output' = 'input') => {
  const { $schema: _s, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

function parameters(where: 'query' | 'path', schema: ZodType) {
  const s = json(schema) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  return Object.entries(s.properties ?? {}).map(([name, p]) => ({
    name,
    in: where,
    required: where === 'path' || (s.required ?? []).includes(name),
    ...(typeof p.description === 'string' ? { description: p.description } : {}),
    schema: p,
  }));
}

const ERROR = { $ref: '#/components/schemas/Error' };
const WHY: Record<number, string> = {
  400: 'Invalid input, field by field',
  401: 'Not signed in, or the session has ended',
  403: 'Signed in with a role that may not do this, a request from another site, or a password that must be changed first',
  404: 'Nothing of that id or code in this township',
  409: 'In conflict with the current state (changed by someone else since it was read, or already there)',
  413: 'The body or file is too large',
  415: 'A file of a type this route does not take',
  416: 'A range past the end of the file',
  422: 'Understood but refused: error.message says why, error.details what to fix',
  429: 'Too many at once: try again after Retry-After seconds',
  503: 'The database cannot be reached just now (nothing was changed); try again after Retry-After seconds',
};
const errors = (codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), { description: WHY[c] ?? 'See error.code and error.message', content: { 'application/json': { schema: ERROR } } }]));

function success(key: RouteKey) {
  const a = answerOf(key);
  const content = 'json' in a ? { 'application/json': { schema: json(a.json, 'output') } } : Object.fromEntries(Object.entries(a.media).map(([type, what]) => [type, { schema: { type: 'string', format: 'binary', description: what } }]));
  const statuses = a.statuses ?? [200];
  return Object.fromEntries(statuses.map((s) => [String(s), { description: s === 201 ? 'Created' : 'Success', content }]));
}

function operation(key: RouteKey, validators: Validates[]) {
  const rule: Access = ACCESS[key];
  const query = validators.find((v) => v.target === 'query');
  const param = validators.find((v) => v.target === 'param');
  const body = validators.find((v) => v.target === 'json');
  const form = validators.find((v) => v.target === 'form');
  const header = validators.find((v) => v.target === 'header');
  const roles = rule.anyone ? 'anyone' : rule.roles.join(', ') + (rule.publicRead ? ' (anyone when HOTSPOTS_PUBLIC_MAP=1)' : '');
  return {
    summary: SUMMARIES[key],
    description: `Roles: ${roles}.`,
    operationId: key.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, ''),
    tags: [key.split('/')[2]!.replace(/\.csv$/, '')],
    ...(rule.anyone ? { security: [] } : {}),
    parameters: [
      ...(param ? parameters('path', param.schema) : []),
      ...(query ? parameters('query', query.schema) : []),
      ...(header ? parameters('query', header.schema).map((p) => ({ ...p, in: 'header', required: false })) : []),
    ],
    ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: json(body.schema) } } } } : {}),
    ...(form ? { requestBody: { required: true, content: { 'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } }, required: ['file'] } } } } } : {}),
    responses: {
      ...success(key),
      ...errors(errorStatuses(key, { validates: validators.length > 0, anyone: rule.anyone === true })),
    },
  };
}

const str = { type: 'string' };
const nullableStr = { type: ['string', 'null'] };
const OPEN311 = {
  service: { type: 'object', required: ['service_code', 'service_name', 'metadata', 'type'], properties: { service_code: str, service_name: str, description: str, metadata: { type: 'boolean' }, type: str, keywords: str, group: str } },
  request: {
    type: 'object',
    required: ['service_request_id', 'status', 'service_code', 'requested_datetime', 'lat', 'long'],
    properties: {
      service_request_id: str,
      status: { type: 'string', enum: ['open', 'closed'] },
      status_notes: nullableStr,
      service_name: str,
      service_code: str,
      description: { ...nullableStr, description: 'left out for a reader without a key or a session' },
      agency_responsible: nullableStr,
      service_notice: nullableStr,
      requested_datetime: str,
      updated_datetime: str,
      expected_datetime: nullableStr,
      address: nullableStr,
      address_id: nullableStr,
      zipcode: nullableStr,
      lat: { type: 'number' },
      long: { type: 'number' },
      media_url: nullableStr,
    },
  },
  created: { type: 'object', required: ['service_request_id'], properties: { service_request_id: str, service_notice: nullableStr, account_id: nullableStr } },
  definition: { type: 'object', required: ['service_code', 'attributes'], properties: { service_code: str, attributes: { type: 'array', items: { type: 'object' } } } },
  discovery: { type: 'object', required: ['changeset', 'endpoints'], properties: { changeset: str, contact: str, key_service: str, endpoints: { type: 'array', items: { type: 'object', properties: { specification: str, url: str, changeset: str, type: str, formats: { type: 'array', items: str } } } } } },
};

function open311Paths() {
  const list = { type: 'array', items: { type: 'object', required: ['code', 'description'], properties: { code: { type: 'integer' }, description: str } } };
  const paths: Record<string, unknown> = {};
  for (const f of ['json', 'xml'] as const) {
    const media = f === 'json' ? 'application/json' : 'application/xml';
    // XML carries the same fields as elements: <service_requests><request>…</request></service_requests>.
    const body = (schema: unknown, description: string) => ({ description, content: { [media]: { schema: f === 'json' ? schema : { type: 'string', description: 'the same fields as XML elements' } } } });
    const err = body(list, 'Open311 error list: [{ code, description }]');
    const jurisdiction = { name: 'jurisdiction_id', in: 'query', required: false, schema: str, description: "the township's code" };
    const key = { name: 'api_key', in: 'query', required: false, schema: str, description: 'not needed to read; without a key or a session only the public fields are given' };
    const many = (schema: unknown) => ({ type: 'array', items: schema });
    paths[`/open311/v2/discovery.${f}`] = { get: { summary: `Open311: the discovery document, ${f.toUpperCase()}`, tags: ['open311'], security: [], operationId: `open311_discovery_${f}`, responses: { '200': body(OPEN311.discovery, 'Where the endpoint is, its formats and who issues keys') } } };
    paths[`/open311/v2/services/{service_code}.${f}`] = {
      get: { summary: `Open311: a service definition, ${f.toUpperCase()}`, tags: ['open311'], security: [], operationId: `open311_service_${f}`, parameters: [{ name: 'service_code', in: 'path', required: true, schema: str }, jurisdiction], responses: { '200': body(OPEN311.definition, 'The definition (no attributes)'), '404': err } },
    };
    paths[`/open311/v2/services.${f}`] = { get: { summary: `Open311: the services (categories), ${f.toUpperCase()}`, tags: ['open311'], security: [], operationId: `open311_services_${f}`, parameters: [key, jurisdiction], responses: { '200': body(many(OPEN311.service), 'Services'), '403': err, '404': err } } };
    paths[`/open311/v2/requests.${f}`] = {
      get: { summary: `Open311: service requests, ${f.toUpperCase()}`, tags: ['open311'], security: [], operationId: `open311_requests_${f}`, parameters: parameters('query', open311RequestsQuery), responses: { '200': body(many(OPEN311.request), 'Service requests'), '400': err, '403': err, '404': err } },
      post: { summary: `Open311: post a service request, ${f.toUpperCase()}`, tags: ['open311'], security: [{ open311Key: [] }], operationId: `open311_post_${f}`, requestBody: { required: true, content: { 'application/x-www-form-urlencoded': { schema: json(open311PostBody) } } }, responses: { '201': body(many(OPEN311.created), 'The new request id'), '400': err, '403': err, '404': err, '413': err } },
    };
    paths[`/open311/v2/requests/{service_request_id}.${f}`] = { get: { summary: `Open311: one service request, ${f.toUpperCase()}`, tags: ['open311'], security: [], operationId: `open311_request_${f}`, parameters: [{ name: 'service_request_id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }, key], responses: { '200': body(many(OPEN311.request), 'The request (a list of one, as the spec has it)'), '403': err, '404': err } } };
  }
  return paths;
}

/** The document for the API as this app serves it. */
export function buildOpenApi(api: Pick<Hono<any>, 'routes'>, version: string) {
  const byRoute = new Map<string, Validates[]>();
  for (const r of api.routes) {
    if (r.method === 'ALL' || r.path.includes('*')) continue;
    // The API's routes are registered relative to where it is mounted: /api.
    const key = `${r.method} /api${r.path === '/' ? '' : r.path}`;
    const v = (r.handler as unknown as Record<symbol, Validates | undefined>)[VALIDATES];
    byRoute.set(key, [...(byRoute.get(key) ?? []), ...(v ? [v] : [])]);
  }
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [key, validators] of byRoute) {
    if (!(key in ACCESS)) continue;
    const [method, path] = key.split(' ') as [string, string];
    const openPath = path.replace(/:([A-Za-z_]+)/g, '{$1}');
    (paths[openPath] ??= {})[method.toLowerCase()] = operation(key as RouteKey, validators);
  }
  Object.assign(paths, open311Paths());
  return {
    openapi: '3.1.0',
    info: {
      title: '创文卫生热点地图 · The hotspot map API',
      version,
      description:
        'Reports of exposed garbage, road-occupying stalls and illegal ads, routed to the zone and village that own the spot and driven through rectification. Errors are { "error": { "code", "message" } }. Sign in with POST /api/auth/login; the session cookie carries the rest.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'hs_session' }, open311Key: { type: 'apiKey', in: 'query', name: 'api_key' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} } } },
        },
      },
    },
    security: [{ session: [] }],
    paths,
  };
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A readable page of the document: no script, no outside resources. */
export function openApiPage(doc: ReturnType<typeof buildOpenApi>): string {
  const ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods as Record<string, any>).map(([method, op]) => {
      const params = (op.parameters ?? []) as Array<{ name: string; in: string; required: boolean; schema: unknown }>;
      const body = op.requestBody?.content ? Object.entries(op.requestBody.content as Record<string, { schema: unknown }>)[0] : undefined;
      return `<section id="${esc(op.operationId)}"><h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${esc(path)}</code></h3>
<p>${esc(op.summary ?? '')}. ${esc(op.description ?? '')}</p>
${params.length ? `<table><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th></tr>${params.map((p) => `<tr><td><code>${esc(p.name)}</code></td><td>${p.in}</td><td>${p.required ? 'yes' : ''}</td><td><code>${esc(JSON.stringify(p.schema)).slice(0, 400)}</code></td></tr>`).join('')}</table>` : ''}
${body ? `<p>Body (<code>${esc(body[0])}</code>):</p><pre>${esc(JSON.stringify(body[1].schema, null, 2))}</pre>` : ''}</section>`;
    }),
  );
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(doc.info.title)}</title><meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,'Noto Sans CJK SC',sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222}h3{margin:1.6em 0 .3em;font-size:1.05em}
.m{display:inline-block;min-width:4.5em;padding:.1em .4em;border-radius:3px;color:#fff;font-size:.85em;text-align:center}.get{background:#2171b5}.post{background:#238b45}.put,.patch{background:#d94801}.delete{background:#b3261e}
table{border-collapse:collapse;font-size:.9em}td,th{border:1px solid #ddd;padding:.2em .5em;text-align:left;vertical-align:top}pre{background:#f6f6f6;padding:.6em;overflow:auto;font-size:.85em}</style></head>
<body><h1>${esc(doc.info.title)}</h1><p>${esc(doc.info.description)}</p><p>OpenAPI ${doc.openapi} document: <a href="/api/openapi.json">/api/openapi.json</a> · version ${esc(doc.info.version)}</p>
${ops.join('\n')}</body></html>`;
}

import fc from 'fast-check';
import zlib from 'node:zlib';
import { ACCESS, type RouteKey } from '../../server/http/access.ts';

// Generated malformed requests for every route of the API: what a broken client, a bad network or an attacker sends.

export interface Attack {
  route: RouteKey | 'unknown';
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array | string;
  /** Who sends it: a signed-in role, or nobody. */
  as: 'admin' | 'office' | 'inspector' | 'nobody';
  /** The request is certainly invalid for this route: the answer must be a 4xx. */
  mustRefuse: boolean;
  what: string;
}

type ParamKind = 'uuid' | 'photo' | 'file' | 'week' | 'code' | 'export' | 'period';

interface RouteSpec {
  params?: Record<string, ParamKind>;
  /** Query parameters the route reads, each with values it must refuse. */
  query?: string[];
  body?: 'json' | 'multipart';
  /** A valid body, which the attacks bend out of shape. */
  template?: Record<string, unknown>;
  /** Fields of the template the route requires. */
  required?: string[];
}

const REPORT_Q = ['bbox', 'category', 'status', 'zone', 'village', 'from', 'to'];
const ANALYSIS_Q = ['category', 'status', 'from', 'to'];

/** How each route is attacked; a route added to ACCESS without an entry here fails the test. */
export const SPECS: Record<RouteKey, RouteSpec> = {
  'GET /api/health': {},
  'GET /api/openapi.json': {},
  'GET /api/docs': {},
  'POST /api/auth/login': { body: 'json', template: { username: 'office', password: 'not-the-password' }, required: ['username', 'password'] },
  'POST /api/auth/logout': {},
  'GET /api/auth/me': {},
  'GET /api/township': {},
  'GET /api/areas': { query: ['kind'] },
  'PUT /api/township/market-days': { body: 'json', template: { kind: 'solar', dayEndings: [5, 0] }, required: ['kind', 'dayEndings'] },
  'GET /api/township/calendar': { query: ['year'] },
  'PUT /api/township/calendar': { body: 'json', template: { days: [{ day: '2027-01-01', kind: 'holiday' }] }, required: ['days'] },
  'GET /api/township/evaluation': {},
  'PUT /api/township/evaluation': { body: 'json', template: { weights: { close: 3, onTime: 5, rework: 2 }, verifyHours: 24 }, required: ['weights', 'verifyHours'] },
  'GET /api/responsible-people': {},
  'GET /api/categories': {},
  'GET /api/basemap': {},
  'GET /api/basemap/tiles.pmtiles': {},
  'GET /api/reports': { query: [...REPORT_Q, 'limit'] },
  'GET /api/reports/points': { query: REPORT_Q },
  'GET /api/reports/nearby': { query: ['category', 'lon', 'lat'] },
  'GET /api/reports/:id': { params: { id: 'uuid' } },
  'POST /api/reports': {
    body: 'json',
    template: { category: 'exposed_garbage', lon: 105.934, lat: 26.142, description: '路边垃圾', accuracyM: 8, capturedAt: '2026-11-30T09:00:00+08:00', photoIds: [] },
    required: ['category', 'lon', 'lat'],
  },
  'POST /api/reports/:id/transitions': { params: { id: 'uuid' }, body: 'json', template: { action: 'rectify', note: '已清理', version: 1 }, required: ['action'] },
  'POST /api/reports/:id/sightings': { params: { id: 'uuid' }, body: 'json', template: { note: '又看到了' } },
  'GET /api/tasks': {},
  'POST /api/photos': { body: 'multipart' },
  'GET /api/photos/:id': { params: { id: 'photo' } },
  'GET /api/photos/:id/thumb': { params: { id: 'photo' } },
  'GET /api/ledger': { query: [...REPORT_Q, 'limit', 'overdue', 'dueSoon', 'urgency', 'sort', 'dir', 'offset', 'q'] },
  'GET /api/search': { query: ['q'] },
  'GET /api/rates': { query: ['period', 'by'] },
  'POST /api/reports/bulk-transitions': { body: 'json', template: { ids: ['00000000-0000-4000-8000-000000000000'], action: 'urge' }, required: ['ids', 'action'] },
  'GET /api/headline': {},
  'GET /api/ledger.csv': { query: [...REPORT_Q, 'limit', 'overdue', 'sort', 'offset'] },
  'GET /api/accountability': { query: ['month'] },
  'GET /api/accountability.csv': { query: ['month'] },
  'GET /api/briefings': {},
  'GET /api/briefings/:file': { params: { file: 'file' } },
  'GET /api/period-reports/:file': { params: { file: 'period' } },
  'POST /api/briefings/:week/regenerate': { params: { week: 'week' } },
  'GET /api/hotspots': { query: [...ANALYSIS_Q, 'cellSize', 'distanceBand', 'study', 'exposure', 'scale', 'minReports', 'all'] },
  'GET /api/analysis/emerging': { query: [...ANALYSIS_Q, 'weeks'] },
  'GET /api/analysis/chronic': { query: [...ANALYSIS_Q, 'weeks', 'radius', 'minPoints'] },
  'GET /api/analysis/time-patterns': { query: ANALYSIS_Q },
  'GET /api/analysis/areas': { query: [...ANALYSIS_Q, 'weeks'] },
  'GET /api/analysis/density': { query: [...ANALYSIS_Q, 'top'] },
  'GET /api/users': {},
  'POST /api/users': {
    body: 'json',
    template: { username: 'new-person', displayName: '新人', role: 'inspector', password: 'Field-Work-2026', phone: '13800000000' },
    required: ['username', 'displayName', 'role', 'password'],
  },
  'PATCH /api/users/:id': { params: { id: 'uuid' }, body: 'json', template: { displayName: '改名', phone: '13800000001' } },
  'PATCH /api/categories/:code': { params: { code: 'code' }, body: 'json', template: { deadlineHours: 24, deductionYuan: 30 } },
  'POST /api/areas': {
    body: 'json',
    template: { kind: 'unit', code: 'unit-new', nameZh: '新单位', geometry: { type: 'Polygon', coordinates: [[[105.93, 26.14], [105.931, 26.14], [105.931, 26.141], [105.93, 26.14]]] } },
    required: ['kind', 'code', 'nameZh', 'geometry'],
  },
  'PATCH /api/areas/:id': { params: { id: 'uuid' }, body: 'json', template: { responsibleName: '张三', responsiblePhone: '13800000002' } },
  'GET /api/audit': { query: ['limit', 'before'] },
  'GET /api/export/:file': { params: { file: 'export' }, query: [...REPORT_Q, 'overdue', 'dueSoon', 'q', 'sort', 'dir'] },
  'POST /api/import/reports': { body: 'multipart' },
  'POST /api/import/boundaries': { body: 'multipart' },
  'POST /api/import/basemap': { body: 'multipart' },
  'GET /api/county/townships': {},
  'POST /api/auth/second-factor': {},
  'POST /api/auth/password': { body: 'json', template: { current: 'not-the-current-one', next: 'New-password-2026' }, required: ['current', 'next'] },
  'POST /api/auth/second-factor/confirm': { body: 'json', template: { secret: 'JBSWY3DPEHPK3PXPJBSWY3DP', code: '123456' }, required: ['secret', 'code'] },
  'POST /api/county/townships': { body: 'multipart' },
  'POST /api/county/townships/:code/people': {
    params: { code: 'code' },
    body: 'json',
    template: { username: 'new-admin', displayName: '新管理员', role: 'admin', password: 'Field-Work-2026' },
    required: ['username', 'displayName', 'role', 'password'],
  },
  'PUT /api/county/viewing': { body: 'json', template: { code: 'demo-town' }, required: ['code'] },
  'GET /api/api-keys': {},
  'POST /api/api-keys': { body: 'json', template: { name: '12345热线' }, required: ['name'] },
  'DELETE /api/api-keys/:id': { params: { id: 'uuid' } },
  'GET /api/webhooks': {},
  'POST /api/webhooks': { body: 'json', template: { name: '创建办群', format: 'wecom', url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x', events: ['report.overdue'] }, required: ['name', 'format', 'url', 'events'] },
  'DELETE /api/webhooks/:id': { params: { id: 'uuid' } },
};

const SQL = ["' OR '1'='1", "'; DROP TABLE reports; --", '1; DELETE FROM users', "\" OR 1=1 --", "') UNION SELECT password_hash FROM users --"];
const TRAVERSAL = ['../../../../etc/passwd', '..%2f..%2f..%2fetc%2fpasswd', '....//....//etc/passwd', '%2e%2e%2f%2e%2e%2fvar', '..\\..\\windows\\win.ini'];
const WEIRD = ['', ' ', '%00', '%ff%fe', '%c3%28', '%ed%a0%80', 'null', 'undefined', '[object Object]', '😀'.repeat(50), 'x'.repeat(5000)];

/** Values each query parameter must refuse. */
const BAD_QUERY: Record<string, string[]> = {
  bbox: ['NaN,0,1,1', '1,1,0,0', '-181,0,0,0', '0,-91,1,1', '0,0,1,91', '-180,-90,180,90', '1,2,3', 'Infinity,0,1,1', '1e309,0,1,1', '0,0,1,1,1', 'a,b,c,d', ...SQL],
  category: ["'; DROP TABLE reports;--", '../../etc/passwd', 'A', 'x'.repeat(3000), '%ff', 'Exposed_Garbage'],
  status: ['open', "x' OR 1=1", 'new,closed', '%00'],
  zone: ['not-a-uuid', '1 OR 1=1', ...TRAVERSAL],
  village: ['not-a-uuid', "' OR ''='"],
  from: ['2026-13-01', 'yesterday', '2026-11-29T08:00:00', '2026-02-30', "'; DROP TABLE reports;--", '1e309', '%ff'],
  to: ['2026-00-10', '29/11/2026', '2026-11-29 08:00'],
  limit: ['0', '-1', '1e9', 'NaN', 'Infinity', 'abc', '10001', '1.5', '99999999999999999999'],
  offset: ['-5', '1e12', 'NaN', 'x'],
  overdue: ['2', 'yes', 'true'],
  dueSoon: ['2', 'soon'],
  sort: ['random', "observed; DROP TABLE reports", 'case_no'],
  dir: ['up', "asc; DROP TABLE reports"],
  q: ['', '   ', 'x'.repeat(101)],
  period: ['2026-13', '2026-Q5', '26', "2026' OR '1'='1"],
  by: ['village', 'everyone'],
  lon: ['NaN', 'Infinity', '-Infinity', '181', '-180.0001', 'abc', '1e309'],
  lat: ['NaN', '90.5', '-91', '1e309', ''],
  month: ['2026-13', '2026-1', 'x', '2026-00', "2026-11' OR '1'='1"],
  kind: ['planet', 'village;DROP'],
  cellSize: ['0', '10', '1e9', 'NaN', '-100'],
  distanceBand: ['0', '-1', '1e12', 'Infinity'],
  study: ['everywhere', "near' OR 1=1", ''],
  exposure: ['people', 'roads;DROP'],
  scale: ['arcgis', 'OHSA'],
  minReports: ['0', '-3', '1e9', 'x'],
  all: ['yes', '2', 'everything'],
  weeks: ['0', '53', '-1', '1e3', 'x'],
  radius: ['0', '1e9', 'NaN'],
  minPoints: ['1', '1e6', 'x'],
  top: ['0', '101', 'NaN'],
  before: ['0', '-1', 'x', '1e400'],
  year: ['1999', '2101', 'x', '2026.5'],
  urgency: ['URGENT', 'high', "urgent' OR 1=1", 'normal,urgent'],
};

// Every query parameter a route takes has values it must refuse; checked when this module loads, so a new
// parameter without them fails every run, not only the runs whose random draw happens to pick it.
for (const [key, spec] of Object.entries(SPECS)) {
  for (const name of spec.query ?? []) {
    if (!BAD_QUERY[name]?.length) throw new Error(`${key} takes ?${name}= but BAD_QUERY has no values it must refuse`);
  }
}

/** Path parameter values that are never a valid id of their kind. */
const badParam = (kind: ParamKind): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(...SQL.map(encodeURIComponent), ...TRAVERSAL, ...WEIRD.filter(Boolean)),
    fc.string({ minLength: 1, maxLength: 40 }).map(encodeURIComponent).filter((s) => isBad(kind, decodeSafe(s))),
    fc.constant(kind === 'uuid' ? '00000000-0000-0000-0000-00000000000g' : kind === 'photo' ? 'A'.repeat(64) : kind === 'week' ? '2026-W54' : kind === 'file' ? '2026-W47.exe' : kind === 'export' ? 'reports.exe' : kind === 'period' ? '2026-Q5.pdf' : 'UPPER'),
  );

const decodeSafe = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};
function isBad(kind: ParamKind, s: string): boolean {
  if (kind === 'uuid') return !/^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i.test(s);
  if (kind === 'photo') return !/^[0-9a-f]{64}$/.test(s);
  if (kind === 'week') return !/^\d{4}-W\d{2}$/.test(s);
  if (kind === 'export') return !['reports.geojson', 'reports.csv', 'reports.xlsx'].includes(s);
  if (kind === 'file') return !/^\d{4}-W\d{2}\.(html|pdf|csv|xlsx|json)$/.test(s);
  if (kind === 'period') return !/^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?\.(html|pdf|xlsx|json)$/.test(s);
  return !/^[a-z][a-z0-9_]{0,63}$/.test(s);
}

const GOOD_PARAM: Record<ParamKind, string> = {
  uuid: '00000000-0000-4000-8000-000000000000',
  photo: 'a'.repeat(64),
  file: '2026-W47.json',
  period: '2026-11.json',
  week: '2026-W47',
  code: 'weeds',
  export: 'reports.csv',
};

function pathOf(key: RouteKey, values: Record<string, string> = {}): { method: string; path: string } {
  const [method, pattern] = key.split(' ') as [string, string];
  const spec = SPECS[key];
  let path = pattern;
  for (const [name, kind] of Object.entries(spec.params ?? {})) path = path.replace(`:${name}`, values[name] ?? GOOD_PARAM[kind]);
  return { method, path };
}

/** A value of another type than the template's, or out of any range. */
const wrongValue = (v: unknown, field = ''): fc.Arbitrary<unknown> => {
  const pool: fc.Arbitrary<unknown>[] = [fc.constant(null), fc.constant({ $ne: 1 }), fc.array(fc.integer(), { maxLength: 3 })];
  if (typeof v !== 'number') pool.push(fc.double({ noNaN: true }), fc.constant(1e308));
  if (typeof v !== 'string') pool.push(fc.constantFrom(...SQL, ...TRAVERSAL), fc.string({ maxLength: 20 }));
  if (typeof v !== 'boolean') pool.push(fc.boolean());
  // numbers out of every field's range: 181° only for a longitude or latitude (181 yuan or hours is allowed)
  if (typeof v === 'number') pool.push(fc.constantFrom(1e308, -1e308, -91, 1e20, ...(field === 'lon' || field === 'lat' ? [181] : [-1])));
  if (Array.isArray(v)) pool.push(fc.constant(['not-a-photo-id']), fc.constant(Array.from({ length: 50 }, () => 'f'.repeat(64))));
  return fc.oneof(...pool);
};

const utf8 = (s: string) => new TextEncoder().encode(s);
const invalidUtf8 = (json: string) => {
  const b = utf8(json);
  const out = new Uint8Array(b.length + 4);
  out.set(b.subarray(0, b.length - 2), 0);
  out.set([0xff, 0xfe, 0xc3, 0x28], b.length - 2);
  out.set(b.subarray(b.length - 2), b.length + 2);
  return out;
};

const JSON_HEADERS = { 'content-type': 'application/json' };

function jsonAttacks(key: RouteKey): fc.Arbitrary<Omit<Attack, 'as'>> {
  const spec = SPECS[key];
  const template = spec.template ?? {};
  const base = pathOf(key);
  const fields = Object.keys(template);
  const withBody = (what: string, body: Uint8Array | string, headers: Record<string, string> = JSON_HEADERS, mustRefuse = true) => ({
    route: key,
    ...base,
    headers,
    body,
    mustRefuse,
    what,
  });
  const attacks: fc.Arbitrary<Omit<Attack, 'as'>>[] = [
    // Not JSON at all, or JSON that JavaScript would read as a non-finite number.
    fc
      .constantFrom(
        '{"lon": NaN, "lat": 26.1}',
        '{"lon": 1e309, "lat": -1e309, "category": "weeds"}',
        `{"category":`,
        '',
        'null',
        '[]',
        '"a string"',
        '42',
        '{"__proto__": {"admin": true}}',
        "{'single': 'quotes'}",
        '\u0000\u0001\u0002',
      )
      .map((text) => withBody(`body ${JSON.stringify(text).slice(0, 40)}`, text)),
    fc.string({ maxLength: 200 }).filter((s) => {
      try {
        const v: unknown = JSON.parse(s);
        return typeof v !== 'object' || v === null || Array.isArray(v);
      } catch {
        return true;
      }
    }).map((text) => withBody('random text', text)),
    // Invalid UTF-8 inside an otherwise valid body.
    fc.constant(withBody('invalid UTF-8', invalidUtf8(JSON.stringify({ ...template, x: 'é' })))),
    // A 1 MB string in a field (over the body limit).
    fc.constantFrom(...(fields.length ? fields : ['note'])).map((f) => withBody(`1 MB in ${f}`, JSON.stringify({ ...template, [f]: 'x'.repeat(1 << 20) }))),
    // An unknown field.
    fc.constantFrom('admin', 'role_override', '__proto__', 'township_id', 'status').map((f) =>
      withBody(`extra field ${f}`, `{${Object.entries(template).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).concat(`${JSON.stringify(f)}:true`).join(',')}}`),
    ),
    // The right body with a wrong content type.
    fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', '').map((type) =>
      withBody(`content type "${type}"`, JSON.stringify(template), type ? { 'content-type': type } : {}),
    ),
  ];
  if (fields.length) {
    attacks.push(
      fc.constantFrom(...fields).chain((f) => wrongValue(template[f], f).map((v) => withBody(`${f} = ${JSON.stringify(v)?.slice(0, 40)}`, JSON.stringify({ ...template, [f]: v })))),
    );
  }
  for (const f of spec.required ?? []) {
    const { [f]: _gone, ...rest } = template;
    attacks.push(fc.constant(withBody(`missing ${f}`, JSON.stringify(rest))));
  }
  return fc.oneof(...attacks);
}

/** Builds a multipart body by hand, so it can be cut short or lie. */
function multipart(parts: Array<{ name: string; filename?: string; type?: string; data: Uint8Array }>, boundary = 'fuzzBoundary7MA4YWxk'): Uint8Array {
  const chunks: Uint8Array[] = [];
  for (const p of parts) {
    const disp = `Content-Disposition: form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}`;
    chunks.push(utf8(`--${boundary}\r\n${disp}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n`), p.data, utf8('\r\n'));
  }
  chunks.push(utf8(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

function crc32(buf: Uint8Array): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}
function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
/** A small PNG that claims 40 000 × 40 000 pixels: decoding it would need gigabytes. */
export function decompressionBombPng(): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(40_000, 0);
  ihdr.writeUInt32BE(40_000, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const rows = zlib.deflateSync(Buffer.alloc(40_001 * 3 * 4)); // a few rows of zeros; the rest would inflate the same way
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IDAT', rows), pngChunk('IEND', new Uint8Array())]);
}

/** Uploads that are not what the route takes (photos; report and boundary files). */
function uploadAttacks(key: RouteKey): fc.Arbitrary<Omit<Attack, 'as'>> {
  const base = pathOf(key);
  const type = 'multipart/form-data; boundary=fuzzBoundary7MA4YWxk';
  const send = (what: string, body: Uint8Array, contentType = type) => ({ route: key, ...base, headers: { 'content-type': contentType }, body, mustRefuse: true, what });
  const jpegHeader = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]);
  return fc.oneof(
    fc.string({ maxLength: 300 }).map((text) => send('text that claims to be a JPEG', multipart([{ name: 'file', filename: 'photo.jpg', type: 'image/jpeg', data: utf8(text) }]))),
    fc.constant(send('a JPEG header and nothing else', multipart([{ name: 'file', filename: 'photo.jpg', type: 'image/jpeg', data: jpegHeader }]))),
    fc.constant(send('a decompression bomb', multipart([{ name: 'file', filename: 'bomb.png', type: 'image/png', data: decompressionBombPng() }]))),
    fc.constant(send('an SVG with script', multipart([{ name: 'file', filename: 'x.svg', type: 'image/svg+xml', data: utf8('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>') }]))),
    fc.constant(send('an HTML page named .jpg', multipart([{ name: 'file', filename: '../../x.jpg', type: 'image/jpeg', data: utf8('<html><script>alert(1)</script></html>') }]))),
    fc.integer({ min: 10, max: 200 }).map((cut) => send('a truncated multipart body', multipart([{ name: 'file', filename: 'p.jpg', type: 'image/jpeg', data: jpegHeader }]).subarray(0, cut))),
    fc.constant(send('no file field', multipart([{ name: 'note', data: utf8('hello') }]))),
    fc.constant(send('an empty body', new Uint8Array())),
    fc.constant(send('JSON to the photo route', utf8('{"file":"x"}'), 'application/json')),
    fc.constant(send('a multipart body without its boundary', multipart([{ name: 'file', filename: 'p.jpg', data: jpegHeader }]), 'multipart/form-data')),
  );
}

function paramAttacks(key: RouteKey): fc.Arbitrary<Omit<Attack, 'as'>> | null {
  const params = SPECS[key].params;
  if (!params) return null;
  const [name, kind] = Object.entries(params)[0]!;
  const spec = SPECS[key];
  return badParam(kind).map((value) => {
    const { method, path } = pathOf(key, { [name]: value });
    const body = spec.body === 'json' ? JSON.stringify(spec.template ?? {}) : undefined;
    return {
      route: key,
      method,
      path,
      headers: body ? JSON_HEADERS : {},
      ...(body ? { body } : {}),
      mustRefuse: true,
      what: `${name} = ${value.slice(0, 40)}`,
    };
  });
}

function queryAttacks(key: RouteKey): fc.Arbitrary<Omit<Attack, 'as'>> | null {
  const names = SPECS[key].query;
  if (!names?.length) return null;
  const base = pathOf(key);
  const needs: Record<string, string> = key === 'GET /api/reports/nearby' ? { category: 'weeds', lon: '105.93', lat: '26.14' } : {};
  return fc
    .constantFrom(...names)
    .chain((name) => fc.constantFrom(...BAD_QUERY[name]!).map((value) => [name, value] as const))
    .chain(([name, value]) =>
      fc.boolean().map((twice) => {
        const q = new URLSearchParams({ ...needs });
        q.delete(name);
        const encoded = /%[0-9a-f]{2}/i.test(value) ? value : encodeURIComponent(value);
        // Sometimes the parameter twice, once valid-looking: still refused.
        const extra = twice && name !== 'lon' && name !== 'lat' ? `&${name}=${encoded}` : '';
        const qs = [q.toString(), `${name}=${encoded}${extra}`].filter(Boolean).join('&');
        return { route: key, ...base, path: `${base.path}?${qs}`, headers: {}, mustRefuse: true, what: `${name}=${value.slice(0, 40)}` };
      }),
    );
}

/** Requests to paths the API does not have, including traversal attempts at the photo files. */
const strayAttacks: fc.Arbitrary<Omit<Attack, 'as'>> = fc
  .constantFrom(
    '/api/../../etc/passwd',
    '/api/photos/..%2f..%2f..%2fetc%2fpasswd',
    '/api/photos/%2e%2e%2fhotspots.sqlite',
    '/api/reports/%00',
    '/api/%ff%fe',
    '/api/briefings/..%2f..%2fhotspots.sqlite',
    '/api/nope',
    '/api/reports/' + 'x'.repeat(10_000),
  )
  .chain((path) => fc.constantFrom('GET', 'POST', 'DELETE', 'PUT').map((method) => ({ route: 'unknown' as const, method, path, headers: {}, mustRefuse: true, what: 'no such route' })));

/** Any route: a method it does not serve, or a forged session cookie. */
function envelopeAttacks(key: RouteKey): fc.Arbitrary<Omit<Attack, 'as'>> {
  const { path } = pathOf(key);
  const anyone = 'anyone' in ACCESS[key];
  return fc.oneof(
    fc.constantFrom('DELETE', 'PROPFIND', 'OPTIONS').map((method) => ({ route: key, method, path, headers: {}, mustRefuse: true, what: `method ${method}` })),
    fc
      .constantFrom(...SQL, ...TRAVERSAL, 'x'.repeat(4000), '%ff%fe', 'a'.repeat(64))
      .map((v) => ({ route: key, method: key.split(' ')[0]!, path, headers: { cookie: `hs_session=${encodeURIComponent(v)}` }, mustRefuse: !anyone, what: 'forged session cookie' })),
  );
}

const sender = fc.constantFrom<Attack['as']>('admin', 'admin', 'admin', 'admin', 'office', 'inspector', 'nobody');

/** One generated malformed request against any route. */
export function attackArbitrary(): fc.Arbitrary<Attack> {
  const perRoute: fc.Arbitrary<Omit<Attack, 'as'>>[] = [];
  for (const key of Object.keys(ACCESS) as RouteKey[]) {
    const spec = SPECS[key];
    if (spec.body === 'json') perRoute.push(jsonAttacks(key));
    if (spec.body === 'multipart') perRoute.push(uploadAttacks(key));
    const p = paramAttacks(key);
    if (p) perRoute.push(p);
    const q = queryAttacks(key);
    if (q) perRoute.push(q);
    perRoute.push(envelopeAttacks(key));
  }
  perRoute.push(strayAttacks);
  return fc.tuple(fc.oneof(...perRoute), sender).map(([a, as]) => ({ ...a, as }));
}

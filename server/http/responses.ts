import { z, type ZodType } from 'zod';
import { ACTIONS, ROLES } from '../domain/lifecycle.ts';
import { REPORT_STATUSES } from '../domain/reports.ts';
import type { RouteKey } from './access.ts';
import { AREA_KINDS } from '../domain/routing.ts';

// What each route answers when it succeeds, and which failures it can answer with besides the ones every route of
// its kind has. The OpenAPI document is built from this table; a test holds every answer the demo town gives
// against it, and another checks at compile time that each route's own return type fits what is written here, so
// a generated client (openapi-typescript) gets real types and the two cannot drift apart.
//
// Objects are open (z.looseObject): a documented field is always there, and an answer may carry more.

const o = <T extends z.core.$ZodLooseShape>(shape: T) => z.looseObject(shape);
const id = z.string();
const instant = z.string().describe('ISO 8601 instant');
const nullable = <T extends ZodType>(t: T) => t.nullable();
const position = z.tuple([z.number(), z.number()]);
const polygon = o({ type: z.literal('Polygon'), coordinates: z.array(z.array(position)) });
const multiPolygon = o({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(z.array(position))) });
const polygonal = z.union([polygon, multiPolygon]);
const bbox = z.tuple([z.number(), z.number(), z.number(), z.number()]);
const role = z.enum(ROLES);
const areaKind = z.enum(AREA_KINDS);
const feature = <G extends ZodType, P extends ZodType>(geometry: G, properties: P) => o({ type: z.literal('Feature'), geometry, properties });
const collection = <F extends ZodType>(f: F) => o({ type: z.literal('FeatureCollection'), features: z.array(f) });

const areaRef = o({ id, kind: z.string(), code: z.string(), nameZh: z.string(), nameEn: z.string() });
const personRef = o({ id, displayName: z.string(), role: z.string() });
const marketDays = z.union([o({ kind: z.enum(['solar', 'lunar']), dayEndings: z.array(z.number()) }), o({ kind: z.literal('weekdays'), days: z.array(z.number()) })]);

const evaluationAnswer = o({
  weights: o({ close: z.number().describe('weight of 结案率'), onTime: z.number().describe('weight of 按期结案率'), rework: z.number().describe('weight of 100 − 返工率') }),
  verifyHours: z.number().describe('按时核查: hours within which a rectification is re-inspected'),
});

const calendarAnswer = o({
  year: z.number(),
  shipped: z.boolean().describe('whether the year ships with the State Council notice; otherwise weekends and the office\'s days only'),
  workingHours: o({ start: z.string(), end: z.string() }),
  holidays: z.array(z.string()).describe('weekdays off'),
  workdays: z.array(z.string()).describe('weekend days worked (调休)'),
  own: z.array(o({ day: z.string(), kind: z.string(), note: nullable(z.string()) })),
});

export const reportView = o({
  id,
  caseNo: nullable(z.string()).describe('the case number people read and type, e.g. NJ-2026-000123'),
  category: z.string(),
  lon: z.number(),
  lat: z.number(),
  accuracyM: nullable(z.number()),
  description: nullable(z.string()),
  status: z.enum(REPORT_STATUSES),
  overdue: z.boolean(),
  zone: nullable(areaRef),
  village: nullable(areaRef),
  unit: nullable(areaRef),
  responsibleArea: nullable(areaRef),
  assignee: nullable(personRef),
  duplicateOf: nullable(id),
  recurrenceOf: nullable(id),
  sightings: z.number(),
  version: z.number().describe('send it back as expectedVersion with a transition'),
  capturedAt: nullable(instant),
  receivedAt: instant,
  observedAt: instant,
  deadlineAt: nullable(instant),
  closedAt: nullable(instant),
  updatedAt: instant,
  parkedAt: nullable(instant).describe('parked (挂账) since; no deadline while parked'),
  extensionUntil: nullable(instant).describe('an extension asked for, waiting for the office'),
  urgency: z.enum(['normal', 'urgent']).describe('紧急 urgent items get their category\'s urgent limit'),
});

const photo = o({ id, url: z.string(), thumbUrl: z.string(), width: z.number(), height: z.number(), takenAt: nullable(instant) });
const reportDetail = reportView.extend({
  placedBy: nullable(z.enum(['gps', 'hand'])),
  photos: z.array(o({ id })),
  events: z.array(o({ type: z.string(), from: nullable(z.string()), to: nullable(z.string()), at: instant, note: nullable(z.string()) })),
  deductions: z.array(o({})),
  allowedActions: z.array(z.enum(ACTIONS)),
  canSeeAll: z.boolean(),
});
const person = o({ id, username: z.string(), displayName: z.string(), role, areaId: nullable(id), phone: nullable(z.string()), active: z.boolean(), createdAt: instant });
const sessionUser = o({ id, townshipId: nullable(id), county: z.boolean(), mustChangePassword: z.boolean(), username: z.string(), displayName: z.string(), role, areaId: nullable(id) });
const category = o({ code: z.string(), nameZh: z.string(), nameEn: z.string(), color: z.string(), deadlineHours: z.number(), deadlineUnit: z.enum(['hours', 'working_hours', 'working_days']), urgentHours: nullable(z.number()).describe('the limit of an urgent item, in deadlineUnit; null: half the normal limit'), sameDay: z.boolean(), scorePoints: z.number(), deductionYuan: z.number(), duplicateRadiusM: z.number(), active: z.boolean() });
const area = o({ id, code: z.string(), kind: areaKind, nameZh: z.string(), nameEn: z.string(), geometry: polygonal, rerouted: z.number().describe('open items routed anew') });
const apiKey = o({ id, name: z.string(), prefix: z.string(), createdAt: instant, revokedAt: nullable(instant), lastUsedAt: nullable(instant), crs: z.string() });
const webhook = o({
  id,
  name: z.string(),
  format: z.enum(['json', 'wecom', 'dingtalk']),
  url: z.string(),
  events: z.array(z.enum(['report.overdue', 'report.due_soon', 'report.urged', 'briefing.ready'])),
  active: z.boolean(),
  createdAt: instant,
  signed: z.boolean(),
  keyword: nullable(z.string()),
  deliveries: o({ pending: z.number(), failed: z.number(), delivered: z.number(), lastError: nullable(z.string()), lastErrorAt: nullable(instant) }),
});
const grid = o({ west: z.number(), south: z.number(), dLon: z.number(), dLat: z.number(), cols: z.number(), rows: z.number() });
const studyArea = o({ rule: z.string(), ruleZh: z.string(), cells: z.number(), outsideReports: z.number() });
const township = o({ id, code: z.string(), nameZh: z.string(), nameEn: z.string(), timezone: z.string(), bbox, boundary: polygonal });
const accountabilityRow = o({ items: z.number(), overdue: z.number(), deductionYuan: z.number(), score: z.number() });

/** A success answer: JSON by its schema, or a file of a media type. */
export type Answer = { statuses?: readonly (200 | 201)[]; json: ZodType; extra?: number[] } | { statuses?: readonly 200[]; media: Record<string, string>; extra?: number[] };

const file = (media: Record<string, string>, extra: number[] = []) => ({ media, extra }) satisfies Answer;

// Failures a route can have beyond those its kind always has (see errorStatuses): 404 for something named in the
// body, 409 for a conflict, 413/415 for files, 422 for a request understood but refused, 429 for the worker pool's
// per-person queue (analyses, imports, exports).
export const ANSWERS = {
  'GET /api/health': {
    json: o({
      status: z.string(),
      database: z.enum(['sqlite', 'postgres']),
      databaseState: z.string(),
      demo: z.boolean(),
      time: instant,
      jobs: o({ rounds: z.number().int().describe('rounds of the scheduled jobs this process has finished'), lastRanAt: nullable(instant) }),
    }),
  },
  'POST /api/auth/login': { json: o({ user: sessionUser }), extra: [422, 429] },
  'POST /api/auth/logout': { json: o({ ok: z.literal(true) }) },
  'GET /api/auth/me': { json: o({ user: nullable(sessionUser) }) },
  'POST /api/auth/password': { json: o({ user: sessionUser }), extra: [422] },
  'POST /api/auth/second-factor': { json: o({ secret: z.string(), uri: z.string().describe('otpauth:// URI for the authenticator app') }), extra: [409] },
  'POST /api/auth/second-factor/confirm': { json: o({ recoveryCodes: z.array(z.string()) }), extra: [409, 422] },
  'GET /api/township': { json: township.extend({ marketDays, marketDaysText: z.string(), gpsAcceptM: z.number().describe('the field view places a pin at the first fix at least this accurate (m)') }) },
  'GET /api/areas': {
    json: collection(
      feature(polygonal, o({ id, kind: areaKind, code: z.string(), nameZh: z.string(), nameEn: z.string(), responsibleName: nullable(z.string()), responsiblePhone: nullable(z.string()) })).extend({ id }),
    ),
  },
  'PUT /api/township/market-days': { json: o({ marketDays, marketDaysText: z.string() }), extra: [422] },
  'GET /api/township/calendar': { json: calendarAnswer },
  'GET /api/township/evaluation': { json: evaluationAnswer },
  'PUT /api/township/evaluation': { json: evaluationAnswer },
  'GET /api/responsible-people': { json: o({ people: z.array(o({ id, displayName: z.string(), role: z.enum(['cleaner', 'unit']), areaId: nullable(id) })) }) },
  'PUT /api/township/calendar': { json: calendarAnswer },
  'GET /api/categories': { json: z.array(category) },
  'GET /api/basemap': {
    json: o({
      type: z.literal('FeatureCollection'),
      features: z.array(o({ type: z.literal('Feature'), id: z.number(), geometry: o({ type: z.enum(['LineString', 'Point', 'Polygon']) }), properties: o({ layer: z.enum(['road', 'landmark', 'water']), kind: z.string(), nameZh: nullable(z.string()), nameEn: nullable(z.string()) }) })),
      tiles: nullable(o({ kind: z.enum(['raster', 'pmtiles']), name: z.string(), attribution: z.string(), crs: z.enum(['wgs84', 'gcj02']) })),
    }),
  },
  'GET /api/basemap/tiles.pmtiles': file({ 'application/vnd.pmtiles': 'the PMTiles archive; answers 206 to a Range request, 416 to one past its end' }, [404, 416]),
  'GET /api/reports': {
    json: o({ type: z.literal('FeatureCollection'), numberReturned: z.number(), limit: z.number(), truncated: z.boolean(), features: z.array(o({ type: z.literal('Feature'), id, geometry: o({ type: z.literal('Point'), coordinates: position }), properties: o({ category: z.string(), status: z.enum(REPORT_STATUSES), overdue: z.boolean() }) })) }),
  },
  'GET /api/reports/points': file({ 'application/octet-stream': 'HSPT: a 16-byte header, then per report lon, lat (float32), category and status (uint8) and the observed time' }, [429]),
  'GET /api/reports/nearby': { json: o({ radiusM: z.number(), items: z.array(reportView.extend({ distanceM: z.number() })), recurrenceOf: nullable(id).describe('a closed item at the same spot this would be a recurrence of') }) },
  'GET /api/reports/:id': { json: reportDetail },
  'POST /api/reports': {
    statuses: [201, 200],
    json: reportView.extend({
      nearby: z.array(reportView.extend({ distanceM: z.number() })).describe('the nearest open items of the same category (at most 5), nearest first'),
      nearbyCount: z.number().int().describe('how many open items of the same category lie within its duplicate radius'),
    }),
    extra: [409, 422],
  },
  'POST /api/reports/:id/transitions': { json: reportView, extra: [409, 422] },
  'POST /api/reports/bulk-transitions': {
    json: o({
      done: z.number(),
      refused: z.number(),
      results: z.array(o({ id, ok: z.boolean(), status: z.string().optional(), code: z.string().optional(), message: z.string().optional() })),
    }),
  },
  'POST /api/reports/:id/sightings': { statuses: [201], json: o({ id }), extra: [409, 422] },
  'GET /api/tasks': { json: o({ items: z.array(reportView) }) },
  'POST /api/photos': { statuses: [201], json: photo, extra: [413, 415, 422] },
  'GET /api/photos/:id': file({ 'image/jpeg': 'the photo as uploaded, its location removed' }),
  'GET /api/photos/:id/thumb': file({ 'image/jpeg': 'upright, at most 480 px' }),
  'GET /api/ledger': {
    json: o({
      truncated: z.boolean(),
      total: z.number().describe('how many items match the filters, of which rows is one page'),
      rows: z.array(reportView.extend({ daysOpen: z.number(), daysOverdue: z.number(), hoursOverdue: z.number(), dueSoon: z.boolean(), photoCount: z.number() })),
    }),
  },
  'GET /api/headline': {
    json: o({
      at: instant,
      overdue: z.number().describe('items overdue now'),
      today: o({ new: z.number(), closed: z.number() }),
      week: o({ new: z.number(), closed: z.number(), onTimeRate: nullable(z.number()).describe('按期结案率 % so far this week') }),
      lastWeek: o({ new: z.number(), closed: z.number(), onTimeRate: nullable(z.number()) }),
    }),
  },
  'GET /api/rates': {
    json: (() => {
      const rates = o({
        key: z.string(),
        due: z.number().describe('应结案数'),
        parked: z.number().describe('缓办数'),
        closed: z.number().describe('结案数'),
        closedOnTime: z.number().describe('按期结案数'),
        reworked: z.number().describe('返工数 (failed re-inspection)'),
        closeRate: nullable(z.number()).describe('结案率 %'),
        onTimeRate: nullable(z.number()).describe('按期结案率 %'),
        reworkRate: nullable(z.number()).describe('返工率 %'),
        score: nullable(z.number()),
        grade: nullable(z.enum(['A', 'B', 'C', 'D', 'E'])),
      });
      const named = o({ nameZh: z.string(), nameEn: z.string() });
      const inspection = o({ key: z.string(), due: z.number().describe('re-inspections due'), onTime: z.number(), onTimeRate: nullable(z.number()).describe('按时核查率 %') });
      const returns = o({ sent: z.number(), returned: z.number(), returnRate: nullable(z.number()).describe('退回率 %') });
      return o({
        period: z.string(),
        by: z.string(),
        from: z.string(),
        to: z.string(),
        evaluation: evaluationAnswer,
        total: rates,
        rows: z.array(rates.extend({ name: named })),
        inspection: o({ verifyHours: z.number(), total: inspection, rows: z.array(inspection.extend({ name: named })) }),
        dispatch: o({ total: returns, rows: z.array(returns.extend({ key: z.string(), name: named })) }),
      });
    })(),
  },
  'GET /api/search': {
    json: o({
      items: z.array(reportView),
      more: z.boolean(),
      places: z.array(o({ nameZh: z.string(), nameEn: nullable(z.string()), layer: z.string(), kind: z.string(), bbox: z.array(z.number()) })),
    }),
  },
  'GET /api/ledger.csv': file({ 'text/csv': 'UTF-8 with a byte-order mark, for Excel and WPS' }),
  'GET /api/accountability': { json: o({ month: z.string(), areas: z.array(accountabilityRow.extend({ area: o({ id, kind: z.string(), nameZh: z.string(), nameEn: z.string() }), person: nullable(z.string()) })), people: z.array(accountabilityRow.extend({ person: personRef, area: nullable(z.string()) })) }) },
  'GET /api/accountability.csv': file({ 'text/csv': 'UTF-8 with a byte-order mark' }),
  'GET /api/briefings': { json: o({ briefings: z.array(o({ week: z.string(), generatedAt: instant })) }) },
  'GET /api/briefings/:file': file(
    {
      'application/json': 'the briefing data (.json)',
      'text/html': 'the briefing page (.html)',
      'application/pdf': 'the briefing as PDF (.pdf)',
      'text/csv': 'its tables (.csv)',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'its tables as a workbook (.xlsx)',
    },
    [422, 429],
  ),
  'GET /api/period-reports/:file': file(
    {
      'application/json': 'the report data (.json)',
      'text/html': 'the report page (.html)',
      'application/pdf': 'the report as landscape A4 PDF (.pdf)',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'its tables as a workbook (.xlsx)',
    },
    [429],
  ),
  'POST /api/briefings/:week/regenerate': { json: o({ week: z.string(), generatedAt: instant }), extra: [422, 429] },
  'GET /api/hotspots': {
    json: o({
      method: z.string(),
      cellSize_m: z.number(),
      distanceBand_m: z.number(),
      studyArea,
      total: z.number(),
      legend: o({ coldPossible: z.boolean(), lowestReachableZ: z.number(), note: nullable(z.string()).describe('why no cold class is offered, when none can be reached') }),
      grid,
      cells: o({ index: z.array(z.number()), count: z.array(z.number()), z: z.array(nullable(z.number())), bin: z.array(z.number()) }).describe('significant cells, by index on the grid (row-major from the south-west)'),
      spots: z.array(o({ id: z.number(), centre: position, reports: z.number(), maxZ: z.number(), confidence: z.number(), landmarks: z.array(z.string()), zone: nullable(z.string()), village: nullable(z.string()) })),
    }).describe('with ?all=1 every cell as a GeoJSON FeatureCollection instead'),
    extra: [422, 429],
  },
  'GET /api/analysis/chronic': { json: o({ weeks: z.number(), eps_m: z.number(), minPts: z.number(), method: z.string(), spots: z.array(o({})) }), extra: [422, 429] },
  'GET /api/analysis/emerging': {
    json: o({
      method: z.string(),
      cellSize_m: z.number(),
      distanceBand_m: z.number(),
      studyArea,
      weeks: z.array(z.string()),
      grid,
      cells: o({ index: z.array(z.number()), category: z.array(z.string()), reports: z.array(z.number()), hotWeeks: z.array(z.number()), coldWeeks: z.array(z.number()), tau: z.array(nullable(z.number())), trendP: z.array(nullable(z.number())) }),
      spots: z.array(o({ category: z.string(), cells: z.array(z.number()), reports: z.number(), hotWeeks: z.number(), weeks: z.number(), trend: z.string(), centre: position })),
    }),
    extra: [422, 429],
  },
  'GET /api/analysis/time-patterns': { json: o({ from: z.string(), to: z.string(), marketDays, all: z.array(z.array(z.number())).describe('7 weekdays × 24 hours'), byCategory: z.record(z.string(), z.array(z.array(z.number()))), market: o({ marketDays: z.number(), ordinaryDays: z.number() }) }), extra: [422, 429] },
  'GET /api/analysis/areas': { json: o({ type: z.literal('FeatureCollection'), weeks: z.array(z.string()), features: z.array(o({ type: z.literal('Feature'), properties: o({}) })) }), extra: [422, 429] },
  'GET /api/analysis/density': { json: o({ radius_m: z.number(), lattice_m: z.number(), method: z.string(), peaks: z.array(o({ lon: z.number(), lat: z.number(), densityPerKm2: z.number() })) }), extra: [422, 429] },
  'GET /api/users': { json: o({ users: z.array(person) }) },
  'POST /api/users': { statuses: [201], json: person, extra: [409, 422] },
  'PATCH /api/users/:id': { json: person, extra: [409, 422] },
  'PATCH /api/categories/:code': { json: category, extra: [422] },
  'POST /api/areas': { statuses: [201], json: area, extra: [409, 422] },
  'PATCH /api/areas/:id': { json: area.extend({ responsibleName: nullable(z.string()), responsiblePhone: nullable(z.string()) }), extra: [422] },
  'GET /api/audit': { json: o({ entries: z.array(o({ id: z.number(), at: instant, action: z.string(), target: nullable(z.string()) })) }) },
  'GET /api/export/:file': file({ 'application/geo+json': 'reports.geojson', 'text/csv': 'reports.csv (UTF-8 with a byte-order mark)', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'reports.xlsx' }, [429]),
  'POST /api/import/reports': {
    json: o({ dryRun: z.boolean(), total: z.number(), imported: z.number(), alreadyThere: z.number(), errors: z.array(o({ line: z.number(), problems: z.array(z.string()) })), pastDeadline: o({ rows: z.number(), treatment: z.enum(['waive', 'charge']), message: z.string() }) }),
    extra: [413, 415, 422, 429],
  },
  'POST /api/import/boundaries': {
    json: o({ crs: z.string(), notes: z.array(z.string()), dryRun: z.boolean(), total: z.number(), inserted: z.number(), updated: z.number(), rerouted: z.number(), rows: z.array(o({ line: z.number(), code: nullable(z.string()), problems: z.array(z.string()) })), fileProblems: z.array(z.string()) }),
    extra: [413, 415, 422, 429],
  },
  'POST /api/import/basemap': { json: o({ dryRun: z.boolean(), file: z.string(), total: z.number(), unnamedRoads: z.number(), namedLandmarks: z.number(), read: z.number(), replaced: z.number() }), extra: [413, 415, 422, 429] },
  'GET /api/county/townships': { json: o({ townships: z.array(township.extend({ open: z.number(), overdue: z.number(), closedThisWeek: z.number(), dueThisWeek: z.number(), onTimeRate: nullable(z.number()) })) }) },
  'POST /api/county/townships': {
    statuses: [200, 201],
    json: o({ dryRun: z.boolean(), created: z.boolean(), file: o({ name: z.string(), format: z.string(), crs: z.string(), encoding: nullable(z.string()), notes: z.array(z.string()) }), township: nullable(o({ code: z.string(), nameZh: z.string(), nameEn: z.string(), timezone: z.string(), areaKm2: z.number(), bbox })), problems: z.array(z.string()) }).describe('200 for a dry run, 201 when the township was created'),
    extra: [409, 413, 415, 422, 429],
  },
  'POST /api/county/townships/:code/people': { statuses: [201], json: o({ id, username: z.string(), displayName: z.string(), role, township: o({ code: z.string(), nameZh: z.string() }) }), extra: [409, 422] },
  'PUT /api/county/viewing': { json: o({ code: z.string(), nameZh: z.string(), nameEn: z.string() }) },
  'GET /api/api-keys': { json: o({ keys: z.array(apiKey) }) },
  'POST /api/api-keys': { statuses: [201], json: apiKey.extend({ key: z.string().describe('shown this once') }), extra: [422] },
  'DELETE /api/api-keys/:id': { json: o({ id, revokedAt: instant }) },
  'GET /api/webhooks': { json: o({ webhooks: z.array(webhook) }) },
  'POST /api/webhooks': { statuses: [201], json: webhook, extra: [422] },
  'DELETE /api/webhooks/:id': { json: o({ id, active: z.boolean() }) },
  'GET /api/openapi.json': { json: o({ openapi: z.string(), info: o({}), paths: o({}) }) },
  'GET /api/docs': file({ 'text/html': 'the document as a page' }),
} satisfies Record<RouteKey, Answer>;

/** The answer of a route, for code that takes any route. */
export const answerOf = (key: RouteKey): Answer => ANSWERS[key];

/**
 * The failure statuses of a route: those of its kind (400 for input it validates, 401 and 403 for a guarded route,
 * 404 for one that names something in its path, 503 while the database cannot be reached) and its own.
 */
export function errorStatuses(key: RouteKey, opts: { validates: boolean; anyone: boolean }): number[] {
  const [method, path] = key.split(' ') as [string, string];
  const s = new Set<number>(answerOf(key).extra ?? []);
  if (opts.validates || method !== 'GET') s.add(400);
  if (!opts.anyone) {
    s.add(401);
    s.add(403);
  }
  if (path.includes(':')) s.add(404);
  if (method !== 'GET') s.add(413);
  if (key !== 'GET /api/openapi.json' && key !== 'GET /api/docs') s.add(503);
  return [...s].sort((a, b) => a - b);
}

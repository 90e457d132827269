import { z } from 'zod';
import { REPORT_SORTS, REPORT_STATUSES } from '../domain/reports.ts';
import { BULK_MAX, NOTE_MAX, PHOTOS_MAX, SEARCH_MAX } from '../domain/limits.ts';
import { ACTIONS } from '../domain/lifecycle.ts';
import { AREA_KINDS } from '../domain/routing.ts';

// Shapes of what clients send, shared by the routes (and readable by the web through AppType).

/** A comma-separated list in a query string, each item checked by its own schema. */
export const csv = <T extends z.ZodType<string>>(item: T, what: string, maxLength = 2000) =>
  z
    .string()
    .max(maxLength)
    .transform((s, ctx) => {
      const out: z.infer<T>[] = [];
      for (const p of s.split(',').map((x) => x.trim()).filter(Boolean)) {
        const r = item.safeParse(p);
        if (!r.success) {
          ctx.addIssue({ code: 'custom', message: `"${p.slice(0, 60)}" is not a valid ${what}` });
          return z.NEVER;
        }
        out.push(r.data);
      }
      return out;
    });

/**
 * A number in a query string. An empty value counts as absent (not as 0, which Number('') would give), and
 * text that is not a finite number is refused.
 */
export const queryNumber = <T extends z.ZodType<number>>(n: T) =>
  z.preprocess((v) => (typeof v === 'string' ? (v.trim() === '' ? undefined : Number(v)) : v), n);

export const dateOrDateTime = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: 'use a date (2026-11-29) or a date-time with offset (2026-11-29T08:00:00+08:00)',
});

/** Wider than any county: a bigger box is a mistake (or an attempt to read everything at once). */
export const BBOX_MAX_SPAN_DEG = 5;

export const bboxParam = z
  .string()
  .transform((s, ctx) => {
    const n = s.split(',').map((p) => Number(p.trim()));
    if (n.length !== 4 || n.some((v) => !Number.isFinite(v))) {
      ctx.addIssue({ code: 'custom', message: 'bbox must be four numbers: minLon,minLat,maxLon,maxLat' });
      return z.NEVER;
    }
    const [minLon, minLat, maxLon, maxLat] = n as [number, number, number, number];
    if (minLon < -180 || maxLon > 180 || minLat < -90 || maxLat > 90 || minLon > maxLon || minLat > maxLat) {
      ctx.addIssue({ code: 'custom', message: 'bbox must be minLon,minLat,maxLon,maxLat within WGS84 ranges, min before max' });
      return z.NEVER;
    }
    if (maxLon - minLon > BBOX_MAX_SPAN_DEG || maxLat - minLat > BBOX_MAX_SPAN_DEG) {
      ctx.addIssue({ code: 'custom', message: `a bbox spans at most ${BBOX_MAX_SPAN_DEG}° each way (a county); leave it out for the whole township` });
      return z.NEVER;
    }
    return [minLon, minLat, maxLon, maxLat] as [number, number, number, number];
  });

export const photoId = z.string().regex(/^[0-9a-f]{64}$/, 'photo ids are the ids POST /api/photos returned');

export const categoryCode = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'category codes are lower-case letters, digits and _');

export const reportQuery = z.object({
  bbox: bboxParam.optional(),
  category: csv(categoryCode, 'category code').optional(),
  status: csv(z.enum(REPORT_STATUSES), `status (${REPORT_STATUSES.join(', ')})`).optional(),
  zone: z.uuid('zone must be an area id').optional(),
  village: z.uuid('village must be an area id').optional(),
  from: dateOrDateTime.optional(),
  to: dateOrDateTime.optional(),
  /** Only these reports (a phone asking after the ones it sent): at most 200. */
  ids: csv(z.uuid(), 'report id', 200 * 37).optional(),
  limit: queryNumber(z.number().int().min(1).max(10_000, 'limit is at most 10000; narrow the filters or page by date')).optional(),
});
export type ReportQuery = z.infer<typeof reportQuery>;

const urgency = z.enum(['normal', 'urgent'], { error: '紧急程度只能是“紧急”或“一般”。urgency is urgent or normal.' });

export const newReportBody = z.strictObject({
  category: categoryCode,
  lon: z.number().min(-180).max(180),
  lat: z.number().min(-90).max(90),
  accuracyM: z.number().min(0).max(100_000).optional(),
  /** Where the spot came from: the phone's fix, or placed on the map by hand (then accuracyM is left out). */
  placedBy: z.enum(['gps', 'hand']).optional(),
  description: z.string().max(NOTE_MAX, `a description is at most ${NOTE_MAX} characters`).optional(),
  capturedAt: z.iso.datetime({ offset: true, error: 'capturedAt must be an ISO date-time with offset' }).optional(),
  photoIds: z.array(photoId).max(PHOTOS_MAX, `at most ${PHOTOS_MAX} photos per report`).optional(),
  sentAt: z.iso.datetime({ offset: true, error: 'sentAt must be an ISO date-time with offset (the phone clock when sending)' }).optional(),
  /** 紧急 'urgent' or 一般 'normal' (the default): an urgent item gets its category's urgent limit. */
  urgency: urgency.optional(),
});

export const nearbyQuery = z.object({
  category: categoryCode,
  lon: queryNumber(z.number().min(-180).max(180)),
  lat: queryNumber(z.number().min(-90).max(90)),
});

export const transitionBody = z.strictObject({
  action: z.enum(ACTIONS, { error: `action must be one of ${ACTIONS.join(', ')}` }),
  note: z.string().max(NOTE_MAX).optional(),
  photoIds: z.array(photoId).max(PHOTOS_MAX).optional(),
  /** dispatch: the zone, village or unit it goes to. */
  toAreaId: z.uuid('toAreaId must be an area id').optional(),
  /** notify, dispatch: the person who is to answer for it, instead of the one found for the area. */
  toAssigneeId: z.uuid('toAssigneeId must be a person id').optional(),
  /** notify, dispatch: 紧急 or 一般; the deadline is set by it. */
  urgency: urgency.optional(),
  /** extend: the new deadline asked for: an instant, or a day (then the end of that working day, 17:30 local). */
  until: z
    .string()
    .refine((v) => /^\d{4}-\d{2}-\d{2}$/.test(v) || z.iso.datetime({ offset: true }).safeParse(v).success, { error: '延期日期格式应为 2026-12-05 或带时区的时间。until is a date (2026-12-05) or an ISO date-time with offset.' })
    .optional(),
  /** The item this one repeats: its case number (NJ-2026-000123) or id. */
  duplicateOf: z
    .string()
    .trim()
    .max(40)
    .refine((v) => z.uuid().safeParse(v).success || /^([A-Za-z][A-Za-z0-9]{0,7}-)?\d{4}-\d{1,9}$/.test(v.replace(/[－—–]/g, '-')), {
      error: '重复问题须填写案件编号(如 NJ-2026-000123)。duplicateOf must be a case number (e.g. NJ-2026-000123) or a report id.',
    })
    .optional(),
  version: z.number().int().min(1).optional(),
});

export const bulkTransitionBody = z.strictObject({
  ids: z.array(z.uuid('report ids are UUIDs')).min(1).max(BULK_MAX, `一次最多处理 ${BULK_MAX} 条。At most ${BULK_MAX} items at a time.`),
  action: z.enum(['notify', 'urge'], { error: '批量操作只能是通知整改或催办。The bulk action is notify or urge.' }),
  note: z.string().max(NOTE_MAX).optional(),
});

export const sightingBody = z.strictObject({
  note: z.string().max(NOTE_MAX).optional(),
  photoIds: z.array(photoId).max(PHOTOS_MAX).optional(),
});

const searchText = z.string().trim().min(1, 'the search is empty').max(SEARCH_MAX, `a search is at most ${SEARCH_MAX} characters`);

export const ledgerQuery = reportQuery.extend({
  overdue: z.enum(['0', '1']).optional(),
  /** Only open items due within the next DUE_SOON_HOURS (not yet late). */
  dueSoon: z.enum(['0', '1']).optional(),
  /** Only 紧急 (urgent) or only 一般 (normal) items. */
  urgency: z.enum(['normal', 'urgent'], { error: '紧急程度只能是“紧急”或“一般”。urgency is urgent or normal.' }).optional(),
  sort: z.enum(REPORT_SORTS, { error: `sort is one of ${REPORT_SORTS.join(', ')}` }).optional(),
  dir: z.enum(['asc', 'desc']).optional(),
  offset: queryNumber(z.number().int().min(0).max(1_000_000)).optional(),
  /** A case number, words of the description, or a street or landmark. */
  q: searchText.optional(),
});

export const searchQuery = z.object({ q: searchText });

export const ratesQuery = z.object({
  period: z
    .string()
    .regex(/^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$/, '统计周期为月(2026-11)、季度(2026-Q4)或年(2026)。period is a month 2026-11, a quarter 2026-Q4 or a year 2026.')
    .optional(),
  by: z.enum(['area', 'person', 'category']).optional(),
});

export const monthQuery = z.object({
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'month is YYYY-MM').optional(),
});

export const idempotencyHeader = z.object({
  'idempotency-key': z.uuid('Idempotency-Key must be a UUID made by the client').optional(),
});

export const areaQuery = z.object({
  kind: csv(z.enum(AREA_KINDS), 'area kind').optional(),
});

const digits = z.array(z.number().int().min(0).max(9)).min(1).max(10);
const ymd = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, '日期格式应为 2027-01-01。A day is YYYY-MM-DD.');

export const calendarQuery = z.object({ year: queryNumber(z.number().int().min(2000).max(2100)).optional() });

const weight = z.number().min(0).max(10);
/** The township's evaluation: the weights of the score (any scale; they are divided by their sum) and the re-inspection limit. */
export const evaluationBody = z.strictObject({
  weights: z
    .strictObject({ close: weight, onTime: weight, rework: weight })
    .refine((w) => w.close + w.onTime + w.rework > 0, { error: '权重不能全为零。The weights cannot all be zero.' }),
  verifyHours: z.number().int().min(1).max(24 * 14),
});

export const calendarBody = z.strictObject({
  /** Days the office marks off ('holiday'), worked ('workday'), or back to the shipped calendar (null); one year. */
  days: z
    .array(z.strictObject({ day: ymd, kind: z.enum(['holiday', 'workday']).nullable(), note: z.string().max(100).optional() }))
    .min(1)
    .max(366)
    .refine((d) => new Set(d.map((x) => x.day.slice(0, 4))).size === 1, { error: '一次只能修改同一年的日期。Change one year at a time.' }),
});

export const marketDaysBody = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('solar'), dayEndings: digits }),
  z.strictObject({ kind: z.literal('lunar'), dayEndings: digits }),
  z.strictObject({ kind: z.literal('weekdays'), days: z.array(z.number().int().min(0).max(6)).min(1).max(7) }),
]);

const roleEnum = z.enum(['admin', 'leader', 'office', 'inspector', 'cleaner', 'unit']);
const phone = z.string().regex(/^[0-9+\- ]{3,20}$/, 'a phone number is digits, spaces, + and -');
const name = z.string().trim().min(1).max(100);

export const newUserBody = z.strictObject({
  username: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,39}$/, 'user names are 2–40 lower-case letters, digits, . _ -'),
  displayName: name,
  role: roleEnum,
  // The length, kinds and strength are the service's to judge (one message in both languages for every path).
  password: z.string().min(1, 'give a password').max(200),
  areaId: z.uuid('areaId must be an area id').optional(),
  phone: phone.optional(),
});

const somethingToChange = (o: object) => Object.keys(o).length > 0;
const NOTHING = { error: 'send at least one field to change' };

export const userPatchBody = z.strictObject({
  displayName: name.optional(),
  role: roleEnum.optional(),
  areaId: z.uuid('areaId must be an area id').nullable().optional(),
  phone: phone.nullable().optional(),
  active: z.boolean().optional(),
  password: z.string().min(1, 'give a password').max(200).optional(),
  /** Ask the person to choose a new password at the next sign-in (and at once, in open sessions). */
  mustChangePassword: z.boolean().optional(),
}).refine(somethingToChange, NOTHING);

export const categoryPatchBody = z.strictObject({
  nameZh: name.optional(),
  nameEn: name.optional(),
  color: z.string().regex(/^#[0-9a-f]{6}$/i, 'colours are #rrggbb').optional(),
  deadlineHours: z.number().int().min(1).max(24 * 90).optional(),
  /** How deadlineHours is read: calendar hours, working hours (08:30–17:30 on working days) or working days. */
  deadlineUnit: z.enum(['hours', 'working_hours', 'working_days']).optional(),
  /** The limit of an urgent (紧急) item in the same unit; null: half the normal limit. */
  urgentHours: z.number().int().min(1).max(24 * 90).nullable().optional(),
  deductionYuan: z.number().min(0).max(10_000).optional(),
  scorePoints: z.number().min(0).max(100).optional(),
  active: z.boolean().optional(),
  sameDay: z.boolean().optional(),
}).refine(somethingToChange, NOTHING);

const position = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);
const ring = z.array(position).min(4).max(20_000);
export const areaGeometry = z.union([
  z.strictObject({ type: z.literal('Polygon'), coordinates: z.array(ring).min(1).max(100) }),
  z.strictObject({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(ring).min(1).max(100)).min(1).max(100) }),
]);

export const areaPatchBody = z.strictObject({
  nameZh: name.optional(),
  nameEn: name.optional(),
  responsibleName: z.string().trim().max(100).nullable().optional(),
  responsiblePhone: phone.nullable().optional(),
  geometry: areaGeometry.optional(),
}).refine(somethingToChange, NOTHING);

export const auditQuery = z.object({
  limit: queryNumber(z.number().int().min(1).max(500)).optional(),
  before: queryNumber(z.number().int().min(1)).optional(),
});

export const apiKeyBody = z.strictObject({
  name: z.string().trim().min(1, 'name the system that will use the key').max(100),
  /** What the client's points are in: WGS84 (the default) or GCJ-02 (WeChat mini programs, Amap). */
  crs: z.enum(['wgs84', 'gcj02'], { error: 'crs is wgs84 or gcj02' }).optional(),
});

export const webhookBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  format: z.enum(['json', 'wecom', 'dingtalk'], { error: 'format is json, wecom (企业微信群机器人) or dingtalk (钉钉群机器人)' }),
  url: z.url({ protocol: /^https?$/, error: 'url must be an http(s) address' }).max(2000),
  events: z.array(z.enum(['report.overdue', 'report.due_soon', 'report.urged', 'briefing.ready'], { error: 'events are report.overdue, report.due_soon, report.urged and briefing.ready' })).min(1).max(4),
  /** DingTalk's 加签 secret (SEC…). */
  secret: z.string().trim().regex(/^SEC[0-9a-f]{20,120}$/i, "a DingTalk signing secret starts with SEC and is hexadecimal (the robot's 加签 setting)").optional(),
  /** A keyword the robot requires (自定义关键词): put into every message. */
  keyword: z.string().trim().min(1).max(20).optional(),
});

export const areaCreateBody = z.strictObject({
  kind: z.enum(AREA_KINDS),
  code: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'a code is letters, digits, - and _'),
  nameZh: name,
  nameEn: name.optional(),
  responsibleName: z.string().trim().max(100).nullable().optional(),
  responsiblePhone: phone.nullable().optional(),
  geometry: areaGeometry,
});

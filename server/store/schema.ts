import type { Generated } from 'kysely';
import type { RoutableKind } from '../domain/routing.ts';

/**
 * One Database type for both dialects. Timestamps are ISO-8601 UTC strings on both sides
 * (TEXT in SQLite, timestamptz in PostgreSQL read back as ISO strings by connect.ts).
 * Geometry is kept as GeoJSON text and plain lon/lat; the spatial indexes (SQLite R*Tree,
 * PostGIS GiST on generated geometry columns) live beside the tables and are never written directly.
 */
export interface Database {
  townships: TownshipTable;
  report_live: ReportLiveTable;
  areas: AreaTable;
  categories: CategoryTable;
  basemap_features: BasemapFeatureTable;
  users: UserTable;
  reports: ReportTable;
  report_events: ReportEventTable;
  sessions: SessionTable;
  login_failures: LoginFailureTable;
  known_devices: KnownDeviceTable;
  recovery_codes: RecoveryCodeTable;
  photos: PhotoTable;
  report_photos: ReportPhotoTable;
  deductions: DeductionTable;
  briefings: BriefingTable;
  audit_log: AuditTable;
  api_keys: ApiKeyTable;
  webhooks: WebhookTable;
  webhook_deliveries: WebhookDeliveryTable;
  deployment_secrets: DeploymentSecretTable;
  case_counters: CaseCounterTable;
  calendar_days: CalendarDayTable;
}

export interface ApiKeyTable {
  id: string;
  township_id: string;
  name: string;
  /** SHA-256 of the key; the key itself is shown once. */
  key_hash: string;
  /** The first characters, to tell keys apart in the list. */
  prefix: string;
  created_by: string | null;
  created_at: string;
  revoked_at: string | null;
  /** The coordinate system the client's points are in: 'wgs84' or 'gcj02' (WeChat, Amap). */
  crs: Generated<string>;
  last_used_at: string | null;
}

export type WebhookFormat = 'json' | 'wecom' | 'dingtalk';

export interface WebhookTable {
  id: string;
  township_id: string;
  name: string;
  format: WebhookFormat;
  url: string;
  /** JSON array of event names. */
  events: string;
  active: Generated<number>;
  created_at: string;
  /** DingTalk's signing secret (加签, SEC…): each message is sent with a timestamp and its HMAC-SHA256. */
  secret: string | null;
  /** A word the robot requires in every message (its 自定义关键词). */
  keyword: string | null;
}

export interface DeploymentSecretTable {
  name: string;
  value: string;
}

export interface WebhookDeliveryTable {
  id: Generated<number>;
  webhook_id: string;
  event: string;
  event_key: string;
  payload: string;
  attempts: Generated<number>;
  next_attempt_at: string;
  delivered_at: string | null;
  failed_at: string | null;
  last_error: string | null;
  created_at: string;
}

export interface AuditTable {
  id: Generated<number>;
  /** Null for what is done at the county level (a county person created). */
  township_id: string | null;
  at: string;
  actor_id: string | null;
  /** The user name, or how the change was made ("command line"). */
  actor_name: string;
  action: string;
  /** What was changed: "user:cleaner1", "area:<id>", "category:exposed_garbage"… */
  target: string;
  /** JSON: the fields before and after. */
  detail: string | null;
}

export interface BriefingTable {
  township_id: string;
  /** ISO week, YYYY-Www. */
  week: string;
  generated_at: string;
  generated_by: string | null;
  /** The briefing's figures as JSON, so a past week always reads the same. */
  data: string;
}

export interface TownshipTable {
  id: string;
  code: string;
  name_zh: string;
  name_en: string;
  /** GeoJSON Polygon or MultiPolygon, WGS84. */
  boundary: string;
  timezone: string;
  created_at: string;
  /** JSON MarketDayRule: when the township holds its market (赶集日). */
  market_days: Generated<string>;
  /** What its case numbers start with (NJ in NJ-2026-000123); null: from its name, when first needed. */
  case_prefix: Generated<string | null>;
  /** JSON Evaluation: the weights of the score and the re-inspection limit; null: the defaults. */
  evaluation: Generated<string | null>;
}

export interface CaseCounterTable {
  township_id: string;
  year: number;
  /** The last number given in that township and year. */
  last: number;
}

export type AreaKind = RoutableKind;

export interface AreaTable {
  id: string;
  township_id: string;
  kind: AreaKind;
  code: string;
  name_zh: string;
  name_en: string;
  /** GeoJSON Polygon or MultiPolygon, WGS84. */
  polygon: string;
  min_lon: number;
  min_lat: number;
  max_lon: number;
  max_lat: number;
  responsible_name: string | null;
  responsible_phone: string | null;
  created_at: string;
  updated_at: string;
}

export interface CategoryTable {
  township_id: string;
  code: string;
  name_zh: string;
  name_en: string;
  /** #rrggbb */
  color: string;
  deadline_hours: number;
  deduction_yuan: number;
  sort_order: number;
  active: number;
  /** 1: the deadline is the end of the local day it was notified ("日产日清"). */
  same_day: number;
  /** Points off the responsible area's monthly score per missed deadline. */
  score_points: number;
  duplicate_radius_m: number;
  /** Who answers for an item: the cleaning zone / village ('area') or the unit at the spot ('unit'). */
  responsibility: 'area' | 'unit';
  /** How deadline_hours is read: calendar 'hours', 'working_hours' or 'working_days' (then it counts days). */
  deadline_unit: Generated<DeadlineUnit>;
  /** The limit of an urgent (紧急) item, in deadline_unit; null: half the normal limit, rounded up. */
  urgent_hours: Generated<number | null>;
}

export type DeadlineUnit = 'hours' | 'working_hours' | 'working_days';

export interface CalendarDayTable {
  township_id: string;
  /** Local YYYY-MM-DD. */
  day: string;
  kind: 'holiday' | 'workday';
  note: string | null;
}

export interface BasemapFeatureTable {
  id: Generated<number>;
  township_id: string;
  layer: 'road' | 'landmark' | 'water';
  kind: string;
  name_zh: string | null;
  name_en: string | null;
  /** GeoJSON geometry, WGS84. */
  geometry: string;
}

export type Role = 'admin' | 'leader' | 'office' | 'inspector' | 'cleaner' | 'unit' | 'county_admin' | 'county_leader';

export interface UserTable {
  id: string;
  /** Null for the county's people (county_admin, county_leader), who see every township. */
  township_id: string | null;
  username: string;
  display_name: string;
  role: Role;
  created_at: string;
  password_hash: string | null;
  /** The zone or village a cleaner owns, the unit a unit user speaks for. */
  area_id: string | null;
  phone: string | null;
  active: number;
  /** TOTP secret (base32), set while enrolling and once enrolled. */
  totp_secret: Generated<string | null>;
  /** 1 once the second factor is on: signing in then needs a code. */
  totp_enabled: Generated<number>;
  /** 1 when an administrator asked for a new password at the next sign-in: nothing else is served until then. */
  must_change_password: Generated<number>;
}

export interface RecoveryCodeTable {
  user_id: string;
  /** SHA-256 of a one-time recovery code. */
  code_hash: string;
  used_at: string | null;
}

export interface SessionTable {
  id: string;
  user_id: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  /** The township a county person is looking at. */
  township_id: string | null;
}

export interface KnownDeviceTable {
  /** SHA-256 of the device cookie's token. */
  id: string;
  user_id: string;
  created_at: string;
  last_used_at: string;
}

export interface LoginFailureTable {
  id: Generated<number>;
  key: string;
  at: string;
}

export interface PhotoTable {
  id: string;
  township_id: string;
  mime: string;
  bytes: number;
  width: number;
  height: number;
  taken_at: string | null;
  uploaded_by: string | null;
  created_at: string;
}

export interface ReportPhotoTable {
  report_id: string;
  photo_id: string;
  kind: 'before' | 'after' | 'sighting';
  event_id: number | null;
  added_at: string;
}

export interface DeductionTable {
  id: Generated<number>;
  township_id: string;
  report_id: string;
  area_id: string;
  person_id: string | null;
  category_code: string;
  deadline_at: string;
  amount_yuan: number;
  points: number;
  /** Local YYYY-MM of the missed deadline. */
  month: string;
  created_at: string;
}

export type ReportStatus = 'reported' | 'notified' | 'rectified' | 'closed' | 'rejected' | 'duplicate';

export interface ReportTable {
  /** Insertion order; also the key of the SQLite R*Tree. */
  seq: Generated<number>;
  id: string;
  /** The case number (案件编号) people read and type, NJ-2026-000123: given when the item is stored. */
  case_no: Generated<string | null>;
  township_id: string;
  category_code: string;
  lon: number;
  lat: number;
  accuracy_m: number | null;
  description: string | null;
  status: ReportStatus;
  zone_id: string | null;
  village_id: string | null;
  unit_id: string | null;
  reporter_id: string | null;
  duplicate_of: string | null;
  /** The phone's clock at capture, as sent. */
  captured_at: string | null;
  /** The server's clock when the report arrived. */
  received_at: string;
  /** When the problem was seen: captured_at when plausible, else received_at. Filters and analysis use this. */
  observed_at: string;
  deadline_at: string | null;
  closed_at: string | null;
  updated_at: string;
  idempotency_key: string | null;
  /** The person asked to rectify: the zone's cleaner, the village head, or the unit. */
  assignee_id: string | null;
  /** The area that answers for the item in deductions and scores. */
  responsible_area_id: string | null;
  rectified_by: string | null;
  /** A closed item at the same spot that this one brings back. */
  recurrence_of: string | null;
  /** Bumped by every transition, so a client acting on an old view is told so. */
  version: Generated<number>;
  sightings: Generated<number>;
  /** Where the report came from: 'app', 'open311', 'import' (past deadlines at import waived), 'import_charged'. */
  source: Generated<string>;
  /** A photo link given by an Open311 client. */
  media_url: string | null;
  /** Parked (挂账) since then, out of overdue and of what had to be closed; null when not parked. */
  parked_at: Generated<string | null>;
  /** The deadline the item had when it was parked. */
  parked_deadline_at: Generated<string | null>;
  /** The new deadline the responsible party asked for, waiting for the office's answer. */
  extension_until: Generated<string | null>;
  /** 紧急 'urgent' or 一般 'normal': an urgent item gets its category's urgent limit. */
  urgency: Generated<Urgency>;
}

export type Urgency = 'normal' | 'urgent';

/**
 * What the duplicate check reads: the open and lately closed reports, kept in step with reports by triggers
 * and keyed by township, category and cells of 1/5000° (see the live-items migration); never written by the app.
 */
export interface ReportLiveTable {
  township_id: string;
  category_code: string;
  cy: number;
  cx: number;
  seq: number;
  id: string;
  status: ReportStatus;
  closed_at: string | null;
  lon: number;
  lat: number;
}

export interface ReportEventTable {
  id: Generated<number>;
  report_id: string;
  township_id: string;
  type: string;
  from_status: ReportStatus | null;
  to_status: ReportStatus | null;
  actor_id: string | null;
  at: string;
  note: string | null;
  /** JSON object or null. */
  data: string | null;
  /** The phone's Idempotency-Key for an action sent from its outbox: one event per key and item. */
  idempotency_key: Generated<string | null>;
}

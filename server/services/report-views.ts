import type { Deps } from './context.ts';
import { CACHE_TTL_MS, townshipRouter } from './context.ts';
import type { TownshipRow } from '../store/townships.ts';
import type { ReportRow } from '../store/reports.ts';
import { listUsers, type UserRow } from '../store/users.ts';
import { listCategories, type CategoryRow } from '../store/categories.ts';
import type { RoutableArea } from '../domain/routing.ts';
import { isOverdue } from '../domain/responsibility.ts';
import type { ReportStatus } from '../domain/reports.ts';
import type { Actor, ItemState } from '../domain/lifecycle.ts';
import type { SessionUser } from './auth.ts';

// How a report row becomes what the API shows: names instead of ids, and whether it is late.

export interface AreaRef {
  id: string;
  kind: RoutableArea['kind'];
  code: string;
  nameZh: string;
  nameEn: string;
}

export interface PersonRef {
  id: string;
  displayName: string;
  role: string;
}

export interface ReportView {
  id: string;
  /** The case number people read and type (NJ-2026-000123). */
  caseNo: string | null;
  category: string;
  lon: number;
  lat: number;
  accuracyM: number | null;
  description: string | null;
  status: ReportStatus;
  overdue: boolean;
  zone: AreaRef | null;
  village: AreaRef | null;
  unit: AreaRef | null;
  responsibleArea: AreaRef | null;
  assignee: PersonRef | null;
  duplicateOf: string | null;
  recurrenceOf: string | null;
  sightings: number;
  version: number;
  capturedAt: string | null;
  receivedAt: string;
  observedAt: string;
  deadlineAt: string | null;
  closedAt: string | null;
  updatedAt: string;
  /** Parked (挂账) since; null when not. */
  parkedAt: string | null;
  /** An extension asked for and not yet answered: the deadline asked for. */
  extensionUntil: string | null;
  /** 紧急 'urgent' or 一般 'normal'. */
  urgency: 'normal' | 'urgent';
}

export interface ViewContext {
  areas: Map<string, RoutableArea>;
  users: Map<string, UserRow>;
  categories: Map<string, CategoryRow>;
  now: string;
}

/** Everything needed to show reports of a township, loaded once per request. */
export async function viewContext(deps: Deps, township: TownshipRow): Promise<ViewContext> {
  const { areas } = await townshipRouter(deps, township);
  const hit = deps.cache.people.get(township.id);
  const fresh = hit && Date.now() - hit.at < CACHE_TTL_MS;
  const [users, categories] = fresh
    ? [hit.users, hit.categories]
    : await Promise.all([listUsers(deps.store.db, township.id), listCategories(deps.store.db, township.id)]);
  if (!fresh) deps.cache.people.set(township.id, { users, categories, at: Date.now() });
  return {
    areas: new Map(areas.map((a) => [a.id, a])),
    users: new Map(users.map((u) => [u.id, u])),
    categories: new Map(categories.map((c) => [c.code, c])),
    now: deps.now().toISOString(),
  };
}

export function areaRef(a: RoutableArea | undefined | null): AreaRef | null {
  return a ? { id: a.id, kind: a.kind, code: a.code, nameZh: a.nameZh, nameEn: a.nameEn } : null;
}

export function personRef(u: UserRow | undefined | null): PersonRef | null {
  return u ? { id: u.id, displayName: u.display_name, role: u.role } : null;
}

export function toView(row: ReportRow, ctx: ViewContext): ReportView {
  const area = (id: string | null) => (id ? areaRef(ctx.areas.get(id)) : null);
  return {
    id: row.id,
    caseNo: row.case_no,
    category: row.category_code,
    lon: row.lon,
    lat: row.lat,
    accuracyM: row.accuracy_m,
    description: row.description,
    status: row.status,
    overdue: isOverdue(row.status, row.deadline_at, ctx.now),
    zone: area(row.zone_id),
    village: area(row.village_id),
    unit: area(row.unit_id),
    responsibleArea: area(row.responsible_area_id),
    assignee: row.assignee_id ? personRef(ctx.users.get(row.assignee_id)) : null,
    duplicateOf: row.duplicate_of,
    recurrenceOf: row.recurrence_of,
    sightings: row.sightings,
    version: row.version,
    capturedAt: row.captured_at,
    receivedAt: row.received_at,
    observedAt: row.observed_at,
    deadlineAt: row.deadline_at,
    closedAt: row.closed_at,
    updatedAt: row.updated_at,
    parkedAt: row.parked_at,
    extensionUntil: row.extension_until,
    urgency: row.urgency,
  };
}

/** What the state machine needs to know about an item. */
export function itemState(row: ReportRow): ItemState {
  return {
    status: row.status,
    zoneId: row.zone_id,
    villageId: row.village_id,
    unitId: row.unit_id,
    responsibleAreaId: row.responsible_area_id,
    rectifiedBy: row.rectified_by,
    assigneeId: row.assignee_id,
    parkedAt: row.parked_at,
    extensionUntil: row.extension_until,
  };
}

export function actorOf(user: SessionUser): Actor {
  return { id: user.id, role: user.role, areaId: user.areaId };
}

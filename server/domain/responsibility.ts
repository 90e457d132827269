import { addWorkingDays, addWorkingHours, type WorkCalendar } from './working-time.ts';
import { tzOffsetMs } from './calendar.ts';
import { distanceMetres, type Position } from './geo.ts';
import type { ReportStatus } from './reports.ts';

// Who answers for an item, by when, and whether it is late.

export interface Place {
  zoneId: string | null;
  villageId: string | null;
  unitId: string | null;
}

/**
 * The area that answers for an item: the unit at the spot for unit-duty categories (office areas),
 * otherwise the cleaning zone, or the village outside the zones.
 */
export function responsibleArea(place: Place, responsibility: 'area' | 'unit'): string | null {
  if (responsibility === 'unit' && place.unitId) return place.unitId;
  return place.zoneId ?? place.villageId;
}

export interface DeadlineRule {
  /** The limit, in `unit` (hours, working hours, or working days). */
  deadlineHours: number;
  /** "日产日清": due by the end of the local day it was notified. */
  sameDay: boolean;
  unit?: 'hours' | 'working_hours' | 'working_days' | undefined;
  /** Needed for a limit in working time. */
  calendar?: WorkCalendar | undefined;
}

/**
 * The rule for an urgent (紧急) item: the category's urgent limit in the same unit, or half the normal limit rounded
 * up; never "by the end of the day", since an urgent item cannot wait for the evening round.
 */
export function urgentRule(rule: DeadlineRule, urgentLimit: number | null | undefined): DeadlineRule {
  const sameDayHours = 24;
  const base = rule.sameDay ? sameDayHours : rule.deadlineHours;
  return { ...rule, sameDay: false, unit: rule.sameDay ? 'hours' : rule.unit, deadlineHours: urgentLimit ?? Math.max(1, Math.ceil(base / 2)) };
}

/** Less than this left in the day, and a same-day item is due by the end of the next day instead. */
export const SAME_DAY_MIN_HOURS = 3;

/** The deadline for an item notified at `at` in the township's time zone. */
export function deadlineFor(rule: DeadlineRule, at: string, timeZone: string): string {
  const t = Date.parse(at);
  if (!rule.sameDay && rule.calendar && rule.unit === 'working_hours') return new Date(addWorkingHours(t, rule.deadlineHours, rule.calendar, timeZone)).toISOString();
  if (!rule.sameDay && rule.calendar && rule.unit === 'working_days') return new Date(addWorkingDays(t, rule.deadlineHours, rule.calendar, timeZone)).toISOString();
  if (!rule.sameDay) return new Date(t + rule.deadlineHours * 3600_000).toISOString();
  const offset = tzOffsetMs(timeZone, t);
  const localMidnightAfter = Math.floor((t + offset) / 86_400_000) * 86_400_000 + 86_400_000 - offset;
  const end = localMidnightAfter - 1000;
  return new Date(end - t < SAME_DAY_MIN_HOURS * 3600_000 ? end + 86_400_000 : end).toISOString();
}

/** Late: still waiting for rectification after its deadline. */
export function isOverdue(status: ReportStatus, deadlineAt: string | null, now: string): boolean {
  return (status === 'reported' || status === 'notified') && deadlineAt !== null && deadlineAt < now;
}

/** Whole days past the deadline (0 when not late). */
export function daysOverdue(deadlineAt: string | null, now: string): number {
  if (!deadlineAt || deadlineAt >= now) return 0;
  return Math.floor((Date.parse(now) - Date.parse(deadlineAt)) / 86_400_000);
}

export interface NearbyCandidate {
  id: string;
  status: ReportStatus;
  lon: number;
  lat: number;
  closedAt: string | null;
}

export const RECURRENCE_DAYS = 14;

/**
 * Open items within the radius (possible duplicates, nearest first), and the item this one brings
 * back: the nearest closed within the last 14 days.
 */
export function classifyNearby(
  at: Position,
  radiusM: number,
  now: string,
  candidates: readonly NearbyCandidate[],
): { open: (NearbyCandidate & { distanceM: number })[]; recurrenceOf: string | null } {
  const within = candidates
    .map((c) => ({ ...c, distanceM: Math.round(distanceMetres(at, [c.lon, c.lat]) * 10) / 10 }))
    .filter((c) => c.distanceM <= radiusM)
    .sort((a, b) => a.distanceM - b.distanceM);
  const open = within.filter((c) => c.status === 'reported' || c.status === 'notified' || c.status === 'rectified');
  const since = new Date(Date.parse(now) - RECURRENCE_DAYS * 86_400_000).toISOString();
  const recurrence = within.find((c) => c.status === 'closed' && c.closedAt !== null && c.closedAt >= since);
  return { open, recurrenceOf: recurrence?.id ?? null };
}

/** Degrees of longitude and latitude that cover a radius in metres around a latitude (for a bbox pre-filter). */
export function radiusInDegrees(lat: number, radiusM: number): { dLon: number; dLat: number } {
  const dLat = radiusM / 110_574;
  const dLon = radiusM / (111_320 * Math.max(0.01, Math.cos((lat * Math.PI) / 180)));
  return { dLon, dLat };
}

import { localDate, localWallClockUtc, nextLocalDate } from './calendar.ts';

// Deadlines in working time, as a city-management centre counts them (CJ/T 315's time limits): working hours
// between 08:30 and 17:30 on working days — Monday to Friday, except statutory holidays, plus the weekend days
// made working days in exchange (调休).

export interface WorkCalendar {
  /** Local dates (YYYY-MM-DD) off work although weekdays. */
  holidays: ReadonlySet<string>;
  /** Local dates worked although at a weekend (调休). */
  workdays: ReadonlySet<string>;
  /** The working day, local [hour, minute]. */
  start: readonly [number, number];
  end: readonly [number, number];
}

export const DEFAULT_HOURS = { start: [8, 30] as const, end: [17, 30] as const };

export function isWorkingDay(ymd: string, cal: WorkCalendar): boolean {
  if (cal.workdays.has(ymd)) return true;
  if (cal.holidays.has(ymd)) return false;
  const wd = new Date(`${ymd}T12:00:00Z`).getUTCDay();
  return wd !== 0 && wd !== 6;
}

const at = (ymd: string, hm: readonly [number, number], tz: string) => {
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
  return localWallClockUtc(y, m, d, hm[0], hm[1], 0, tz);
};

/** The length of a working day in hours (9 for 08:30–17:30). */
export const workingDayHours = (cal: WorkCalendar) => (cal.end[0] * 60 + cal.end[1] - cal.start[0] * 60 - cal.start[1]) / 60;

/**
 * The instant `hours` working hours after `fromMs`: time outside working hours does not count, so an item
 * reported on a Friday evening with 4 working hours is due on Monday at 12:30 (or later, over a holiday).
 */
export function addWorkingHours(fromMs: number, hours: number, cal: WorkCalendar, tz: string): number {
  let left = hours * 3_600_000;
  let day = localDate(fromMs, tz);
  let t = fromMs;
  for (let guard = 0; guard < 3660; guard++) {
    if (isWorkingDay(day, cal)) {
      const open = at(day, cal.start, tz);
      const close = at(day, cal.end, tz);
      const begin = Math.max(t, open);
      if (begin < close) {
        if (begin + left <= close) return begin + left;
        left -= close - begin;
      }
    }
    day = nextLocalDate(day);
    t = at(day, [0, 0], tz);
  }
  throw new Error('No working time within ten years: the calendar marks every day off.');
}

/** `days` working days after `fromMs`, at the same point of the working day (a working day is its hours). */
export function addWorkingDays(fromMs: number, days: number, cal: WorkCalendar, tz: string): number {
  return addWorkingHours(fromMs, days * workingDayHours(cal), cal, tz);
}

export interface CalendarYear {
  year: number;
  holidays: string[];
  workdays: string[];
}

/** The shipped years with a township's own changes on top (a day it marks off, or on). */
export function calendarOf(years: readonly CalendarYear[], own: readonly { day: string; kind: 'holiday' | 'workday' }[] = []): WorkCalendar {
  const holidays = new Set(years.flatMap((y) => y.holidays));
  const workdays = new Set(years.flatMap((y) => y.workdays));
  for (const d of own) {
    if (d.kind === 'holiday') {
      holidays.add(d.day);
      workdays.delete(d.day);
    } else {
      workdays.add(d.day);
      holidays.delete(d.day);
    }
  }
  return { holidays, workdays, ...DEFAULT_HOURS };
}

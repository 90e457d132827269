import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { addWorkingDays, addWorkingHours, calendarOf, isWorkingDay, type CalendarYear } from '../../../server/domain/working-time.ts';
import { deadlineFor } from '../../../server/domain/responsibility.ts';

// Deadlines in working time over China's 2026 calendar as the State Council published it: 春节 15–23 February off,
// Saturday 14 and Saturday 28 February worked (调休).

const y2026 = JSON.parse(fs.readFileSync('data/calendar/cn-2026.json', 'utf8')) as CalendarYear;
const cal = calendarOf([y2026]);
const TZ = 'Asia/Shanghai';
const local = (s: string) => Date.parse(`${s}+08:00`);
const iso = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

describe('the working calendar', () => {
  it('knows weekends, holidays and the weekend days worked in exchange', () => {
    expect(isWorkingDay('2026-02-13', cal)).toBe(true); // Friday
    expect(isWorkingDay('2026-02-14', cal)).toBe(true); // Saturday, worked
    expect(isWorkingDay('2026-02-16', cal)).toBe(false); // Monday, 春节
    expect(isWorkingDay('2026-02-28', cal)).toBe(true); // Saturday, worked
    expect(isWorkingDay('2026-03-01', cal)).toBe(false); // Sunday
    expect(isWorkingDay('2026-10-08', cal)).toBe(true);
    expect(isWorkingDay('2026-10-10', cal)).toBe(true); // Saturday, worked after 国庆
  });

  it('counts working days over 春节 and its make-up Saturday', () => {
    // Friday 13 February 16:00, three working days: Saturday 14th (worked), then nothing until Tuesday 24th
    const due = addWorkingDays(local('2026-02-13T16:00:00'), 3, cal, TZ);
    expect(iso(due)).toBe('2026-02-25 16:00');
    // without the make-up day it would be a day later
    const noMakeUp = calendarOf([{ ...y2026, workdays: [] }]);
    expect(iso(addWorkingDays(local('2026-02-13T16:00:00'), 3, noMakeUp, TZ))).toBe('2026-02-26 16:00');
  });

  it('counts working hours only between 08:30 and 17:30', () => {
    // Friday 16:30 + 4 working hours: 1 h on Friday, 3 h on Saturday 14th (a working day) → 11:30
    expect(iso(addWorkingHours(local('2026-02-13T16:30:00'), 4, cal, TZ))).toBe('2026-02-14 11:30');
    // reported on a Sunday evening: the clock starts on Monday morning
    expect(iso(addWorkingHours(local('2026-03-01T20:00:00'), 4, cal, TZ))).toBe('2026-03-02 12:30');
    // exactly at the end of a working day
    expect(iso(addWorkingHours(local('2026-03-02T08:30:00'), 9, cal, TZ))).toBe('2026-03-02 17:30');
  });

  it('gives a category its deadline in its unit, and keeps 日产日清 as it was', () => {
    const at = new Date(local('2026-02-13T16:00:00')).toISOString();
    expect(iso(Date.parse(deadlineFor({ deadlineHours: 3, sameDay: false, unit: 'working_days', calendar: cal }, at, TZ)))).toBe('2026-02-25 16:00');
    expect(iso(Date.parse(deadlineFor({ deadlineHours: 48, sameDay: false, unit: 'hours', calendar: cal }, at, TZ)))).toBe('2026-02-15 16:00');
    expect(iso(Date.parse(deadlineFor({ deadlineHours: 3, sameDay: true, unit: 'working_days', calendar: cal }, at, TZ)))).toBe('2026-02-13 23:59');
  });

  it('takes the township’s own days on top: a local holiday, a day worked', () => {
    const own = calendarOf([y2026], [{ day: '2026-03-02', kind: 'holiday' }, { day: '2026-02-16', kind: 'workday' }]);
    expect(isWorkingDay('2026-03-02', own)).toBe(false);
    expect(isWorkingDay('2026-02-16', own)).toBe(true);
    expect(iso(addWorkingHours(local('2026-03-01T20:00:00'), 4, own, TZ))).toBe('2026-03-03 12:30');
  });
});

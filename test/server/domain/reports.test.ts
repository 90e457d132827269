import { describe, expect, it } from 'vitest';
import { deadlineFrom, observedAt } from '../../../server/domain/reports.ts';
import { describeMarketRule, isMarketDay, isoWeek, localDate, localMidnightUtc, nextLocalDate, weekStartUtc } from '../../../server/domain/calendar.ts';

describe('which clock to trust for when a problem was seen', () => {
  const received = '2026-11-29T08:00:00.000Z';

  it('believes a plausible phone capture time', () => {
    expect(observedAt('2026-11-29T06:30:00+00:00', received)).toBe('2026-11-29T06:30:00.000Z');
    expect(observedAt('2026-11-29T14:30:00+08:00', received)).toBe('2026-11-29T06:30:00.000Z');
  });

  it('falls back to the server time when the phone is hours ahead', () => {
    expect(observedAt('2026-11-29T11:00:00Z', received)).toBe(received);
  });

  it('falls back to the server time when the phone claims more than a week ago', () => {
    expect(observedAt('2026-11-20T08:00:00Z', received)).toBe(received);
    expect(observedAt('2026-11-23T08:00:00Z', received)).toBe('2026-11-23T08:00:00.000Z');
  });

  it('corrects a phone clock that is hours off by comparing when it says it sent with when it arrived', () => {
    // the phone runs 5 hours fast: it captured at "18:00" and sent at "20:00" its time; it arrived at 15:00 server time
    expect(observedAt('2026-11-29T18:00:00Z', '2026-11-29T15:00:00.000Z', '2026-11-29T20:00:00Z')).toBe('2026-11-29T13:00:00.000Z');
    // 5 hours slow, captured Sunday 22:00 local by its clock: really Monday 03:00 — the next ISO week
    expect(observedAt('2026-11-29T14:00:00Z', '2026-11-30T00:00:00.000Z', '2026-11-29T19:00:00Z')).toBe('2026-11-29T19:00:00.000Z');
    // without sentAt a fast clock is not believed at all
    expect(observedAt('2026-11-29T18:00:00Z', '2026-11-29T15:00:00.000Z')).toBe('2026-11-29T15:00:00.000Z');
  });

  it('uses the server time when there is no capture time or it is garbage', () => {
    expect(observedAt(null, received)).toBe(received);
    expect(observedAt('yesterday', received)).toBe(received);
  });

  it('computes a deadline from hours', () => {
    expect(deadlineFrom('2026-11-29T08:00:00.000Z', 24)).toBe('2026-11-30T08:00:00.000Z');
  });
});

describe('the township calendar', () => {
  it('takes local dates in the township time zone', () => {
    expect(localDate('2026-11-29T17:00:00Z', 'Asia/Shanghai')).toBe('2026-11-30');
    expect(localMidnightUtc('2026-11-30', 'Asia/Shanghai')).toBe('2026-11-29T16:00:00.000Z');
    expect(nextLocalDate('2026-12-31')).toBe('2027-01-01');
  });

  it('knows market days on the lunar calendar and on weekdays, and says the rule in words', () => {
    const lunar = { kind: 'lunar', dayEndings: [3, 8] } as const;
    // 2026-02-17 is the first day of the lunar year: the 3rd, 8th and 13th fall on 02-19, 02-24 and 03-01
    expect(['2026-02-19', '2026-02-24', '2026-03-01', '2026-03-02'].map((d) => isMarketDay(d, lunar))).toEqual([true, true, true, false]);
    const weekly = { kind: 'weekdays', days: [0, 3] } as const;
    expect(['2026-11-29', '2026-11-25', '2026-11-26'].map((d) => isMarketDay(d, weekly))).toEqual([true, true, false]);
    expect(describeMarketRule(lunar)).toBe('农历逢三逢八');
    expect(describeMarketRule({ kind: 'solar', dayEndings: [0, 5] })).toBe('公历逢十逢五');
  });

  it('numbers ISO weeks and finds their Monday in the township zone', () => {
    expect(isoWeek('2026-11-29')).toBe('2026-W48');
    expect(isoWeek('2026-11-30')).toBe('2026-W49');
    expect(isoWeek('2021-01-03')).toBe('2020-W53');
    expect(isoWeek('2026-01-01')).toBe('2026-W01');
    // Sunday 2026-11-29 10:00 in Shanghai -> Monday 2026-11-23 00:00 Shanghai = 11-22 16:00 UTC
    expect(new Date(weekStartUtc(Date.parse('2026-11-29T02:00:00Z'), 'Asia/Shanghai')).toISOString()).toBe('2026-11-22T16:00:00.000Z');
  });

  it('knows market days by the last digit of the day (逢五逢十)', () => {
    expect(['2026-11-05', '2026-11-10', '2026-11-30'].map((d) => isMarketDay(d))).toEqual([true, true, true]);
    expect(['2026-11-01', '2026-11-11', '2026-11-29'].map((d) => isMarketDay(d))).toEqual([false, false, false]);
  });
});

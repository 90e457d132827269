import { describe, expect, it } from 'vitest';
import { areaTable, headlineOf, hotSpotsOfWeek, isOverdueAt, mapItemsOfWeek, tallyWeeks, type WeekReport, type WeekRows } from '../../server/briefing/week.ts';

// The briefing's steps over rows written here by hand: what each figure counts, and what it leaves out.

const week = { from: '2026-11-23T00:00:00.000Z', to: '2026-11-30T00:00:00.000Z' };
const before = { from: '2026-11-16T00:00:00.000Z', to: '2026-11-23T00:00:00.000Z' };
const report = (id: string, over: Partial<WeekReport> = {}): WeekReport => ({
  id,
  case_no: null,
  category_code: 'exposed_garbage',
  lon: 105.93,
  lat: 26.14,
  status: 'reported',
  zone_id: 'z1',
  village_id: 'v1',
  responsible_area_id: 'z1',
  assignee_id: null,
  observed_at: '2026-11-24T02:00:00.000Z',
  deadline_at: null,
  recurrence_of: null,
  ...over,
});

describe('a week of the briefing', () => {
  const rows: WeekRows = {
    reports: [
      report('a', { status: 'closed' }),
      report('b', { deadline_at: '2026-11-25T00:00:00.000Z' }),
      report('c', { status: 'duplicate', deadline_at: '2026-11-25T00:00:00.000Z' }),
      report('d', { observed_at: '2026-11-17T00:00:00.000Z', recurrence_of: 'x', category_code: 'road_stall', zone_id: 'z2', village_id: 'v2' }),
      report('e', { deadline_at: '2026-11-26T00:00:00.000Z', status: 'rectified' }),
    ],
    resolved: new Map([
      ['a', '2026-11-24T06:00:00.000Z'],
      ['e', '2026-11-29T00:00:00.000Z'],
    ]),
    events: [{ report_id: 'a', type: 'verify', at: '2026-11-24T08:00:00.000Z' }],
  };

  it('counts new, closed and overdue items of the week; a duplicate is neither new nor overdue', () => {
    const h = headlineOf(rows, week);
    expect(h.newReports).toBe(3); // a, b, e
    expect(h.closed).toBe(1);
    expect(h.closureRate).toBeCloseTo(1 / 3, 9);
    expect(h.medianHoursToClose).toBe(6);
    // b never resolved; e rectified after its deadline but before the week's end: no longer waiting
    expect(h.overdue).toBe(1);
    expect(headlineOf(rows, before)).toMatchObject({ newReports: 1, recurrences: 1, closed: 0, closureRate: 0 });
  });

  it('an item is overdue only between its deadline and its first resolution', () => {
    const e = rows.reports[4]!;
    expect(isOverdueAt(e, rows.resolved, '2026-11-27T00:00:00.000Z')).toBe(true);
    expect(isOverdueAt(e, rows.resolved, '2026-11-29T01:00:00.000Z')).toBe(false);
    expect(isOverdueAt(e, rows.resolved, '2026-11-25T00:00:00.000Z')).toBe(false);
  });

  it('tallies zone and village once each, the week and the one before apart, and ranks areas by score', () => {
    const counted = rows.reports.filter((r) => r.status !== 'duplicate');
    const t = tallyWeeks(counted, [rows.reports[1]!], week, before);
    expect(t.areaNow.get('z1')).toBe(3);
    expect(t.areaNow.get('v1')).toBe(3);
    expect(t.areaBefore.get('z2')).toBe(1);
    expect(t.categoryOverdue.get('exposed_garbage')).toBe(1);
    const table = areaTable(
      [
        { id: 'z1', kind: 'cleaning_zone', nameZh: '一区' },
        { id: 'z2', kind: 'cleaning_zone', nameZh: '二区' },
        { id: 'u1', kind: 'unit', nameZh: '单位' },
      ],
      t,
      [{ area_id: 'z2', amount_yuan: 50, points: 2 }],
      () => null,
    );
    expect(table.map((a) => [a.id, a.deductionYuan])).toEqual([
      ['z2', 50],
      ['z1', 0],
    ]);
  });

  it('a hot spot has been hot for as many weeks as it overlapped one without a gap', () => {
    const spot = (cells: number[], reports: number) => ({ centre: [0, 0] as [number, number], cells, reports, maxZ: 3, confidence: 99, near: null, zone: null, village: null, responsible: [] });
    const key = (i: number) => `${i},0`;
    const earlier = [new Set(['1,0']), new Set(['1,0', '5,0']), new Set<string>(), new Set(['1,0'])];
    const spots = hotSpotsOfWeek([spot([5], 40), spot([1, 2], 10)], key, earlier);
    expect(spots.map((s) => [s.reports, s.weeksHot])).toEqual([
      [10, 3],
      [40, 1],
    ]);
  });

  it('draws what waits at the week’s end, overdue first', () => {
    const items = mapItemsOfWeek(rows, week, before, 10);
    expect(items).toHaveLength(2); // b and d (a and e resolved, c a duplicate)
    expect(items[0]!.overdue).toBe(true);
  });
});

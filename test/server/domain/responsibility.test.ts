import { describe, expect, it } from 'vitest';
import { classifyNearby, deadlineFor, daysOverdue, isOverdue, responsibleArea } from '../../../server/domain/responsibility.ts';
import { accountabilityTable, scoreFrom } from '../../../server/domain/accountability.ts';
import { localPlane } from '../../../server/domain/geo.ts';

describe('who answers and by when', () => {
  it('charges the unit for office-area items, otherwise the zone, else the village', () => {
    const place = { zoneId: 'z', villageId: 'v', unitId: 'u' };
    expect(responsibleArea(place, 'unit')).toBe('u');
    expect(responsibleArea(place, 'area')).toBe('z');
    expect(responsibleArea({ ...place, zoneId: null }, 'area')).toBe('v');
    expect(responsibleArea({ zoneId: null, villageId: 'v', unitId: null }, 'unit')).toBe('v');
  });

  it('gives same-day items the end of the local day (日产日清), or the next day when the day is nearly over', () => {
    const rule = { deadlineHours: 24, sameDay: true };
    // 10:00 in Shanghai -> 23:59:59 that day
    expect(deadlineFor(rule, '2026-11-30T02:00:00Z', 'Asia/Shanghai')).toBe('2026-11-30T15:59:59.000Z');
    // 22:00 in Shanghai -> end of the next day
    expect(deadlineFor(rule, '2026-11-30T14:00:00Z', 'Asia/Shanghai')).toBe('2026-12-01T15:59:59.000Z');
    expect(deadlineFor({ deadlineHours: 72, sameDay: false }, '2026-11-30T02:00:00Z', 'Asia/Shanghai')).toBe('2026-12-03T02:00:00.000Z');
  });

  it('calls an item overdue only while it waits for rectification past its deadline', () => {
    const now = '2026-12-02T00:00:00.000Z';
    expect(isOverdue('notified', '2026-12-01T00:00:00.000Z', now)).toBe(true);
    expect(isOverdue('rectified', '2026-12-01T00:00:00.000Z', now)).toBe(false);
    expect(isOverdue('notified', '2026-12-03T00:00:00.000Z', now)).toBe(false);
    expect(isOverdue('notified', null, now)).toBe(false);
    expect(daysOverdue('2026-11-29T12:00:00.000Z', now)).toBe(2);
  });
});

describe('nearby items', () => {
  const plane = localPlane([105.94, 26.14]);
  const at = (x: number, y: number) => plane.toLonLat(x, y);
  const now = '2026-11-30T00:00:00.000Z';
  const c = (id: string, x: number, status: any, closedAt: string | null = null) => {
    const [lon, lat] = at(x, 0);
    return { id, lon, lat, status, closedAt };
  };

  it('lists open items within the radius nearest first, and finds a recently closed one as a recurrence', () => {
    const r = classifyNearby(at(0, 0), 30, now, [
      c('far', 45, 'notified'),
      c('near', 10, 'reported'),
      c('nearer', 5, 'rectified'),
      c('closed-old', 8, 'closed', '2026-11-01T00:00:00.000Z'),
      c('closed-recent', 20, 'closed', '2026-11-25T00:00:00.000Z'),
      c('rejected', 3, 'rejected'),
    ]);
    expect(r.open.map((o) => o.id)).toEqual(['nearer', 'near']);
    expect(r.open[0]!.distanceM).toBeCloseTo(5, 0);
    expect(r.recurrenceOf).toBe('closed-recent');
  });
});

describe('monthly accountability', () => {
  it('takes the points of each missed deadline off 100 and adds up the yuan', () => {
    const rows = accountabilityTable(
      [
        { responsibleAreaId: 'z3', assigneeId: 'c3' },
        { responsibleAreaId: 'z3', assigneeId: 'c3' },
        { responsibleAreaId: 'z1', assigneeId: 'c1' },
      ],
      [
        { areaId: 'z3', personId: 'c3', amountYuan: 50, points: 2 },
        { areaId: 'z3', personId: 'c3', amountYuan: 20, points: 1 },
      ],
      'area',
    );
    expect(rows).toEqual([
      { key: 'z3', items: 2, overdue: 2, deductionYuan: 70, score: 97 },
      { key: 'z1', items: 1, overdue: 0, deductionYuan: 0, score: 100 },
    ]);
    expect(scoreFrom(130)).toBe(0);
  });
});

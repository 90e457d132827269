import { describe, expect, it } from 'vitest';
import { groupTasks, taskGroup } from '../../../server/domain/task-order.ts';

const TZ = 'Asia/Shanghai';
// 2026-12-02 15:00 in the township (07:00 UTC)
const NOW = new Date('2026-12-02T07:00:00Z');

describe('the order of a cleaner\'s tasks', () => {
  it('puts what is due today or within a day first, the backlog after later deadlines, and rectified items last', () => {
    const items = [
      { id: 'september', status: 'notified', deadlineAt: '2026-09-14T02:00:00Z' },
      { id: 'next-week', status: 'notified', deadlineAt: '2026-12-09T02:00:00Z' },
      { id: 'this-morning', status: 'notified', deadlineAt: '2026-12-02T01:00:00Z' }, // 09:00 today, already late
      { id: 'tonight', status: 'notified', deadlineAt: '2026-12-02T12:00:00Z' },
      { id: 'yesterday-evening', status: 'notified', deadlineAt: '2026-12-01T12:00:00Z' }, // 20:00 yesterday
      { id: 'rectified', status: 'rectified', deadlineAt: '2026-12-02T03:00:00Z' },
      { id: 'not-yet-notified', status: 'reported', deadlineAt: null },
      { id: 'tomorrow-noon', status: 'notified', deadlineAt: '2026-12-03T04:00:00Z' }, // within 24 h
    ];
    const g = groupTasks(items, NOW, TZ);
    expect(g.urgent.map((i) => i.id)).toEqual(['this-morning', 'tonight', 'tomorrow-noon']);
    expect(g.later.map((i) => i.id)).toEqual(['next-week', 'not-yet-notified']);
    expect(g.backlog.map((i) => i.id)).toEqual(['september', 'yesterday-evening']);
    expect(g.waiting.map((i) => i.id)).toEqual(['rectified']);
  });

  it('draws the day boundary at the township\'s midnight, not UTC\'s', () => {
    // 23:30 yesterday in Shanghai is 15:30 UTC the same UTC day as 07:00 UTC: still the backlog
    expect(taskGroup({ status: 'notified', deadlineAt: '2026-12-01T15:30:00Z' }, NOW, TZ)).toBe('backlog');
    // 00:30 today in Shanghai (16:30 UTC the day before): fell overdue today
    expect(taskGroup({ status: 'notified', deadlineAt: '2026-12-01T16:30:00Z' }, NOW, TZ)).toBe('urgent');
  });
});

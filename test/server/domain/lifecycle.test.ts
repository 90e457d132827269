import { describe, expect, it } from 'vitest';
import { ACTIONS, ROLES, allowedActions, decide, extensionProblem, type Action, type Actor, type ItemState, type Role } from '../../../server/domain/lifecycle.ts';
import { REPORT_STATUSES, type ReportStatus } from '../../../server/domain/reports.ts';

// The whole table, written out independently of the state machine: from which states, and by whom.
const LEGAL_FROM: Record<Action, ReportStatus[]> = {
  notify: ['reported'],
  rectify: ['notified'],
  verify: ['rectified'],
  reopen: ['rectified'],
  reject: ['reported', 'notified'],
  merge: ['reported', 'notified', 'rectified'],
  dispatch: ['reported', 'notified'],
  return: ['notified'],
  extend: ['notified'],
  approve_extension: ['notified'],
  refuse_extension: ['notified'],
  park: ['reported', 'notified'],
  restore: ['reported', 'notified'],
  urge: ['notified'],
};
/** Where each action leads; park, restore and urge leave the state as it was. */
const TO: Record<Action, ReportStatus | 'same'> = {
  notify: 'notified',
  rectify: 'rectified',
  verify: 'closed',
  reopen: 'notified',
  reject: 'rejected',
  merge: 'duplicate',
  dispatch: 'notified',
  return: 'reported',
  extend: 'notified',
  approve_extension: 'notified',
  refuse_extension: 'notified',
  park: 'same',
  restore: 'same',
  urge: 'same',
};
const WHO: Record<Action, Role[]> = {
  notify: ['office', 'admin'],
  rectify: ['cleaner', 'unit', 'office', 'admin'],
  verify: ['office', 'inspector', 'admin'],
  reopen: ['office', 'inspector', 'admin'],
  reject: ['office', 'admin'],
  merge: ['office', 'admin'],
  dispatch: ['office', 'admin'],
  return: ['cleaner', 'unit'],
  extend: ['cleaner', 'unit'],
  approve_extension: ['office', 'admin'],
  refuse_extension: ['office', 'admin'],
  park: ['office', 'admin'],
  restore: ['office', 'admin'],
  urge: ['office', 'admin'],
};
/** What an item must be like for the action to make sense at all: parked to restore, asked for time to answer. */
const NEEDS: Partial<Record<Action, Partial<ItemState>>> = {
  restore: { parkedAt: '2026-11-20T00:00:00.000Z' },
  approve_extension: { extensionUntil: '2026-12-05T09:00:00.000Z' },
  refuse_extension: { extensionUntil: '2026-12-05T09:00:00.000Z' },
};

const item = (status: ReportStatus, extra: Partial<ItemState> = {}): ItemState => ({
  status,
  zoneId: 'zone-3',
  villageId: 'anzhang',
  unitId: 'unit-market',
  responsibleAreaId: 'zone-3',
  rectifiedBy: 'someone-else',
  ...extra,
});
const actorOf = (role: Role): Actor => ({
  id: `${role}-1`,
  role,
  areaId: role === 'cleaner' ? 'zone-3' : role === 'unit' ? 'unit-market' : null,
});
const full = { photoCount: 1, note: '理由', duplicateOf: 'other-item', toAreaId: 'zone-1', until: '2026-12-05T09:00:00.000Z' };

describe('the rectification state machine, state × action × role', () => {
  for (const status of REPORT_STATUSES) {
    for (const action of ACTIONS) {
      for (const role of ROLES) {
        it(`${role} ${action} from ${status}`, () => {
          // A unit answers for items of its own office area.
          const d = decide(action, actorOf(role), item(status, { ...NEEDS[action], ...(role === 'unit' ? { responsibleAreaId: 'unit-market' } : {}) }), full);
          if (!WHO[action].includes(role)) {
            expect(d).toMatchObject({ ok: false, reason: 'forbidden' });
          } else if (!LEGAL_FROM[action].includes(status)) {
            expect(d).toMatchObject({ ok: false, reason: 'illegal' });
            if (!d.ok) expect(d.message).toContain('不能');
          } else {
            expect(d).toEqual({ ok: true, to: TO[action] === 'same' ? status : TO[action] });
          }
        });
      }
    }
  }
});

describe('the rules beyond the table', () => {
  it('lets a cleaner act only on items of their own zone or village', () => {
    const other: Actor = { id: 'c2', role: 'cleaner', areaId: 'zone-1' };
    expect(decide('rectify', other, item('notified'), full)).toMatchObject({ ok: false, reason: 'forbidden' });
    const villageHead: Actor = { id: 'v', role: 'cleaner', areaId: 'anzhang' };
    expect(decide('rectify', villageHead, item('notified', { zoneId: null, responsibleAreaId: 'anzhang' }), full).ok).toBe(true);
    const noArea: Actor = { id: 'c', role: 'cleaner', areaId: null };
    expect(decide('rectify', noArea, item('notified'), full).ok).toBe(false);
  });

  it('lets only the responsible party rectify: not the head of the village around a zone, not the unit in front of a zone\'s stall', () => {
    // A zone-3 item lying in 安章社区, in front of the market.
    const zoneItem = item('notified', { responsibleAreaId: 'zone-3', villageId: 'anzhang', unitId: 'unit-market', assigneeId: 'cleaner3' });
    expect(decide('rectify', { id: 'v', role: 'cleaner', areaId: 'anzhang' }, zoneItem, full)).toMatchObject({ ok: false, reason: 'forbidden' });
    expect(decide('rectify', { id: 'u', role: 'unit', areaId: 'unit-market' }, zoneItem, full)).toMatchObject({ ok: false, reason: 'forbidden' });
    expect(decide('rectify', { id: 'cleaner3', role: 'cleaner', areaId: 'zone-3' }, zoneItem, full).ok).toBe(true);
    // Sent to someone by name: that person, wherever their own area is.
    expect(decide('rectify', { id: 'helper', role: 'cleaner', areaId: 'zone-1' }, { ...zoneItem, assigneeId: 'helper' }, full).ok).toBe(true);
    // The unit answers for its own office area's items.
    expect(decide('rectify', { id: 'u', role: 'unit', areaId: 'unit-market' }, { ...zoneItem, responsibleAreaId: 'unit-market', assigneeId: null }, full).ok).toBe(true);
  });

  it('needs a photo to rectify', () => {
    expect(decide('rectify', actorOf('cleaner'), item('notified'), { photoCount: 0 })).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('does not let whoever rectified verify their own work', () => {
    const office = actorOf('office');
    expect(decide('verify', office, item('rectified', { rectifiedBy: office.id }), full)).toMatchObject({ ok: false, reason: 'forbidden' });
    expect(decide('verify', actorOf('inspector'), item('rectified', { rectifiedBy: office.id }), full).ok).toBe(true);
  });

  it('needs a reason to reject and a target to merge', () => {
    expect(decide('reject', actorOf('office'), item('reported'), { photoCount: 0, note: '  ' })).toMatchObject({ reason: 'invalid' });
    expect(decide('merge', actorOf('office'), item('reported'), { photoCount: 0 })).toMatchObject({ reason: 'invalid' });
  });

  it('offers only the actions the viewer may take', () => {
    expect(allowedActions(actorOf('cleaner'), item('notified'))).toEqual(['rectify', 'return', 'extend']);
    expect(allowedActions(actorOf('leader'), item('notified'))).toEqual([]);
    expect(allowedActions(actorOf('office'), item('rectified'))).toEqual(['verify', 'reopen', 'merge']);
    expect(allowedActions(actorOf('office'), item('notified'))).toEqual(['rectify', 'reject', 'merge', 'dispatch', 'park', 'urge']);
    expect(allowedActions(actorOf('office'), item('notified', { parkedAt: '2026-11-20T00:00:00.000Z' }))).toEqual(['reject', 'merge', 'restore']);
    expect(allowedActions(actorOf('office'), item('notified', { extensionUntil: '2026-12-05T09:00:00.000Z' }))).toContain('approve_extension');
    expect(allowedActions(actorOf('inspector'), item('closed'))).toEqual([]);
  });
});

describe('the case steps around the loop', () => {
  const cleaner: Actor = { id: 'cleaner3', role: 'cleaner', areaId: 'zone-3' };
  const office: Actor = { id: 'o', role: 'office', areaId: null };
  it('wants a reason to return, ask for time, park or refuse, a place to dispatch to, and a date to extend to', () => {
    for (const a of ['return', 'extend'] as const) expect(decide(a, cleaner, item('notified'), { photoCount: 0, until: 'x' })).toMatchObject({ ok: false, reason: 'invalid' });
    expect(decide('park', office, item('notified'), { photoCount: 0 })).toMatchObject({ ok: false, reason: 'invalid' });
    expect(decide('refuse_extension', office, item('notified', { extensionUntil: 'x' }), { photoCount: 0 })).toMatchObject({ ok: false, reason: 'invalid' });
    expect(decide('approve_extension', office, item('notified', { extensionUntil: 'x' }), { photoCount: 0 }).ok).toBe(true);
    expect(decide('dispatch', office, item('reported'), { photoCount: 0 })).toMatchObject({ ok: false, reason: 'invalid' });
    expect(decide('extend', cleaner, item('notified'), { photoCount: 0, note: '材料未到' })).toMatchObject({ ok: false, reason: 'invalid' });
  });
  it('asks for one extension at a time, and answers only one that was asked', () => {
    expect(decide('extend', cleaner, item('notified', { extensionUntil: 'x' }), full)).toMatchObject({ ok: false, reason: 'illegal' });
    expect(decide('approve_extension', office, item('notified'), full)).toMatchObject({ ok: false, reason: 'illegal' });
  });
  it('holds a parked item still until it is restored', () => {
    const parked = item('notified', { parkedAt: '2026-11-20T00:00:00.000Z' });
    for (const a of ['rectify', 'urge', 'dispatch', 'park', 'extend'] as const) {
      const who = a === 'rectify' || a === 'extend' ? cleaner : office;
      expect(decide(a, who, parked, full), a).toMatchObject({ ok: false, reason: 'illegal' });
    }
    expect(decide('restore', office, parked, full)).toEqual({ ok: true, to: 'notified' });
    expect(decide('reject', office, parked, full).ok).toBe(true);
    expect(decide('restore', office, item('notified'), full)).toMatchObject({ ok: false, reason: 'illegal' });
  });
  it('lets only the party the item was sent to return it or ask for time', () => {
    const other: Actor = { id: 'c1', role: 'cleaner', areaId: 'zone-1' };
    expect(decide('return', other, item('notified'), full)).toMatchObject({ ok: false, reason: 'forbidden' });
    expect(decide('return', cleaner, item('notified'), full)).toEqual({ ok: true, to: 'reported' });
  });
  it('keeps an extension within a month past the deadline in force', () => {
    const now = '2026-11-30T02:00:00.000Z';
    expect(extensionProblem('2026-11-30T10:00:00.000Z', '2026-11-30T09:00:00.000Z', now)).toMatch(/晚于/);
    expect(extensionProblem('2026-11-30T10:00:00.000Z', '2026-12-31T10:00:00.000Z', now)).toMatch(/30/);
    expect(extensionProblem('2026-11-30T10:00:00.000Z', '2026-12-03T10:00:00.000Z', now)).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { ACTIONS, ROLES, allowedActions, decide, type Action, type Actor, type ItemState, type Role } from '../../../server/domain/lifecycle.ts';
import { REPORT_STATUSES, type ReportStatus } from '../../../server/domain/reports.ts';

// The whole table, written out independently of the state machine: from which states, and by whom.
const LEGAL_FROM: Record<Action, ReportStatus[]> = {
  notify: ['reported'],
  rectify: ['notified'],
  verify: ['rectified'],
  reopen: ['rectified'],
  reject: ['reported', 'notified'],
  merge: ['reported', 'notified', 'rectified'],
};
const TO: Record<Action, ReportStatus> = {
  notify: 'notified',
  rectify: 'rectified',
  verify: 'closed',
  reopen: 'notified',
  reject: 'rejected',
  merge: 'duplicate',
};
const WHO: Record<Action, Role[]> = {
  notify: ['office', 'admin'],
  rectify: ['cleaner', 'unit', 'office', 'admin'],
  verify: ['office', 'inspector', 'admin'],
  reopen: ['office', 'inspector', 'admin'],
  reject: ['office', 'admin'],
  merge: ['office', 'admin'],
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
const full = { photoCount: 1, note: '理由', duplicateOf: 'other-item' };

describe('the rectification state machine, state × action × role', () => {
  for (const status of REPORT_STATUSES) {
    for (const action of ACTIONS) {
      for (const role of ROLES) {
        it(`${role} ${action} from ${status}`, () => {
          // A unit answers for items of its own office area.
          const d = decide(action, actorOf(role), item(status, role === 'unit' ? { responsibleAreaId: 'unit-market' } : {}), full);
          if (!WHO[action].includes(role)) {
            expect(d).toMatchObject({ ok: false, reason: 'forbidden' });
          } else if (!LEGAL_FROM[action].includes(status)) {
            expect(d).toMatchObject({ ok: false, reason: 'illegal' });
            if (!d.ok) expect(d.message).toContain('不能');
          } else {
            expect(d).toEqual({ ok: true, to: TO[action] });
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
    expect(allowedActions(actorOf('cleaner'), item('notified'))).toEqual(['rectify']);
    expect(allowedActions(actorOf('leader'), item('notified'))).toEqual([]);
    expect(allowedActions(actorOf('office'), item('rectified'))).toEqual(['verify', 'reopen', 'merge']);
    expect(allowedActions(actorOf('inspector'), item('closed'))).toEqual([]);
  });
});

import type { ReportStatus } from './reports.ts';

// The rectification loop as one pure state machine: who may do what, from which state.
//   reported → notified → rectified → closed;  rectified → notified (reopen);  → rejected;  → duplicate

export const ROLES = ['admin', 'leader', 'office', 'inspector', 'cleaner', 'unit', 'county_admin', 'county_leader'] as const;
export type Role = (typeof ROLES)[number];
/** The county's people: they belong to the deployment, not to one township, and read every township. */
export const COUNTY_ROLES = ['county_admin', 'county_leader'] as const satisfies readonly Role[];
export const TOWNSHIP_ROLES = ROLES.filter((r) => !(COUNTY_ROLES as readonly Role[]).includes(r));
/** Who reports problems and works items in the field; the leading group and the county's people only read. */
export const FIELD_ROLES = ['admin', 'office', 'inspector', 'cleaner', 'unit'] as const satisfies readonly Role[];
export const isCountyRole = (r: Role): boolean => (COUNTY_ROLES as readonly Role[]).includes(r);

export const ACTIONS = ['notify', 'rectify', 'verify', 'reopen', 'reject', 'merge'] as const;
export type Action = (typeof ACTIONS)[number];

export interface Actor {
  id: string;
  role: Role;
  /** The zone or village a cleaner owns; the unit a unit user answers for. */
  areaId: string | null;
}

export interface ItemState {
  status: ReportStatus;
  zoneId: string | null;
  villageId: string | null;
  unitId: string | null;
  responsibleAreaId: string | null;
  rectifiedBy: string | null;
  /** The person the item was sent to. */
  assigneeId?: string | null | undefined;
}

export interface TransitionInput {
  photoCount: number;
  note?: string | null | undefined;
  duplicateOf?: string | null | undefined;
}

export type Decision =
  | { ok: true; to: ReportStatus }
  | { ok: false; reason: 'illegal' | 'forbidden' | 'invalid'; message: string };

const RULES: Record<Action, { from: readonly ReportStatus[]; to: ReportStatus; roles: readonly Role[] }> = {
  notify: { from: ['reported'], to: 'notified', roles: ['office', 'admin'] },
  rectify: { from: ['notified'], to: 'rectified', roles: ['cleaner', 'unit', 'office', 'admin'] },
  verify: { from: ['rectified'], to: 'closed', roles: ['office', 'inspector', 'admin'] },
  reopen: { from: ['rectified'], to: 'notified', roles: ['office', 'inspector', 'admin'] },
  reject: { from: ['reported', 'notified'], to: 'rejected', roles: ['office', 'admin'] },
  merge: { from: ['reported', 'notified', 'rectified'], to: 'duplicate', roles: ['office', 'admin'] },
};

/** How the office names each state. */
export const STATUS_NAMES_ZH: Record<ReportStatus, string> = {
  reported: '已上报',
  notified: '已通知整改',
  rectified: '已整改待复查',
  closed: '已销号',
  rejected: '不予受理',
  duplicate: '已合并为重复问题',
};

const DONE_EN: Record<Action, string> = {
  notify: 'notified',
  rectify: 'rectified',
  verify: 'verified',
  reopen: 'reopened',
  reject: 'rejected',
  merge: 'merged',
};

const ACTION_ZH: Record<Action, string> = {
  notify: '通知整改',
  rectify: '提交整改',
  verify: '复查销号',
  reopen: '复查不合格退回',
  reject: '不予受理',
  merge: '合并重复问题',
};

/**
 * Whether the item is the actor's to rectify: cleaners and units answer only for items sent to them or to the
 * area they speak for. A village head does not answer for a cleaning zone inside the village, nor a unit for a
 * stall in front of it when the zone answers for stalls.
 */
export function ownsItem(actor: Actor, item: ItemState): boolean {
  if (actor.role !== 'cleaner' && actor.role !== 'unit') return false;
  if (item.assigneeId && item.assigneeId === actor.id) return true;
  return actor.areaId !== null && item.responsibleAreaId === actor.areaId;
}

/**
 * May this actor take this action on this item now? The message says why not in words an office
 * worker understands (Chinese first, English after), and the reason maps to 409 / 403 / 422.
 */
export function decide(action: Action, actor: Actor, item: ItemState, input: TransitionInput): Decision {
  const rule = RULES[action];
  if (!rule.roles.includes(actor.role)) {
    return {
      ok: false,
      reason: 'forbidden',
      message: `您的角色不能“${ACTION_ZH[action]}”。Your role (${actor.role}) may not ${action} items.`,
    };
  }
  if ((actor.role === 'cleaner' || actor.role === 'unit') && !ownsItem(actor, item)) {
    return {
      ok: false,
      reason: 'forbidden',
      message: `这不是您负责区域的问题。This item is not in your area.`,
    };
  }
  if (!rule.from.includes(item.status)) {
    return {
      ok: false,
      reason: 'illegal',
      message: `该问题当前状态为“${STATUS_NAMES_ZH[item.status]}”,不能“${ACTION_ZH[action]}”。The item is ${item.status}; it cannot be ${DONE_EN[action]} from there.`,
    };
  }
  if (action === 'rectify' && input.photoCount < 1) {
    return { ok: false, reason: 'invalid', message: '提交整改须附整改后照片。Rectifying needs at least one photo after the work.' };
  }
  if (action === 'verify' && item.rectifiedBy === actor.id) {
    return {
      ok: false,
      reason: 'forbidden',
      message: '整改人不能复查自己的整改,请由其他人员复查。Whoever rectified an item cannot verify it; someone else must.',
    };
  }
  if (action === 'reject' && !input.note?.trim()) {
    return { ok: false, reason: 'invalid', message: '不予受理须说明理由。Say why the item is rejected.' };
  }
  if (action === 'merge' && !input.duplicateOf) {
    return { ok: false, reason: 'invalid', message: '合并须指明与哪个问题重复。Name the item this one duplicates (duplicateOf).' };
  }
  return { ok: true, to: rule.to };
}

/** The actions an actor could take on an item now (photos and notes aside), for showing only those buttons. */
export function allowedActions(actor: Actor, item: ItemState): Action[] {
  return ACTIONS.filter((a) => {
    const d = decide(a, actor, item, { photoCount: 1, note: 'x', duplicateOf: 'x' });
    return d.ok;
  });
}

/** Roles that may see every item; cleaners and units see their own area's items. */
export const SEES_ALL: readonly Role[] = ['admin', 'leader', 'office', 'inspector', 'county_admin', 'county_leader'];

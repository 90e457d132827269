import type { ReportStatus } from './reports.ts';

// The rectification loop as one pure state machine: who may do what, from which state.
//   reported → notified → rectified → closed;  rectified → notified (reopen);  → rejected;  → duplicate
// and the steps of a city-management case around it: the office dispatches to another party (派遣/改派); the
// party returns an item that is not theirs (退回: back to reported, unassigned) or asks for more time (申请延期),
// which the office approves or refuses; the office parks an item that cannot be solved in time (挂账: no deadline
// while parked, restorable) and urges (催办).

export const ROLES = ['admin', 'leader', 'office', 'inspector', 'cleaner', 'unit', 'county_admin', 'county_leader'] as const;
export type Role = (typeof ROLES)[number];
/** The county's people: they belong to the deployment, not to one township, and read every township. */
export const COUNTY_ROLES = ['county_admin', 'county_leader'] as const satisfies readonly Role[];
export const TOWNSHIP_ROLES = ROLES.filter((r) => !(COUNTY_ROLES as readonly Role[]).includes(r));
/** Who reports problems and works items in the field; the leading group and the county's people only read. */
export const FIELD_ROLES = ['admin', 'office', 'inspector', 'cleaner', 'unit'] as const satisfies readonly Role[];
/** Roles at a desk: signed out after the idle time (field roles keep the week their outboxes need). */
export const DESK_ROLES: readonly Role[] = ['admin', 'leader', 'office', 'county_admin', 'county_leader'];
/** Roles that may (and should) turn on a second factor: who can change people and townships. */
export const SECOND_FACTOR_ROLES: readonly Role[] = ['admin', 'county_admin', 'county_leader'];
export const isCountyRole = (r: Role): boolean => (COUNTY_ROLES as readonly Role[]).includes(r);

export const ACTIONS = [
  'notify', 'rectify', 'verify', 'reopen', 'reject', 'merge',
  'dispatch', 'return', 'extend', 'approve_extension', 'refuse_extension', 'park', 'restore', 'urge',
] as const;
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
  /** Parked (挂账) since then; null when not parked. */
  parkedAt?: string | null | undefined;
  /** An extension the party asked for and the office has not answered: the date asked for. */
  extensionUntil?: string | null | undefined;
}

export interface TransitionInput {
  photoCount: number;
  note?: string | null | undefined;
  duplicateOf?: string | null | undefined;
  /** dispatch: the area (zone, village, unit) it goes to. */
  toAreaId?: string | null | undefined;
  /** notify, dispatch: the person named to answer for it (dispatch then goes to that person's area). */
  toAssigneeId?: string | null | undefined;
  /** extend: the new deadline asked for (ISO). */
  until?: string | null | undefined;
}

/** The longest extension a party may ask for at once. */
export const MAX_EXTENSION_DAYS = 30;

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
  dispatch: { from: ['reported', 'notified'], to: 'notified', roles: ['office', 'admin'] },
  return: { from: ['notified'], to: 'reported', roles: ['cleaner', 'unit'] },
  extend: { from: ['notified'], to: 'notified', roles: ['cleaner', 'unit'] },
  approve_extension: { from: ['notified'], to: 'notified', roles: ['office', 'admin'] },
  refuse_extension: { from: ['notified'], to: 'notified', roles: ['office', 'admin'] },
  park: { from: ['reported', 'notified'], to: 'notified', roles: ['office', 'admin'] },
  restore: { from: ['reported', 'notified'], to: 'notified', roles: ['office', 'admin'] },
  urge: { from: ['notified'], to: 'notified', roles: ['office', 'admin'] },
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
  dispatch: 'dispatched',
  return: 'returned',
  extend: 'given an extension request',
  approve_extension: 'given the extension',
  refuse_extension: 'refused the extension',
  park: 'parked',
  restore: 'restored',
  urge: 'urged',
};

const ACTION_ZH: Record<Action, string> = {
  notify: '通知整改',
  rectify: '提交整改',
  verify: '复查销号',
  reopen: '复查不合格退回',
  reject: '不予受理',
  merge: '合并重复问题',
  dispatch: '派遣',
  return: '退回',
  extend: '申请延期',
  approve_extension: '同意延期',
  refuse_extension: '不同意延期',
  park: '挂账',
  restore: '恢复办理',
  urge: '催办',
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
  // a parked item waits: only restoring it (or closing it off as rejected or a duplicate) moves it
  const parked = Boolean(item.parkedAt);
  if (parked && !['restore', 'reject', 'merge'].includes(action)) {
    return { ok: false, reason: 'illegal', message: `该问题已挂账,请先恢复办理。The item is parked; restore it before it can be ${DONE_EN[action]}.` };
  }
  if (action === 'restore' && !parked) {
    return { ok: false, reason: 'illegal', message: '该问题未挂账。The item is not parked.' };
  }
  if (action === 'dispatch' && !input.toAreaId && !input.toAssigneeId) {
    return { ok: false, reason: 'invalid', message: '派遣须选择责任区域、单位或责任人。Pick the area, unit or person it goes to (toAreaId or toAssigneeId).' };
  }
  if ((action === 'return' || action === 'extend' || action === 'park' || action === 'refuse_extension') && !input.note?.trim()) {
    return { ok: false, reason: 'invalid', message: `“${ACTION_ZH[action]}”须说明理由。Say why (note).` };
  }
  if (action === 'extend') {
    if (item.extensionUntil) return { ok: false, reason: 'illegal', message: '已有延期申请待审批。An extension request is already waiting for the office.' };
    if (!input.until) return { ok: false, reason: 'invalid', message: '申请延期须填写延至的日期。Say until when (until).' };
  }
  if ((action === 'approve_extension' || action === 'refuse_extension') && !item.extensionUntil) {
    return { ok: false, reason: 'illegal', message: '没有待审批的延期申请。There is no extension request to answer.' };
  }
  return { ok: true, to: action === 'park' || action === 'restore' || action === 'urge' ? item.status : rule.to };
}

/** Whether an extension asked for is within reason: after the deadline in force, at most MAX_EXTENSION_DAYS on. */
export function extensionProblem(deadlineAt: string | null, until: string, nowIso: string): string | null {
  const u = Date.parse(until);
  const base = Math.max(Date.parse(deadlineAt ?? nowIso), Date.parse(nowIso));
  if (!Number.isFinite(u) || u <= base) return '延期日期须晚于现在的整改期限。The new deadline must be after the one in force.';
  if (u - base > MAX_EXTENSION_DAYS * 86_400_000) return `一次最多延期 ${MAX_EXTENSION_DAYS} 天。An extension is at most ${MAX_EXTENSION_DAYS} days at a time.`;
  return null;
}

/** The actions an actor could take on an item now (photos and notes aside), for showing only those buttons. */
export function allowedActions(actor: Actor, item: ItemState): Action[] {
  return ACTIONS.filter((a) => {
    const d = decide(a, actor, item, { photoCount: 1, note: 'x', duplicateOf: 'x', toAreaId: 'x', until: 'x' });
    return d.ok;
  });
}

/** Roles that may see every item; cleaners and units see their own area's items. */
export const SEES_ALL: readonly Role[] = ['admin', 'leader', 'office', 'inspector', 'county_admin', 'county_leader'];

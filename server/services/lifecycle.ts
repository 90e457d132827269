import type { Insertable, Transaction } from 'kysely';
import type { Deps } from './context.ts';
import { currentTownship, townshipRouter } from './context.ts';
import { queueEvent } from './webhooks.ts';
import { listWebhooks } from '../store/integrations.ts';
import { AppError } from './errors.ts';
import { deadlineRule } from './working-calendar.ts';
import { casePrefixOf } from './search.ts';
import { normaliseCaseNo } from '../domain/case-numbers.ts';
import { findReportIdByCaseNo } from '../store/case-numbers.ts';
import type { SessionUser } from './auth.ts';
import { requireNewAfterPhotos, requirePhotos } from './photos.ts';
import { actorOf, itemState, toView, viewContext, type ReportView } from './report-views.ts';
import { oncePerKey, type Done } from './once-per-key.ts';
import {
  findReportById,
  insertReportEvents,
  updateReportIfUnchanged,
  type ReportRow,
} from '../store/reports.ts';
import { findOverdueUncharged } from '../store/report-deadlines.ts';
import { overduePayload, urgePayload } from './item-messages.ts';
import { insertReportPhotos } from '../store/photos.ts';
import { hasDeduction, insertDeductions } from '../store/deductions.ts';
import { listCategories, type CategoryRow } from '../store/categories.ts';
import { listAreas } from '../store/areas.ts';
import { findUserById, findUsersForArea, type UserRow } from '../store/users.ts';
import type { Database, DeductionTable, ReportTable, Urgency } from '../store/schema.ts';
import type { TownshipRow } from '../store/townships.ts';
import { decide, extensionProblem, type Action } from '../domain/lifecycle.ts';
import { deadlineFor } from '../domain/responsibility.ts';
import { localDate, localWallClockUtc } from '../domain/calendar.ts';
import { OPEN_STATUSES } from '../domain/reports.ts';

const SWEEP_CHUNK = 500;

export interface TransitionRequest {
  action: Action;
  note?: string | undefined;
  photoIds?: string[] | undefined;
  duplicateOf?: string | undefined;
  /** dispatch: the zone, village or unit it goes to. */
  toAreaId?: string | undefined;
  /** notify, dispatch: the person to answer for it, instead of the one found for the area. */
  toAssigneeId?: string | undefined;
  /** notify, dispatch: 紧急 or 一般; left out, the item keeps its own. */
  urgency?: Urgency | undefined;
  /** extend: the new deadline asked for (ISO instant). */
  until?: string | undefined;
  /** The version the user saw; a different current version means someone else acted first. */
  version?: number | undefined;
}

const STATUS_WORDS: Record<string, string> = {
  reported: '已上报',
  notified: '已通知整改',
  rectified: '已整改待复查',
  closed: '已销号',
  rejected: '不予受理',
  duplicate: '已合并',
};

function stale(row: ReportRow): AppError {
  return new AppError(
    409,
    'stale_item',
    `该问题刚被他人更新(现为“${STATUS_WORDS[row.status] ?? row.status}”),请刷新后再操作。Someone else changed this item first (it is now ${row.status}); reload it and try again.`,
  );
}

/** The deduction a missed deadline costs the responsible area and its person. */
function deductionFor(row: ReportRow, category: CategoryRow | undefined, timezone: string, now: string): Insertable<DeductionTable> | null {
  if (!row.deadline_at || !row.responsible_area_id) return null;
  const unitDuty = category?.responsibility === 'unit' && row.responsible_area_id === row.unit_id;
  return {
    township_id: row.township_id,
    report_id: row.id,
    area_id: row.responsible_area_id,
    person_id: row.assignee_id,
    category_code: row.category_code,
    deadline_at: row.deadline_at,
    // Units are departments, not paid cleaners: they lose points, not wages.
    amount_yuan: unitDuty ? 0 : (category?.deduction_yuan ?? 0),
    points: category?.score_points ?? 0,
    month: localDate(row.deadline_at, timezone).slice(0, 7),
    created_at: now,
  };
}

/**
 * Moves an item through the rectification loop. The pure state machine decides who may do what;
 * the state change, its event and its photos are written in one transaction, and only if nobody
 * moved the item in the meantime.
 */
export async function transition(deps: Deps, user: SessionUser, id: string, req: TransitionRequest, opts: { idempotencyKey?: string | undefined } = {}): Promise<Done> {
  const t = await currentTownship(deps);
  return oncePerKey(deps, t, user, id, opts.idempotencyKey, req.action, () => transitionNow(deps, t, user, id, req, opts.idempotencyKey));
}

/** One action on many items (the ledger's 批量通知整改 and 批量催办): each on its own, each answered. */
export async function bulkTransition(deps: Deps, user: SessionUser, ids: readonly string[], req: { action: 'notify' | 'urge'; note?: string | undefined }) {
  const results: { id: string; ok: boolean; status?: string; code?: string; message?: string }[] = [];
  for (const id of [...new Set(ids)]) {
    try {
      const done = await transition(deps, user, id, { action: req.action, note: req.note });
      results.push({ id, ok: true, status: done.report.status });
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      results.push({ id, ok: false, code: err.code, message: err.message });
    }
  }
  return { done: results.filter((r) => r.ok).length, refused: results.filter((r) => !r.ok).length, results };
}

/** The person the office names to answer for an item: an active cleaner or unit of this township. */
async function answeringPerson(deps: Deps, t: TownshipRow, id: string): Promise<UserRow> {
  const u = await findUserById(deps.store.db, id);
  if (!u || u.township_id !== t.id || u.active !== 1 || (u.role !== 'cleaner' && u.role !== 'unit')) {
    throw new AppError(422, 'unknown_person', '没有这位在岗的保洁员或责任单位人员。No active cleaner or unit person with that id in this township.', { toAssigneeId: id });
  }
  return u;
}

async function isActive(deps: Deps, userId: string): Promise<boolean> {
  return (await findUserById(deps.store.db, userId))?.active === 1;
}

/** Notify with nobody to tell: the office must dispatch it to an area or person first. */
function nobodyAnswers(areaId: string | null): AppError {
  return new AppError(
    422,
    'no_responsible_person',
    '这个问题目前没有在岗的责任人,请先派遣给责任区域或指定责任人。Nobody active answers for this item; dispatch it to an area or name a person first.',
    { areaId: areaId ?? '' },
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The item a merge names, by its case number as people type it (NJ-2026-000123, 2026-123) or by its id. */
async function findMergeTarget(deps: Deps, t: TownshipRow, ref: string) {
  if (UUID.test(ref)) return findReportById(deps.store.db, t.id, ref.toLowerCase());
  const caseNo = normaliseCaseNo(ref, casePrefixOf(t));
  const hit = caseNo ? await findReportIdByCaseNo(deps.store.db, t.id, caseNo) : undefined;
  return hit ? findReportById(deps.store.db, t.id, hit.id) : undefined;
}

async function transitionNow(deps: Deps, t: TownshipRow, user: SessionUser, id: string, req: TransitionRequest, key: string | undefined): Promise<ReportView> {
  const db = deps.store.db;
  const row = await findReportById(db, t.id, id);
  if (!row) throw new AppError(404, 'report_not_found', `没有这个问题。No report with id ${id}.`);
  if (req.version !== undefined && req.version !== row.version) throw stale(row);

  const photoIds = [...new Set(req.photoIds ?? [])];
  // a day asked for is the end of that working day in the township
  const day = req.until ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(req.until) : null;
  if (day) req = { ...req, until: new Date(localWallClockUtc(Number(day[1]), Number(day[2]), Number(day[3]), 17, 30, 0, t.timezone)).toISOString() };
  const decision = decide(
    req.action,
    actorOf(user),
    itemState(row),
    { photoCount: photoIds.length, note: req.note, duplicateOf: req.duplicateOf, toAreaId: req.toAreaId, toAssigneeId: req.toAssigneeId, until: req.until },
  );
  if (!decision.ok) {
    const status = decision.reason === 'illegal' ? 409 : decision.reason === 'forbidden' ? 403 : 422;
    const code = decision.reason === 'illegal' ? 'illegal_transition' : decision.reason === 'forbidden' ? 'forbidden_transition' : 'invalid_transition';
    throw new AppError(status, code, decision.message);
  }
  await requirePhotos(deps, t.id, photoIds);
  if (req.action === 'rectify') await requireNewAfterPhotos(deps, t.id, row.id, user.id, photoIds);

  const categories = await listCategories(db, t.id);
  const category = categories.find((c) => c.code === row.category_code);
  const now = deps.now().toISOString();
  // notify and dispatch may say how urgent the item is; every deadline follows the item's urgency
  const sends = req.action === 'notify' || req.action === 'dispatch';
  const urgency: Urgency = (sends ? req.urgency : undefined) ?? row.urgency;
  const rule = await deadlineRule(deps, t, category, urgency);
  const patch: Partial<Insertable<ReportTable>> = { status: decision.to, updated_at: now };
  const data: Record<string, unknown> = { photoIds };
  if (sends && urgency !== row.urgency) {
    patch.urgency = urgency;
    data.urgency = urgency;
  }
  const named = sends && req.toAssigneeId ? await answeringPerson(deps, t, req.toAssigneeId) : undefined;
  let mergeInto: string | undefined;

  switch (req.action) {
    case 'notify': {
      patch.deadline_at = deadlineFor(rule, now, t.timezone);
      if (named) {
        // the office names who answers: the item goes to that person, and to the area the person answers for
        patch.assignee_id = named.id;
        if (named.area_id) patch.responsible_area_id = named.area_id;
        Object.assign(data, { assigneeId: named.id, fromAssigneeId: row.assignee_id, ...(named.area_id && named.area_id !== row.responsible_area_id ? { toAreaId: named.area_id, fromAreaId: row.responsible_area_id } : {}) });
      } else if (!row.assignee_id || !(await isActive(deps, row.assignee_id))) {
        const [person] = row.responsible_area_id ? await findUsersForArea(db, row.responsible_area_id, ['cleaner', 'unit']) : [];
        if (!person) throw nobodyAnswers(row.responsible_area_id);
        patch.assignee_id = person.id;
        data.assigneeId = person.id;
      }
      data.deadlineAt = patch.deadline_at;
      // whose it was when sent: what 退回率 counts a later return against
      data.areaId = patch.responsible_area_id ?? row.responsible_area_id;
      break;
    }
    case 'rectify':
      patch.rectified_by = user.id;
      break;
    case 'verify':
      patch.closed_at = now;
      break;
    case 'reopen':
      patch.deadline_at = deadlineFor(rule, now, t.timezone);
      patch.rectified_by = null;
      data.deadlineAt = patch.deadline_at;
      break;
    case 'merge': {
      const target = await findMergeTarget(deps, t, req.duplicateOf!);
      if (!target || target.id === row.id || !OPEN_STATUSES.includes(target.status)) {
        throw new AppError(422, 'bad_duplicate', '只能合并到另一个未办结的问题。Merge only into another item that is still open.', {
          duplicateOf: req.duplicateOf!,
        });
      }
      mergeInto = target.id;
      patch.duplicate_of = target.id;
      data.duplicateOf = target.id;
      data.duplicateOfCase = target.case_no;
      break;
    }
    case 'reject':
      patch.extension_until = null;
      break;
    case 'dispatch': {
      const { areas } = await townshipRouter(deps, t);
      const areaId = req.toAreaId ?? named?.area_id ?? undefined;
      const area = areas.find((a) => a.id === areaId);
      if (!area) throw new AppError(422, 'unknown_area', '没有这个责任区域。No such area in this township.', { toAreaId: areaId ?? '' });
      const person = named ?? (await findUsersForArea(db, area.id, ['cleaner', 'unit']))[0];
      patch.responsible_area_id = area.id;
      patch.assignee_id = person?.id ?? null;
      patch.deadline_at = deadlineFor(rule, now, t.timezone);
      patch.extension_until = null;
      Object.assign(data, { toAreaId: area.id, fromAreaId: row.responsible_area_id, assigneeId: patch.assignee_id, deadlineAt: patch.deadline_at });
      break;
    }
    case 'return':
      // not theirs: back to the office, unassigned and without a deadline, until it is dispatched again
      patch.assignee_id = null;
      patch.responsible_area_id = null;
      patch.deadline_at = null;
      patch.extension_until = null;
      Object.assign(data, { fromAreaId: row.responsible_area_id, fromAssigneeId: row.assignee_id });
      break;
    case 'extend': {
      const problem = extensionProblem(row.deadline_at, req.until!, now);
      if (problem) throw new AppError(422, 'bad_extension', problem, { until: req.until });
      patch.extension_until = new Date(req.until!).toISOString();
      data.until = patch.extension_until;
      break;
    }
    case 'approve_extension':
      patch.deadline_at = row.extension_until;
      patch.extension_until = null;
      Object.assign(data, { deadlineAt: row.extension_until, before: row.deadline_at });
      break;
    case 'refuse_extension':
      patch.extension_until = null;
      data.until = row.extension_until;
      break;
    case 'park':
      patch.parked_at = now;
      patch.parked_deadline_at = row.deadline_at;
      patch.deadline_at = null;
      patch.extension_until = null;
      data.deadlineAt = row.deadline_at;
      break;
    case 'restore':
      // a fresh limit from today for an item that had been sent out; one never sent waits for dispatch
      patch.parked_at = null;
      patch.parked_deadline_at = null;
      patch.deadline_at = row.status === 'notified' ? deadlineFor(rule, now, t.timezone) : null;
      data.deadlineAt = patch.deadline_at;
      break;
    case 'urge':
      data.deadlineAt = row.deadline_at;
      break;
  }

  await db.transaction().execute(async (trx) => {
    // A late rectification still costs the deduction for the deadline it missed.
    if (req.action === 'rectify' && row.deadline_at && row.deadline_at < now && !(await hasDeduction(trx, row.id, row.deadline_at))) {
      const d = deductionFor(row, category, t.timezone, now);
      if (d) await insertDeductions(trx, [d]);
    }
    if (!(await updateReportIfUnchanged(trx, row.id, { status: row.status, version: row.version }, patch))) {
      throw stale((await findReportById(trx, t.id, row.id)) ?? row);
    }
    // park, restore, urge and the extension steps leave the state as it was: an event without a move
    const moves = decision.to !== row.status || req.action === 'reopen' || req.action === 'dispatch';
    await appendEvent(trx, row, req.action, moves ? decision.to : null, user.id, now, req.note, data, key);
    if (req.action === 'urge') {
      const hooks = (await listWebhooks(trx, t.id)).filter((h) => h.active === 1);
      if (hooks.length) await queueEvent(deps, trx, t, hooks, `urge:${row.id}:${now}`, await urgePayload(deps, trx, t, row, req.note ?? null));
    }
    if (req.action === 'merge') {
      await appendEvent(trx, { ...row, id: mergeInto!, status: row.status }, 'merged_in', null, user.id, now, req.note, {
        from: row.id,
        fromCase: row.case_no,
      });
    }
    await insertReportPhotos(
      trx,
      photoIds.map((photo_id) => ({
        report_id: row.id,
        photo_id,
        kind: req.action === 'rectify' ? ('after' as const) : ('sighting' as const),
        event_id: null,
        added_at: now,
      })),
    );
  });
  return toView((await findReportById(db, t.id, id))!, await viewContext(deps, t));
}

async function appendEvent(
  trx: Transaction<Database>,
  row: Pick<ReportRow, 'id' | 'township_id' | 'status'>,
  type: string,
  to: ReportRow['status'] | null,
  actorId: string | null,
  at: string,
  note: string | undefined | null,
  data: Record<string, unknown>,
  idempotencyKey?: string,
) {
  await insertReportEvents(trx, [
    {
      ...(idempotencyKey ? { idempotency_key: idempotencyKey } : {}),
      report_id: row.id,
      township_id: row.township_id,
      type,
      from_status: to ? row.status : null,
      to_status: to,
      actor_id: actorId,
      at,
      note: note?.trim() || null,
      data: JSON.stringify(data),
    },
  ]);
}

/**
 * Charges every item past its deadline and still not rectified: one deduction per missed deadline
 * for the responsible area and person, and an "overdue" event. Safe to run from several servers.
 */
export async function sweepOverdue(deps: Deps, township?: TownshipRow): Promise<number> {
  const t = township ?? (await currentTownship(deps));
  const db = deps.store.db;
  const now = deps.now().toISOString();
  const late = await findOverdueUncharged(db, t.id, now);
  if (!late.length) return 0;
  const categories = new Map((await listCategories(db, t.id)).map((c) => [c.code, c]));
  const hooks = (await listWebhooks(db, t.id)).filter((h) => h.active === 1);
  const areaNames = hooks.length ? new Map((await townshipRouter(deps, t)).areas.map((a) => [a.id, a.nameZh])) : new Map<string, string>();
  const phones = hooks.length ? new Map((await listAreas(db, t.id)).flatMap((a) => (a.responsible_phone ? [[a.id, a.responsible_phone] as const] : []))) : new Map<string, string>();
  let charged = 0;
  // A backlog (a first start, a long outage) is charged in chunks, one transaction each, not one per item.
  for (let i = 0; i < late.length; i += SWEEP_CHUNK) {
    await db.transaction().execute(async (trx) => {
      for (const row of late.slice(i, i + SWEEP_CHUNK)) {
        const d = deductionFor(row, categories.get(row.category_code), t.timezone, now);
        if (!d) continue;
        const newly = await insertDeductions(trx, [d]);
        if (newly.length) {
          charged++;
          await appendEvent(trx, row, 'overdue', null, null, now, null, {
            deadlineAt: row.deadline_at,
            amountYuan: d.amount_yuan,
            points: d.points,
          });
          if (hooks.length) await queueEvent(deps, trx, t, hooks, `overdue:${row.id}:${row.deadline_at}`, overduePayload(deps, t, row, categories.get(row.category_code), areaNames, d, phones));
        }
      }
    });
  }
  return charged;
}

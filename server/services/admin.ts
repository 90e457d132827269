import { bboxOf, type AreaGeometry, type BBox } from '../domain/geo.ts';
import { geometryProblems } from '../domain/boundaries.ts';
import type { Role } from '../domain/lifecycle.ts';
import { findArea, insertAreas, updateArea, type AreaRow } from '../store/areas.ts';
import { isUniqueViolation } from '../store/errors.ts';
import type { AreaKind } from '../store/schema.ts';
import { randomUUID } from 'node:crypto';
import { listCategories, updateCategory } from '../store/categories.ts';
import { deleteSessionsOf, findUserById, listUsers, updateUser, type UserRow } from '../store/users.ts';
import { recordAudit } from './audit.ts';
import { addUser, type SessionUser } from './auth.ts';
import { clearCaches, currentTownship, type Deps } from './context.ts';
import { rerouteAround } from './rerouting.ts';
import { tidyGeometry } from './townships.ts';
import { AppError } from './errors.ts';
import { hashPassword, requireStrongPassword } from './passwords.ts';

// What the admin and the office change: people, categories, and the areas that answer for the spots.

/** A new zone, village, community or unit drawn in the editor; open items inside it are re-routed to it. */
export async function createArea(
  deps: Deps,
  actor: SessionUser,
  input: { kind: AreaKind; code: string; nameZh: string; nameEn?: string | undefined; responsibleName?: string | null | undefined; responsiblePhone?: string | null | undefined; geometry: unknown },
) {
  const t = await currentTownship(deps);
  const problems = geometryProblems(input.geometry);
  if (problems.length) throw new AppError(422, problems[0]!.code, problems.map((p) => p.message).join(' '));
  const geometry = input.geometry as AreaGeometry;
  const box = bboxOf(geometry);
  const now = deps.now().toISOString();
  const row: AreaRow = {
    id: randomUUID(),
    township_id: t.id,
    kind: input.kind,
    code: input.code,
    name_zh: input.nameZh,
    name_en: input.nameEn ?? input.nameZh,
    // RFC 7946: outer rings counter-clockwise, 7 decimals (a centimetre)
    polygon: JSON.stringify(tidyGeometry(geometry)),
    min_lon: box[0],
    min_lat: box[1],
    max_lon: box[2],
    max_lat: box[3],
    responsible_name: input.responsibleName ?? null,
    responsible_phone: input.responsiblePhone ?? null,
    created_at: now,
    updated_at: now,
  };
  let rerouted = 0;
  try {
    await deps.store.db.transaction().execute(async (trx) => {
      await insertAreas(trx, [row]);
      rerouted = await rerouteAround(deps, trx, t, actor.id, box, { area: row.id });
      await recordAudit(deps, trx, { townshipId: t.id, actor, action: 'area.create', target: `area:${row.code}`, detail: { kind: row.kind, nameZh: row.name_zh, geometry, rerouted } });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError(409, 'area_code_taken', `编码“${input.code}”已被使用。The code ${input.code} is taken.`);
    throw err;
  }
  clearCaches(deps);
  return { id: row.id, code: row.code, kind: row.kind, nameZh: row.name_zh, nameEn: row.name_en, geometry, rerouted };
}

const userView = (u: UserRow) => ({
  id: u.id,
  username: u.username,
  displayName: u.display_name,
  role: u.role,
  areaId: u.area_id,
  phone: u.phone,
  active: u.active === 1,
  createdAt: new Date(u.created_at).toISOString(),
});

export async function listPeople(deps: Deps) {
  const t = await currentTownship(deps);
  return { users: (await listUsers(deps.store.db, t.id)).map(userView) };
}

async function requireArea(deps: Deps, townshipId: string, areaId: string | null | undefined) {
  if (!areaId) return;
  if (!(await findArea(deps.store.db, townshipId, areaId))) {
    throw new AppError(422, 'unknown_area', `没有这个区域。No area ${areaId} in this township.`);
  }
}

export async function createPerson(
  deps: Deps,
  actor: SessionUser,
  input: { username: string; displayName: string; role: Role; password: string; areaId?: string | undefined; phone?: string | undefined },
) {
  const t = await currentTownship(deps);
  await requireArea(deps, t.id, input.areaId);
  if ((input.role === 'cleaner' || input.role === 'unit') && !input.areaId) {
    throw new AppError(422, 'area_required', '保洁员和单位账号必须指定负责区域。A cleaner or unit needs the area they answer for.');
  }
  const u = await addUser(deps, { ...input, townshipId: t.id, areaId: input.areaId ?? null, phone: input.phone ?? null }, actor);
  return userView((await findUserById(deps.store.db, u.id))!);
}

export async function updatePerson(
  deps: Deps,
  actor: SessionUser,
  id: string,
  patch: { displayName?: string | undefined; role?: Role | undefined; areaId?: string | null | undefined; phone?: string | null | undefined; active?: boolean | undefined; password?: string | undefined; mustChangePassword?: boolean | undefined },
) {
  const t = await currentTownship(deps);
  const before = await findUserById(deps.store.db, id);
  if (!before || before.township_id !== t.id) throw new AppError(404, 'user_not_found', `没有这个用户。No user ${id}.`);
  if (id === actor.id && ((patch.role && patch.role !== 'admin') || patch.active === false)) {
    throw new AppError(422, 'self_lockout', '不能停用自己或取消自己的管理员角色。You cannot deactivate yourself or give up your own admin role.');
  }
  await requireArea(deps, t.id, patch.areaId);
  if (patch.password !== undefined) requireStrongPassword(patch.password, { username: before.username, displayName: before.display_name });
  const set = {
    ...(patch.displayName !== undefined ? { display_name: patch.displayName } : {}),
    ...(patch.role !== undefined ? { role: patch.role } : {}),
    ...(patch.areaId !== undefined ? { area_id: patch.areaId } : {}),
    ...(patch.phone !== undefined ? { phone: patch.phone } : {}),
    ...(patch.active !== undefined ? { active: patch.active ? 1 : 0 } : {}),
    ...(patch.password !== undefined ? { password_hash: await hashPassword(patch.password) } : {}),
    ...(patch.mustChangePassword !== undefined ? { must_change_password: patch.mustChangePassword ? 1 : 0 } : {}),
  };
  await deps.store.db.transaction().execute(async (trx) => {
    await updateUser(trx, id, set);
    // A new password or a deactivated account ends every open session of that person.
    if (patch.password !== undefined || patch.active === false) await deleteSessionsOf(trx, id);
    const { password: _hidden, ...shown } = patch;
    await recordAudit(deps, trx, {
      townshipId: t.id,
      actor,
      action: 'user.update',
      target: `user:${before.username}`,
      detail: { before: userView(before), changes: { ...shown, ...(patch.password !== undefined ? { password: '(reset)' } : {}) } },
    });
  });
  clearCaches(deps);
  return userView((await findUserById(deps.store.db, id))!);
}

export async function updateCategoryRules(
  deps: Deps,
  actor: SessionUser,
  code: string,
  patch: { nameZh?: string | undefined; nameEn?: string | undefined; color?: string | undefined; deadlineHours?: number | undefined; deadlineUnit?: 'hours' | 'working_hours' | 'working_days' | undefined; urgentHours?: number | null | undefined; deductionYuan?: number | undefined; scorePoints?: number | undefined; active?: boolean | undefined; sameDay?: boolean | undefined },
) {
  const t = await currentTownship(deps);
  const before = (await listCategories(deps.store.db, t.id)).find((c) => c.code === code);
  if (!before) throw new AppError(404, 'category_not_found', `没有类别“${code}”。No category ${code}.`);
  const set = {
    ...(patch.nameZh !== undefined ? { name_zh: patch.nameZh } : {}),
    ...(patch.nameEn !== undefined ? { name_en: patch.nameEn } : {}),
    ...(patch.color !== undefined ? { color: patch.color } : {}),
    ...(patch.deadlineHours !== undefined ? { deadline_hours: patch.deadlineHours } : {}),
    ...(patch.deadlineUnit !== undefined ? { deadline_unit: patch.deadlineUnit } : {}),
    ...(patch.urgentHours !== undefined ? { urgent_hours: patch.urgentHours } : {}),
    ...(patch.deductionYuan !== undefined ? { deduction_yuan: patch.deductionYuan } : {}),
    ...(patch.scorePoints !== undefined ? { score_points: patch.scorePoints } : {}),
    ...(patch.active !== undefined ? { active: patch.active ? 1 : 0 } : {}),
    ...(patch.sameDay !== undefined ? { same_day: patch.sameDay ? 1 : 0 } : {}),
  };
  await deps.store.db.transaction().execute(async (trx) => {
    await updateCategory(trx, t.id, code, set);
    await recordAudit(deps, trx, { townshipId: t.id, actor, action: 'category.update', target: `category:${code}`, detail: { before, changes: patch } });
  });
  clearCaches(deps);
  const after = (await listCategories(deps.store.db, t.id)).find((c) => c.code === code)!;
  return {
    code: after.code,
    nameZh: after.name_zh,
    nameEn: after.name_en,
    color: after.color,
    deadlineHours: after.deadline_hours,
    deadlineUnit: after.deadline_unit,
    urgentHours: after.urgent_hours,
    deductionYuan: after.deduction_yuan,
    duplicateRadiusM: after.duplicate_radius_m,
    scorePoints: after.score_points,
    active: after.active === 1,
    sameDay: after.same_day === 1,
  };
}

const union = (a: BBox, b: BBox): BBox => [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];

/**
 * Changes an area's names, responsible person or boundary. A new boundary re-routes every item still waiting for
 * rectification around it to the zone, village or unit that now owns its spot, in the same transaction.
 */
export async function updateAreaDetails(
  deps: Deps,
  actor: SessionUser,
  id: string,
  patch: { nameZh?: string | undefined; nameEn?: string | undefined; responsibleName?: string | null | undefined; responsiblePhone?: string | null | undefined; geometry?: unknown },
) {
  const t = await currentTownship(deps);
  const before = await findArea(deps.store.db, t.id, id);
  if (!before) throw new AppError(404, 'area_not_found', `没有这个区域。No area ${id}.`);
  let geometry: AreaGeometry | undefined;
  if (patch.geometry !== undefined) {
    const problems = geometryProblems(patch.geometry);
    if (problems.length) throw new AppError(422, problems[0]!.code, problems.map((p) => p.message).join(' '));
    geometry = patch.geometry as AreaGeometry;
  }
  const now = deps.now().toISOString();
  let rerouted = 0;
  await deps.store.db.transaction().execute(async (trx) => {
    const box = geometry ? bboxOf(geometry) : undefined;
    await updateArea(trx, t.id, id, {
      ...(patch.nameZh !== undefined ? { name_zh: patch.nameZh } : {}),
      ...(patch.nameEn !== undefined ? { name_en: patch.nameEn } : {}),
      ...(patch.responsibleName !== undefined ? { responsible_name: patch.responsibleName } : {}),
      ...(patch.responsiblePhone !== undefined ? { responsible_phone: patch.responsiblePhone } : {}),
      ...(geometry && box ? { polygon: JSON.stringify(tidyGeometry(geometry)), min_lon: box[0], min_lat: box[1], max_lon: box[2], max_lat: box[3] } : {}),
      updated_at: now,
    });
    if (geometry && box) {
      rerouted = await rerouteAround(deps, trx, t, actor.id, union([before.min_lon, before.min_lat, before.max_lon, before.max_lat], box), { area: id });
    }
    const { geometry: _g, ...shown } = patch;
    await recordAudit(deps, trx, {
      townshipId: t.id,
      actor,
      action: 'area.update',
      target: `area:${before.code}`,
      detail: {
        before: { nameZh: before.name_zh, nameEn: before.name_en, responsibleName: before.responsible_name, responsiblePhone: before.responsible_phone, ...(geometry ? { geometry: JSON.parse(before.polygon) } : {}) },
        changes: { ...shown, ...(geometry ? { geometry } : {}) },
        ...(geometry ? { rerouted } : {}),
      },
    });
  });
  clearCaches(deps);
  const after = (await findArea(deps.store.db, t.id, id))!;
  return {
    id: after.id,
    code: after.code,
    kind: after.kind,
    nameZh: after.name_zh,
    nameEn: after.name_en,
    responsibleName: after.responsible_name,
    responsiblePhone: after.responsible_phone,
    geometry: JSON.parse(after.polygon) as AreaGeometry,
    rerouted,
  };
}

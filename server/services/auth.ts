import { createHash, randomBytes } from 'node:crypto';
import { clearCaches, type Deps } from './context.ts';
import { AppError } from './errors.ts';
import { hashPassword, needsRehash, requireStrongPassword, unknownUserHash, verifyPassword } from './passwords.ts';
import {
  clearLoginFailures,
  deleteExpiredSessions,
  deleteLoginFailuresBefore,
  knownDevice,
  releaseLoginAttempt,
  rememberDevice,
  replacePasswordHash,
  changeOwnPassword,
  reserveLoginAttempt,
  deleteSession,
  findSessionWithUser,
  findUserById,
  findUserByUsername,
  insertSession,
  insertUsers,
  touchSession,
  updatePassword,
  deleteSessionsOf,
  setSessionTownship,
  type UserRow,
} from '../store/users.ts';
import { DESK_ROLES, isCountyRole, type Role } from '../domain/lifecycle.ts';
import { findDefaultTownship, findTownshipByCode } from '../store/townships.ts';
import { COMMAND_LINE, recordAudit, type AuditActor } from './audit.ts';
import { secondFactorMatches } from './second-factor.ts';
import { randomUUID } from 'node:crypto';

export interface SessionUser {
  id: string;
  /**
   * The township the user works in: their own, or for the county's people (who belong to none) the one their
   * session is looking at (null until a township exists).
   */
  townshipId: string | null;
  /** One of the county's people, who read every township and belong to none. */
  county: boolean;
  /** An administrator asked for a new password: nothing else is served until it is chosen. */
  mustChangePassword: boolean;
  username: string;
  displayName: string;
  role: Role;
  areaId: string | null;
}

/** A session lasts a week from the last use, and never more than 30 days from log-in. */
export const SESSION_IDLE_MS = 7 * 86_400_000;
export const SESSION_MAX_MS = 30 * 86_400_000;
const TOUCH_EVERY_MS = 5 * 60_000;
/**
 * Desk roles are signed out after this long without a request (HOTSPOTS_IDLE_MINUTES): a screen left open in an
 * office is not a session for whoever sits down next. Field roles keep the week: their phones' outboxes must
 * still sync reports made hours ago without signal.
 */
export const DESK_IDLE_MS = 30 * 60_000;
export { DESK_ROLES };
/** Failed log-ins allowed per user name, and per address, in the window. */
export const LOGIN_MAX_FAILURES = 5;
export const LOGIN_MAX_FAILURES_PER_ADDRESS = 30;
export const LOGIN_WINDOW_MS = 15 * 60_000;

const tokenId = (token: string) => createHash('sha256').update(token).digest('hex');

function toSessionUser(u: UserRow, viewing: string | null = null): SessionUser {
  const county = isCountyRole(u.role);
  return { id: u.id, townshipId: county ? viewing : u.township_id, county, mustChangePassword: u.must_change_password === 1, username: u.username, displayName: u.display_name, role: u.role, areaId: u.area_id };
}

/** How long after the latest failure another attempt is let through: 30 s after five failures, doubling, at most the window. */
export function retryDelayMs(failuresBefore: number, limit: number): number {
  if (failuresBefore < limit) return 0;
  return Math.min(LOGIN_WINDOW_MS, 30_000 * 2 ** (failuresBefore - limit));
}

const minutes = (ms: number) => Math.max(1, Math.ceil(ms / 60_000));

export interface LoginAttempt {
  username: string;
  password: string;
  /** The client's address (behind a trusted proxy, the one it forwarded). */
  address: string;
  /** The device cookie's token, when the browser has one. */
  device?: string | undefined;
  /** The second factor's code (or a recovery code), for people who turned it on. */
  code?: string | undefined;
}

/**
 * Checks a user name and password; returns a new session and the device token to keep. Attempts are reserved
 * before the password is checked, so parallel guesses are counted as they come. Wrong guesses slow down further
 * attempts for that name (30 s after five, doubling) and for that address; a device the person has signed in
 * from before is counted on its own, so someone guessing elsewhere cannot lock the real person out.
 */
export async function login(deps: Deps, a: LoginAttempt): Promise<{ token: string; user: SessionUser; expiresAt: string; device: string }> {
  const db = deps.store.db;
  const now = deps.now();
  const nowIso = now.toISOString();
  const since = new Date(now.getTime() - LOGIN_WINDOW_MS).toISOString();
  const user = await findUserByUsername(db, a.username);
  const deviceId = a.device && a.device.length <= 200 ? tokenId(a.device) : null;
  const known = deviceId !== null && user !== undefined && (await knownDevice(db, deviceId, user.id));
  const nameKey = known ? `device:${deviceId}:${user!.id}` : `user:${a.username.toLowerCase()}`;
  const keys = [nameKey, `addr:${a.address}`];
  const reserved = await reserveLoginAttempt(db, keys, nowIso, since);
  const limits = [LOGIN_MAX_FAILURES, LOGIN_MAX_FAILURES_PER_ADDRESS];
  const wait = Math.max(
    ...reserved.before.map((b, i) => (b.last ? Date.parse(b.last) + retryDelayMs(b.n, limits[i]!) - now.getTime() : 0)),
  );
  if (wait > 0) {
    await releaseLoginAttempt(db, reserved.ids);
    throw new AppError(429, 'too_many_attempts', `登录失败次数过多,请 ${minutes(wait)} 分钟后再试。Too many failed sign-ins; try again in ${minutes(wait)} minute(s).`, undefined, wait / 1000);
  }
  // An unknown name costs the same hash as a known one: the answer's timing does not tell which names exist.
  const ok = (await verifyPassword(a.password, user?.active === 1 ? user.password_hash : await unknownUserHash())) && user !== undefined && user.active === 1;
  if (!ok || !user) {
    await recordAudit(deps, db, { townshipId: user?.township_id ?? null, actor: { id: user?.id ?? null, username: a.username.slice(0, 64) }, action: 'auth.login_failed', target: `user:${a.username.slice(0, 64)}`, detail: { address: a.address } });
    throw new AppError(401, 'bad_credentials', '用户名或密码不正确。The user name or password is wrong.');
  }
  if (user.totp_enabled === 1) {
    if (!a.code) {
      // The password was right: not a failure, but not yet a session either.
      await releaseLoginAttempt(db, reserved.ids);
      throw new AppError(401, 'second_factor_required', '请输入身份验证器中的6位动态码(或一个恢复码)。Enter the 6-digit code from your authenticator app (or a recovery code).');
    }
    if (!(await secondFactorMatches(deps, user, a.code))) {
      await recordAudit(deps, db, { townshipId: user.township_id, actor: { id: user.id, username: user.username }, action: 'auth.login_failed', target: `user:${user.username}`, detail: { address: a.address, secondFactor: true } });
      throw new AppError(401, 'bad_second_factor', '动态码不正确。The code is wrong.');
    }
  }
  await releaseLoginAttempt(db, reserved.ids);
  await clearLoginFailures(db, nameKey);
  // A hash made with an older, lower cost is made again now that the password is at hand.
  if (needsRehash(user.password_hash)) await replacePasswordHash(db, user.id, await hashPassword(a.password));
  const device = known ? a.device! : randomBytes(32).toString('base64url');
  await rememberDevice(db, tokenId(device), user.id, nowIso);
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_IDLE_MS).toISOString();
  const viewing = isCountyRole(user.role) ? ((await findDefaultTownship(db))?.id ?? null) : null;
  await insertSession(db, { id: tokenId(token), user_id: user.id, created_at: nowIso, last_seen_at: nowIso, expires_at: expiresAt, township_id: viewing });
  await recordAudit(deps, db, { townshipId: user.township_id, actor: { id: user.id, username: user.username }, action: 'auth.login', target: `user:${user.username}`, detail: { address: a.address, knownDevice: known } });
  return { token, user: toSessionUser(user, viewing), expiresAt, device };
}

/** The signed-in user for a session token, or null when it is unknown or expired; slides the expiry. */
export async function authenticate(deps: Deps, token: string | undefined): Promise<SessionUser | null> {
  if (!token || token.length > 200) return null;
  const db = deps.store.db;
  const id = tokenId(token);
  const found = await findSessionWithUser(db, id);
  if (!found) return null;
  const { session, user } = found;
  const now = deps.now();
  const nowIso = now.toISOString();
  const idle = user !== undefined && DESK_ROLES.includes(user.role) && now.getTime() - Date.parse(session.last_seen_at) > (deps.options.deskIdleMs ?? DESK_IDLE_MS);
  if (idle || session.expires_at <= nowIso || Date.parse(session.created_at) + SESSION_MAX_MS <= now.getTime()) {
    await deleteSession(db, id);
    if (user) await recordAudit(deps, db, { townshipId: user.township_id, actor: { id: user.id, username: user.username }, action: idle ? 'auth.session_idle' : 'auth.session_expired', target: `user:${user.username}`, detail: { lastSeenAt: session.last_seen_at } });
    return null;
  }
  if (!user || user.active !== 1) return null;
  if (now.getTime() - Date.parse(session.last_seen_at) > TOUCH_EVERY_MS) {
    const expires = Math.min(now.getTime() + SESSION_IDLE_MS, Date.parse(session.created_at) + SESSION_MAX_MS);
    await touchSession(db, id, nowIso, new Date(expires).toISOString());
  }
  // A county person whose session looks at no township yet (none existed at sign-in) looks at the first one.
  const viewing = isCountyRole(user.role) ? (session.township_id ?? (await findDefaultTownship(db))?.id ?? null) : null;
  return toSessionUser(user, viewing);
}

/** Points a county person's session at another township (the header's township switcher). */
export async function viewTownship(deps: Deps, token: string | undefined, user: SessionUser, code: string) {
  if (!user.county) throw new AppError(403, 'forbidden', '只有县级用户可以切换乡镇。Only the county\'s people switch townships.');
  const t = await findTownshipByCode(deps.store.db, code);
  if (!token || !t) throw new AppError(404, 'township_not_found', '没有这个乡镇。No such township.');
  await setSessionTownship(deps.store.db, tokenId(token), t.id);
  return { code: t.code, nameZh: t.name_zh, nameEn: t.name_en };
}

/** The signed-in person chooses a new password (required when an administrator asked for one). */
export async function changePassword(deps: Deps, token: string | undefined, user: SessionUser, current: string, next: string): Promise<SessionUser> {
  const row = await findUserById(deps.store.db, user.id);
  if (!row || !token || !(await verifyPassword(current, row.password_hash))) throw new AppError(401, 'bad_credentials', '当前密码不正确。The current password is wrong.');
  if (current === next) throw new AppError(422, 'same_password', '新密码不能与当前密码相同。Choose a password different from the current one.');
  requireStrongPassword(next, { username: row.username, displayName: row.display_name });
  await changeOwnPassword(deps.store.db, row.id, await hashPassword(next), tokenId(token));
  await recordAudit(deps, deps.store.db, { townshipId: row.township_id, actor: { id: row.id, username: row.username }, action: 'user.password', target: `user:${row.username}`, detail: { by: 'self' } });
  return { ...user, mustChangePassword: false };
}

/** Forgets sessions past their expiry and failed sign-ins past their window (the minute's jobs). */
export async function pruneSignIns(deps: Deps): Promise<void> {
  const now = deps.now();
  await deleteExpiredSessions(deps.store.db, now.toISOString());
  await deleteLoginFailuresBefore(deps.store.db, new Date(now.getTime() - LOGIN_WINDOW_MS).toISOString());
}

/** Ends a session, and says so in the audit log. */
export async function logout(deps: Deps, token: string | undefined, user: SessionUser | null, address: string): Promise<void> {
  if (token) await deleteSession(deps.store.db, tokenId(token));
  if (user) {
    await recordAudit(deps, deps.store.db, { townshipId: user.county ? null : user.townshipId, actor: { id: user.id, username: user.username }, action: 'auth.logout', target: `user:${user.username}`, detail: { address } });
  }
}

export interface NewUser {
  /** Null for the county's people. */
  townshipId: string | null;
  username: string;
  displayName: string;
  role: Role;
  password: string;
  areaId?: string | null;
  phone?: string | null;
}

/** Adds a user with a hashed password; a taken user name is a 409. */
export async function addUser(deps: Deps, u: NewUser, actor: AuditActor = COMMAND_LINE): Promise<SessionUser> {
  if (isCountyRole(u.role) !== (u.townshipId === null)) {
    throw new AppError(
      422,
      'role_township_mismatch',
      isCountyRole(u.role)
        ? `县级角色(${u.role})不属于某个乡镇。A county role (${u.role}) belongs to no township.`
        : `乡镇角色(${u.role})必须属于一个乡镇。A township role (${u.role}) needs its township.`,
    );
  }
  requireStrongPassword(u.password, u);
  if (await findUserByUsername(deps.store.db, u.username)) {
    throw new AppError(409, 'username_taken', `用户名“${u.username}”已存在。The user name ${u.username} is taken.`);
  }
  const row = {
    id: randomUUID(),
    township_id: u.townshipId,
    username: u.username,
    display_name: u.displayName,
    role: u.role,
    created_at: deps.now().toISOString(),
    password_hash: await hashPassword(u.password),
    area_id: u.areaId ?? null,
    phone: u.phone ?? null,
    active: 1,
  };
  await deps.store.db.transaction().execute(async (trx) => {
    await insertUsers(trx, [row]);
    await recordAudit(deps, trx, {
      townshipId: u.townshipId,
      actor,
      action: 'user.create',
      target: `user:${u.username}`,
      detail: { role: u.role, displayName: u.displayName, areaId: row.area_id, phone: row.phone },
    });
  });
  clearCaches(deps);
  return toSessionUser({ ...row, totp_secret: null, totp_enabled: 0, must_change_password: 0 });
}

/** Sets a new password and ends the user's sessions everywhere. */
export async function setPassword(deps: Deps, username: string, password: string): Promise<void> {
  const user = await findUserByUsername(deps.store.db, username);
  if (!user) throw new AppError(404, 'user_not_found', `没有用户“${username}”。No user ${username}.`);
  requireStrongPassword(password, { username: user.username, displayName: user.display_name });
  await updatePassword(deps.store.db, user.id, await hashPassword(password));
  await deleteSessionsOf(deps.store.db, user.id);
  await recordAudit(deps, deps.store.db, { townshipId: user.township_id, actor: COMMAND_LINE, action: 'user.password', target: `user:${user.username}` });
}

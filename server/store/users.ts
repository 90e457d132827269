import type { Kysely, Transaction, Insertable, Selectable } from 'kysely';
import type { Database, UserTable, SessionTable, Role } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;
export type UserRow = Selectable<UserTable>;
export type SessionRow = Selectable<SessionTable>;

export async function insertUsers(db: Db, rows: Insertable<UserTable>[]): Promise<void> {
  if (rows.length) await db.insertInto('users').values(rows).execute();
}

export function findUserByUsername(db: Db, username: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
}

export function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listUsers(db: Db, townshipId: string): Promise<UserRow[]> {
  return db.selectFrom('users').selectAll().where('township_id', '=', townshipId).orderBy('username').execute();
}

/** The county's people: they belong to no township. */
export function listCountyUsers(db: Db): Promise<UserRow[]> {
  return db.selectFrom('users').selectAll().where('township_id', 'is', null).orderBy('username').execute();
}

/** Active users of a role who own an area (the cleaner of a zone, the head of a village, a unit). */
export function findUsersForArea(db: Db, areaId: string, roles: readonly Role[]): Promise<UserRow[]> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('area_id', '=', areaId)
    .where('role', 'in', roles)
    .where('active', '=', 1)
    .orderBy('username')
    .execute();
}

export async function insertSession(db: Db, row: SessionTable): Promise<void> {
  await db.insertInto('sessions').values(row).execute();
}

export function findSession(db: Db, id: string): Promise<SessionRow | undefined> {
  return db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A session and its user in one query (every request asks this). */
export async function findSessionWithUser(db: Db, id: string): Promise<{ session: SessionRow; user: UserRow | undefined } | undefined> {
  const row = await db
    .selectFrom('sessions')
    .leftJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id as s_id',
      'sessions.user_id as s_user_id',
      'sessions.created_at as s_created_at',
      'sessions.last_seen_at as s_last_seen_at',
      'sessions.expires_at as s_expires_at',
      'sessions.township_id as s_township_id',
    ])
    .selectAll('users')
    .where('sessions.id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  const { s_id, s_user_id, s_created_at, s_last_seen_at, s_expires_at, s_township_id, ...user } = row;
  const session = { id: s_id, user_id: s_user_id, created_at: s_created_at, last_seen_at: s_last_seen_at, expires_at: s_expires_at, township_id: s_township_id };
  return { session, user: user.id ? (user as UserRow) : undefined };
}

/** The township a county person's session looks at. */
export async function setSessionTownship(db: Db, id: string, townshipId: string): Promise<void> {
  await db.updateTable('sessions').set({ township_id: townshipId }).where('id', '=', id).execute();
}

export async function touchSession(db: Db, id: string, lastSeen: string, expires: string): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: lastSeen, expires_at: expires }).where('id', '=', id).execute();
}

export async function deleteSession(db: Db, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}

export async function deleteExpiredSessions(db: Db, now: string): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<', now).execute();
}

/** Forgets failed sign-ins older than the window they count in. */
export async function deleteLoginFailuresBefore(db: Db, before: string): Promise<void> {
  await db.deleteFrom('login_failures').where('at', '<', before).execute();
}

/**
 * Reserves a sign-in attempt under each key before the password is checked, and returns, per key, the
 * failures recorded before this one in the window and when the latest of them was. Parallel attempts each see
 * those ahead of them, so forty at once cannot all pass as if they were the first.
 */
export async function reserveLoginAttempt(db: Db, keys: string[], at: string, since: string): Promise<{ ids: number[]; before: Array<{ n: number; last: string | null }> }> {
  const ids: number[] = [];
  const before: Array<{ n: number; last: string | null }> = [];
  for (const key of keys) {
    const row = await db.insertInto('login_failures').values({ key, at }).returning('id').executeTakeFirstOrThrow();
    ids.push(Number(row.id));
    const r = await db
      .selectFrom('login_failures')
      .select((eb) => [eb.fn.countAll<number | string>().as('n'), eb.fn.max('at').as('last')])
      .where('key', '=', key)
      .where('at', '>=', since)
      .where('id', '<', Number(row.id))
      .executeTakeFirstOrThrow();
    before.push({ n: Number(r.n), last: (r.last as string | null) ?? null });
  }
  return { ids, before };
}

/** Takes back reservations (a right password, or an attempt refused before its password was checked). */
export async function releaseLoginAttempt(db: Db, ids: number[]): Promise<void> {
  if (ids.length) await db.deleteFrom('login_failures').where('id', 'in', ids).execute();
}

/** Whether a device cookie's token (hashed) is one this user has signed in from. */
export async function knownDevice(db: Db, id: string, userId: string): Promise<boolean> {
  return (await db.selectFrom('known_devices').select('id').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst()) !== undefined;
}

export async function rememberDevice(db: Db, id: string, userId: string, at: string): Promise<void> {
  const updated = await db.updateTable('known_devices').set({ last_used_at: at }).where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) await db.insertInto('known_devices').values({ id, user_id: userId, created_at: at, last_used_at: at }).execute();
}

export async function clearLoginFailures(db: Db, key: string): Promise<void> {
  await db.deleteFrom('login_failures').where('key', '=', key).execute();
}

/** A new password chosen by its owner: the other sessions end, the one in use stays. */
export async function changeOwnPassword(db: Db, userId: string, hash: string, keepSession: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ password_hash: hash, must_change_password: 0 }).where('id', '=', userId).execute();
    await trx.deleteFrom('sessions').where('user_id', '=', userId).where('id', '!=', keepSession).execute();
  });
}

/** A stronger hash of the same password: sessions stay as they are. */
export async function replacePasswordHash(db: Db, userId: string, hash: string): Promise<void> {
  await db.updateTable('users').set({ password_hash: hash }).where('id', '=', userId).execute();
}

export async function updatePassword(db: Db, userId: string, hash: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ password_hash: hash, must_change_password: 0 }).where('id', '=', userId).execute();
    await trx.deleteFrom('sessions').where('user_id', '=', userId).execute();
  });
}

export async function updateUser(
  db: Db,
  id: string,
  patch: Partial<Pick<UserRow, 'display_name' | 'role' | 'area_id' | 'phone' | 'active' | 'password_hash' | 'must_change_password'>>,
): Promise<void> {
  await db.updateTable('users').set(patch).where('id', '=', id).execute();
}

/** Signs a user out everywhere (after a password reset or deactivation). */
export async function deleteSessionsOf(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}

/** Starts enrolling a second factor: the secret is kept, not yet required. */
export async function setTotpSecret(db: Db, userId: string, secret: string | null, enabled: boolean): Promise<void> {
  await db.updateTable('users').set({ totp_secret: secret, totp_enabled: enabled ? 1 : 0 }).where('id', '=', userId).execute();
}

/** Replaces a person's recovery codes (hashes). */
export async function replaceRecoveryCodes(db: Db, userId: string, hashes: string[]): Promise<void> {
  await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  if (hashes.length) await db.insertInto('recovery_codes').values(hashes.map((code_hash) => ({ user_id: userId, code_hash, used_at: null }))).execute();
}

/** Uses up a recovery code; false when it is unknown or used already. */
export async function useRecoveryCode(db: Db, userId: string, hash: string, at: string): Promise<boolean> {
  const r = await db.updateTable('recovery_codes').set({ used_at: at }).where('user_id', '=', userId).where('code_hash', '=', hash).where('used_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

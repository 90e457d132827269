import { createHash, randomBytes } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import type { Deps } from './context.ts';
import { AppError } from './errors.ts';
import { recordAudit, COMMAND_LINE } from './audit.ts';
import type { SessionUser } from './auth.ts';
import { findUserById, findUserByUsername, replaceRecoveryCodes, setTotpSecret, useRecoveryCode, type UserRow } from '../store/users.ts';
import { SECOND_FACTOR_ROLES, type Role } from '../domain/lifecycle.ts';

// An optional second factor for the roles that can change a whole township or the county: a time-based code
// from an authenticator app (TOTP, RFC 6238, with the maintained `otpauth` library), and ten one-time recovery
// codes for a lost phone. `npm run user -- reset-2fa <name>` is the way back for an administrator locked out.

export { SECOND_FACTOR_ROLES };
const ISSUER = '创文热点地图';
const hash = (code: string) => createHash('sha256').update(code.trim().toLowerCase().replace(/[\s-]/g, '')).digest('hex');

function totpOf(u: Pick<UserRow, 'username'>, secret: string) {
  return new OTPAuth.TOTP({ issuer: ISSUER, label: u.username, algorithm: 'SHA1', digits: 6, period: 30, secret: OTPAuth.Secret.fromBase32(secret) });
}

/**
 * A new secret for the authenticator app, with its otpauth:// address (the app reads it, or the key is typed in).
 * Nothing is stored yet: the secret comes back with the first code to confirm it.
 */
export async function startSecondFactor(deps: Deps, user: SessionUser) {
  if (!SECOND_FACTOR_ROLES.includes(user.role)) throw new AppError(403, 'forbidden', '此角色不使用两步验证。This role does not use a second factor.');
  const row = await findUserById(deps.store.db, user.id);
  if (row?.totp_enabled === 1) throw new AppError(409, 'second_factor_on', '两步验证已开启;如需更换请先由管理员重置。The second factor is on already; have it reset first to change it.');
  const secret = new OTPAuth.Secret({ size: 20 }).base32;
  return { secret, uri: totpOf(user, secret).toString() };
}

/** Turns the second factor on once a code from the app matches the secret; returns the recovery codes, shown this once. */
export async function confirmSecondFactor(deps: Deps, user: SessionUser, secret: string, code: string) {
  const row = await findUserById(deps.store.db, user.id);
  if (!row || !SECOND_FACTOR_ROLES.includes(row.role)) throw new AppError(403, 'forbidden', '此角色不使用两步验证。This role does not use a second factor.');
  if (row.totp_enabled === 1) throw new AppError(409, 'second_factor_on', '两步验证已开启。The second factor is on already.');
  let valid: number | null = null;
  try {
    valid = totpOf(row, secret).validate({ token: code.trim(), timestamp: deps.now().getTime(), window: 1 });
  } catch {
    valid = null; // not a base32 secret
  }
  if (valid === null) {
    throw new AppError(422, 'bad_second_factor', '验证码不正确,请用身份验证器中当前的6位数字。The code does not match; use the 6 digits the app shows now.');
  }
  const codes = Array.from({ length: 10 }, () => randomBytes(5).toString('hex').replace(/(.{5})/, '$1-'));
  await deps.store.db.transaction().execute(async (trx) => {
    await setTotpSecret(trx, user.id, secret, true);
    await replaceRecoveryCodes(trx, user.id, codes.map(hash));
    await recordAudit(deps, trx, { townshipId: row.township_id, actor: { id: user.id, username: user.username }, action: 'auth.second_factor_on', target: `user:${user.username}` });
  });
  return { recoveryCodes: codes };
}

/** Whether a code is this person's current TOTP code or one of their unused recovery codes (which it then uses up). */
export async function secondFactorMatches(deps: Deps, row: UserRow, code: string): Promise<boolean> {
  if (!row.totp_secret) return false;
  const c = code.trim();
  if (/^\d{6}$/.test(c)) return totpOf(row, row.totp_secret).validate({ token: c, timestamp: deps.now().getTime(), window: 1 }) !== null;
  return useRecoveryCode(deps.store.db, row.id, hash(c), deps.now().toISOString());
}

/** Turns someone's second factor off (the command line's reset-2fa for a locked-out administrator). */
export async function resetSecondFactor(deps: Deps, username: string): Promise<void> {
  const row = await findUserByUsername(deps.store.db, username);
  if (!row) throw new AppError(404, 'user_not_found', `没有用户“${username}”。No user ${username}.`);
  await deps.store.db.transaction().execute(async (trx) => {
    await setTotpSecret(trx, row.id, null, false);
    await replaceRecoveryCodes(trx, row.id, []);
    await recordAudit(deps, trx, { townshipId: row.township_id, actor: COMMAND_LINE, action: 'auth.second_factor_reset', target: `user:${row.username}` });
  });
}

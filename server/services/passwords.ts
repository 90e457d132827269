import crypto, { randomBytes, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import pLimit from 'p-limit';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import { passwordRuleProblems, type PasswordProblem } from '../domain/password-rules.ts';
import { AppError } from './errors.ts';

// Password hashes: scrypt with a random salt, stored as "scrypt$N$r$p$salt$hash" (base64).
//
// scrypt runs in libuv's pool of four threads, the same threads that sync the database log before a report is
// acknowledged and read photos. A flood of sign-ins would take all four and stall every write behind it, so at
// most two hashes run at once (p-limit, a maintained queue) and the other two threads stay free.
export const HASHING_SLOTS = 2;
const slots = pLimit(HASHING_SLOTS);

// OWASP's current minimum for scrypt: N = 2^17, r = 8, p = 1 (128 MiB and about 0.4 s a hash here). Hashes
// made with a lower cost are upgraded when their owner next signs in.
export const OWASP_N = 131072;
// Under the test runner (Vitest sets VITEST) hashes cost 2^14: the suite signs in about a thousand times, and at the
// full cost scrypt took two fifths of its time. A server never runs under Vitest; the sign-in tests put the full
// cost back (usePasswordCost) and check the hashes it writes and upgrades.
let N = process.env.VITEST && process.env.NODE_ENV !== 'production' ? 16384 : OWASP_N;

let dummy: Promise<string> | undefined;

/** The scrypt cost new hashes are made at (and below which a stored hash is made again at sign-in). */
export const passwordCost = (): number => N;
/** For tests only: the cost to hash at from now on in this process. */
export function usePasswordCost(n: number): void {
  N = n;
  // the unknown user's hash must cost what a known user's does
  dummy = undefined;
}
const R = 8;
const P = 1;
const KEYLEN = 32;

function scrypt(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return slots(
    () =>
      new Promise<Buffer>((resolve, reject) =>
        crypto.scrypt(password.normalize('NFKC'), salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))),
      ),
  );
}

/** A hash to check a password against when the user name is unknown, so both answers take as long. */
export function unknownUserHash(): Promise<string> {
  return (dummy ??= hashPassword(randomBytes(16).toString('hex')));
}

/** A new hash for a password. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEYLEN, { N, r: R, p: P, maxmem: 256 * 1024 * 1024 });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Whether a stored hash was made with less than today's cost (to be made again at the next sign-in). */
export function needsRehash(stored: string | null): boolean {
  const parts = stored?.split('$');
  return !parts || parts[0] !== 'scrypt' || Number(parts[1]) < N || Number(parts[2]) < R;
}

/** Whether a password matches a stored hash, in constant time. */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const parts = stored?.split('$');
  if (!parts || parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, salt, hash] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64');
  const key = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: 256 * 1024 * 1024,
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

// zxcvbn-ts (a maintained strength estimator) with its common-password and name dictionaries: "Password123!"
// passes the length and kind rules and is still among the first guesses.
let estimator: ZxcvbnFactory | undefined;
const strength = (pw: string, userInputs: string[]) => {
  estimator ??= new ZxcvbnFactory({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs });
  return estimator.check(pw, userInputs).score;
};

/** Refuses a password set through the product (not the demo's) that breaks the rules or is easy to guess. */
export function requireStrongPassword(pw: string, user: { username: string; displayName?: string | undefined }): void {
  const problems: PasswordProblem[] = passwordRuleProblems(pw, user.username);
  if (!problems.length && strength(pw, [user.username, user.displayName ?? '']) < 3) {
    problems.push({ code: 'too_guessable', zh: '太容易被猜到(常见密码或其变形)', en: 'too easy to guess (a common password or a variant of one)' });
  }
  if (problems.length) {
    throw new AppError(422, 'weak_password', `密码不符合要求:${problems.map((p) => p.zh).join(';')}。The password must be ${problems.map((p) => p.en).join('; ')}.`, { problems: problems.map((p) => p.code) });
  }
}

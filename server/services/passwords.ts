import crypto, { randomBytes, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import pLimit from 'p-limit';

// Password hashes: scrypt with a random salt, stored as "scrypt$N$r$p$salt$hash" (base64).
//
// scrypt runs in libuv's pool of four threads, the same threads that sync the database log before a report is
// acknowledged and read photos. A flood of sign-ins would take all four and stall every write behind it, so at
// most two hashes run at once (p-limit, a maintained queue) and the other two threads stay free.
export const HASHING_SLOTS = 2;
const slots = pLimit(HASHING_SLOTS);

const N = 16384;
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

let dummy: Promise<string> | undefined;
/** A hash to check a password against when the user name is unknown, so both answers take as long. */
export function unknownUserHash(): Promise<string> {
  return (dummy ??= hashPassword(randomBytes(16).toString('hex')));
}

/** A new hash for a password. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEYLEN, { N, r: R, p: P, maxmem: 64 * 1024 * 1024 });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
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
    maxmem: 64 * 1024 * 1024,
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Deps } from './context.ts';
import { deploymentSecret } from '../store/integrations.ts';
import { findTownshipByCode, type TownshipRow } from '../store/townships.ts';

// Read-only links a robot message can carry, for a group member who is not signed in: one file of one township,
// until a time, signed with the deployment's key (HMAC-SHA256). A link that was changed or has expired is refused.

/** How long a briefing link in a group message opens its file. */
export const LINK_DAYS = 14;

const keys = new WeakMap<Deps, Promise<string>>();
function keyOf(deps: Deps): Promise<string> {
  let k = keys.get(deps);
  if (!k) {
    k = deploymentSecret(deps.store.db, 'link-signing', randomBytes(32).toString('base64url'));
    k.catch(() => keys.delete(deps));
    keys.set(deps, k);
  }
  return k;
}

const message = (townshipId: string, path: string, exp: number) => `${townshipId}\n${path}\n${exp}`;

/** The path with `t`, `exp` and `sig` added: opens `path` of township t until exp. */
export async function signedPath(deps: Deps, t: Pick<TownshipRow, 'id' | 'code'>, path: string, days = LINK_DAYS): Promise<string> {
  const exp = Math.floor(deps.now().getTime() / 1000) + days * 86_400;
  const sig = createHmac('sha256', await keyOf(deps)).update(message(t.id, path, exp)).digest('base64url');
  return `${path}?t=${encodeURIComponent(t.code)}&exp=${exp}&sig=${sig}`;
}

/** Whether a request for `path` carries a valid, unexpired signature for the township. */
export async function verifySignedPath(deps: Deps, townshipId: string, path: string, exp: string | undefined, sig: string | undefined): Promise<'ok' | 'expired' | 'invalid'> {
  if (!exp || !sig || !/^\d{1,12}$/.test(exp)) return 'invalid';
  const expected = createHmac('sha256', await keyOf(deps)).update(message(townshipId, path, Number(exp))).digest();
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
  return Number(exp) * 1000 < deps.now().getTime() ? 'expired' : 'ok';
}

/** The township a link's `t` names. */
export async function townshipOfLink(deps: Deps, code: string | undefined): Promise<TownshipRow | null> {
  if (!code || !/^[A-Za-z0-9_-]{1,60}$/.test(code)) return null;
  return (await findTownshipByCode(deps.store.db, code)) ?? null;
}

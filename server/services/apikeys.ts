import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Deps } from './context.ts';
import { currentTownship } from './context.ts';
import { AppError } from './errors.ts';
import { recordAudit } from './audit.ts';
import type { SessionUser } from './auth.ts';
import { findApiKeyByHash, insertApiKey, listApiKeys, revokeApiKey, touchApiKey, type ApiKeyRow } from '../store/integrations.ts';

// API keys for systems that report through Open311 (a city platform, a 12345 hotline bridge): issued and revoked
// by the admin, stored only as hashes.

const hashOf = (key: string) => createHash('sha256').update(key).digest('hex');

const view = (k: ApiKeyRow) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  createdAt: new Date(k.created_at).toISOString(),
  revokedAt: k.revoked_at ? new Date(k.revoked_at).toISOString() : null,
  lastUsedAt: k.last_used_at ? new Date(k.last_used_at).toISOString() : null,
  crs: k.crs,
});

export async function listKeys(deps: Deps) {
  const t = await currentTownship(deps);
  return { keys: (await listApiKeys(deps.store.db, t.id)).map(view) };
}

/** A new key; the only time its full text is shown. */
export async function issueKey(deps: Deps, actor: SessionUser, name: string, crs: 'wgs84' | 'gcj02' = 'wgs84') {
  const t = await currentTownship(deps);
  const key = `hs_${randomBytes(24).toString('base64url')}`;
  const row = { id: randomUUID(), township_id: t.id, name, key_hash: hashOf(key), prefix: key.slice(0, 7), created_by: actor.id, created_at: deps.now().toISOString(), revoked_at: null, last_used_at: null, crs };
  await deps.store.db.transaction().execute(async (trx) => {
    await insertApiKey(trx, row);
    await recordAudit(deps, trx, { townshipId: t.id, actor, action: 'api_key.issue', target: `api_key:${row.prefix}`, detail: { name, crs } });
  });
  return { ...view(row), key };
}

export async function revokeKey(deps: Deps, actor: SessionUser, id: string) {
  const t = await currentTownship(deps);
  const now = deps.now().toISOString();
  await deps.store.db.transaction().execute(async (trx) => {
    if (!(await revokeApiKey(trx, t.id, id, now))) throw new AppError(404, 'api_key_not_found', `没有这个有效的密钥。No active API key ${id}.`);
    await recordAudit(deps, trx, { townshipId: t.id, actor, action: 'api_key.revoke', target: `api_key:${id}` });
  });
  return { id, revokedAt: now };
}

/** The township a key belongs to, or null for an unknown or revoked key. */
export async function authenticateKey(deps: Deps, key: string | undefined): Promise<ApiKeyRow | null> {
  if (!key || key.length > 200) return null;
  const row = await findApiKeyByHash(deps.store.db, hashOf(key));
  if (!row || row.revoked_at) return null;
  const now = deps.now();
  if (!row.last_used_at || now.getTime() - Date.parse(row.last_used_at) > 60_000) await touchApiKey(deps.store.db, row.id, now.toISOString());
  return row;
}

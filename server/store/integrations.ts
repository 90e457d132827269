import type { Kysely, Transaction, Insertable, Selectable } from 'kysely';
import type { ApiKeyTable, Database, WebhookDeliveryTable, WebhookTable } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;
export type ApiKeyRow = Selectable<ApiKeyTable>;
export type WebhookRow = Selectable<WebhookTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveryTable>;

export async function insertApiKey(db: Db, row: Insertable<ApiKeyTable>): Promise<void> {
  await db.insertInto('api_keys').values(row).execute();
}

export function listApiKeys(db: Db, townshipId: string): Promise<ApiKeyRow[]> {
  return db.selectFrom('api_keys').selectAll().where('township_id', '=', townshipId).orderBy('created_at', 'desc').execute();
}

export function findApiKeyByHash(db: Db, hash: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('key_hash', '=', hash).executeTakeFirst();
}

export async function revokeApiKey(db: Db, townshipId: string, id: string, at: string): Promise<boolean> {
  const r = await db.updateTable('api_keys').set({ revoked_at: at }).where('township_id', '=', townshipId).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function touchApiKey(db: Db, id: string, at: string): Promise<void> {
  await db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
}

export async function insertWebhook(db: Db, row: Insertable<WebhookTable>): Promise<void> {
  await db.insertInto('webhooks').values(row).execute();
}

export function listWebhooks(db: Db, townshipId: string): Promise<WebhookRow[]> {
  return db.selectFrom('webhooks').selectAll().where('township_id', '=', townshipId).orderBy('created_at').execute();
}

export async function deactivateWebhook(db: Db, townshipId: string, id: string): Promise<boolean> {
  const r = await db.updateTable('webhooks').set({ active: 0 }).where('township_id', '=', townshipId).where('id', '=', id).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Queues deliveries; one per webhook and event key, so two servers queueing the same event make one. */
export async function queueDeliveries(db: Db, rows: Insertable<WebhookDeliveryTable>[]): Promise<void> {
  if (!rows.length) return;
  await db.insertInto('webhook_deliveries').values(rows).onConflict((oc) => oc.columns(['webhook_id', 'event_key']).doNothing()).execute();
}

export function dueDeliveries(db: Db, now: string, limit: number) {
  return db
    .selectFrom('webhook_deliveries')
    .innerJoin('webhooks', 'webhooks.id', 'webhook_deliveries.webhook_id')
    .selectAll('webhook_deliveries')
    .select(['webhooks.url', 'webhooks.format', 'webhooks.township_id'])
    .where('webhook_deliveries.delivered_at', 'is', null)
    .where('webhook_deliveries.failed_at', 'is', null)
    .where('webhook_deliveries.next_attempt_at', '<=', now)
    .where('webhooks.active', '=', 1)
    .orderBy('webhook_deliveries.id')
    .limit(limit)
    .execute();
}

/**
 * Takes a delivery for one attempt: pushes its next attempt into the future first, so another server polling at the
 * same moment skips it. Returns false when someone else took it.
 */
export async function claimDelivery(db: Db, id: number, expectedAttempts: number, retryAt: string): Promise<boolean> {
  const r = await db
    .updateTable('webhook_deliveries')
    .set({ attempts: expectedAttempts + 1, next_attempt_at: retryAt })
    .where('id', '=', id)
    .where('attempts', '=', expectedAttempts)
    .where('delivered_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function finishDelivery(db: Db, id: number, outcome: { delivered_at?: string; failed_at?: string; last_error?: string | null }): Promise<void> {
  await db.updateTable('webhook_deliveries').set(outcome).where('id', '=', id).execute();
}

export function listDeliveries(db: Db, webhookId: string, limit = 50): Promise<WebhookDeliveryRow[]> {
  return db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', webhookId).orderBy('id', 'desc').limit(limit).execute();
}

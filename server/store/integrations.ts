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
    .select(['webhooks.url', 'webhooks.format', 'webhooks.township_id', 'webhooks.secret', 'webhooks.keyword'])
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

/** Messages a robot was sent since an instant (its per-minute limit). */
export async function deliveredSince(db: Db, webhookId: string, since: string): Promise<number> {
  const r = await db
    .selectFrom('webhook_deliveries')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('webhook_id', '=', webhookId)
    .where('delivered_at', '>=', since)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Per webhook: deliveries waiting, given up, and the newest error with when it happened. */
export async function deliveryHealth(db: Db, townshipId: string) {
  return db
    .selectFrom('webhook_deliveries')
    .innerJoin('webhooks', 'webhooks.id', 'webhook_deliveries.webhook_id')
    .where('webhooks.township_id', '=', townshipId)
    .select((eb) => [
      'webhook_deliveries.webhook_id as webhookId',
      eb.fn.sum<number | string>(eb.case().when(eb.and([eb('webhook_deliveries.delivered_at', 'is', null), eb('webhook_deliveries.failed_at', 'is', null)])).then(1).else(0).end()).as('pending'),
      eb.fn.sum<number | string>(eb.case().when('webhook_deliveries.failed_at', 'is not', null).then(1).else(0).end()).as('failed'),
      eb.fn.sum<number | string>(eb.case().when('webhook_deliveries.delivered_at', 'is not', null).then(1).else(0).end()).as('delivered'),
    ])
    .groupBy('webhook_deliveries.webhook_id')
    .execute();
}

/** The newest delivery of each webhook that ended in an error: what the robot said. */
export async function lastDeliveryErrors(db: Db, townshipId: string) {
  return db
    .selectFrom('webhook_deliveries')
    .innerJoin('webhooks', 'webhooks.id', 'webhook_deliveries.webhook_id')
    .where('webhooks.township_id', '=', townshipId)
    .where('webhook_deliveries.last_error', 'is not', null)
    .select(['webhook_deliveries.webhook_id as webhookId', 'webhook_deliveries.last_error as error', 'webhook_deliveries.next_attempt_at as at', 'webhook_deliveries.id as id'])
    .orderBy('webhook_deliveries.id', 'desc')
    .limit(200)
    .execute();
}

/** The deployment's secret of that name, made from `candidate` the first time; every server reads the same one. */
export async function deploymentSecret(db: Db, name: string, candidate: string): Promise<string> {
  await db.insertInto('deployment_secrets').values({ name, value: candidate }).onConflict((oc) => oc.column('name').doNothing()).execute();
  const row = await db.selectFrom('deployment_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow();
  return row.value;
}

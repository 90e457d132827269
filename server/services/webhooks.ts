import { randomUUID } from 'node:crypto';
import dns from 'node:dns/promises';
import type { Kysely, Transaction } from 'kysely';
import type { Deps } from './context.ts';
import { isPrivateHost } from '../domain/addresses.ts';
import { currentTownship } from './context.ts';
import { AppError } from './errors.ts';
import { recordAudit } from './audit.ts';
import type { SessionUser } from './auth.ts';
import type { Database, WebhookFormat } from '../store/schema.ts';
import type { TownshipRow } from '../store/townships.ts';
import {
  claimDelivery,
  deactivateWebhook,
  dueDeliveries,
  finishDelivery,
  insertWebhook,
  listWebhooks,
  queueDeliveries,
  type WebhookRow,
} from '../store/integrations.ts';

// Outgoing webhooks: a generic JSON POST, or the group-robot messages of WeCom (企业微信) and DingTalk (钉钉), when an
// item becomes overdue and when a weekly briefing is ready. Queued in the database with the event (so a crash loses
// none and two servers send each once), delivered with exponential back-off.

export const WEBHOOK_EVENTS = ['report.overdue', 'briefing.ready'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** After this many failed attempts a delivery is given up (about a day of retrying). */
export const MAX_ATTEMPTS = 8;
/** Wait before attempt n+1: 30 s, 1 min, 2 min, … capped at 6 h. */
export const backoffMs = (attempts: number) => Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 6 * 3600_000);

export interface EventPayload {
  event: WebhookEvent;
  township: { code: string; nameZh: string };
  occurredAt: string;
  /** One line a person reads in a group chat. */
  title: string;
  text: string;
  link: string | null;
  data: Record<string, unknown>;
}

const view = (w: WebhookRow) => ({
  id: w.id,
  name: w.name,
  format: w.format,
  url: w.url.replace(/([?&](key|access_token)=)[^&]+/g, '$1…'),
  events: JSON.parse(w.events) as WebhookEvent[],
  active: w.active === 1,
  createdAt: new Date(w.created_at).toISOString(),
});

export async function listHooks(deps: Deps) {
  const t = await currentTownship(deps);
  return { webhooks: (await listWebhooks(deps.store.db, t.id)).map(view) };
}

export async function createHook(deps: Deps, actor: SessionUser, input: { name: string; format: WebhookFormat; url: string; events: WebhookEvent[] }) {
  if (!deps.options.privateWebhooks && isPrivateHost(new URL(input.url).hostname)) {
    throw new AppError(422, 'private_webhook', '消息推送地址指向本机或内网,已拒绝(如确需内网推送,请设置 HOTSPOTS_WEBHOOK_PRIVATE=1)。The webhook address points at this computer or the local network; set HOTSPOTS_WEBHOOK_PRIVATE=1 to allow it.');
  }
  const t = await currentTownship(deps);
  const row = { id: randomUUID(), township_id: t.id, name: input.name, format: input.format, url: input.url, events: JSON.stringify([...new Set(input.events)]), active: 1, created_at: deps.now().toISOString() };
  await deps.store.db.transaction().execute(async (trx) => {
    await insertWebhook(trx, row);
    await recordAudit(deps, trx, { townshipId: t.id, actor, action: 'webhook.create', target: `webhook:${row.id}`, detail: { name: input.name, format: input.format, events: input.events, url: view(row as WebhookRow).url } });
  });
  return view(row as WebhookRow);
}

export async function removeHook(deps: Deps, actor: SessionUser, id: string) {
  const t = await currentTownship(deps);
  await deps.store.db.transaction().execute(async (trx) => {
    if (!(await deactivateWebhook(trx, t.id, id))) throw new AppError(404, 'webhook_not_found', `没有这个推送。No webhook ${id}.`);
    await recordAudit(deps, trx, { townshipId: t.id, actor, action: 'webhook.remove', target: `webhook:${id}` });
  });
  return { id, active: false };
}

/** Queues one event for every active webhook of the township that wants it; the key makes queueing idempotent. */
export async function queueEvent(
  deps: Deps,
  db: Kysely<Database> | Transaction<Database>,
  t: Pick<TownshipRow, 'id' | 'code' | 'name_zh'>,
  hooks: readonly WebhookRow[],
  key: string,
  payload: Omit<EventPayload, 'township' | 'occurredAt'>,
): Promise<void> {
  const wanted = hooks.filter((h) => h.active === 1 && (JSON.parse(h.events) as string[]).includes(payload.event));
  if (!wanted.length) return;
  const now = deps.now().toISOString();
  const full: EventPayload = { ...payload, township: { code: t.code, nameZh: t.name_zh }, occurredAt: now };
  await queueDeliveries(
    db,
    wanted.map((h) => ({ webhook_id: h.id, event: payload.event, event_key: key, payload: JSON.stringify(full), next_attempt_at: now, delivered_at: null, failed_at: null, last_error: null, created_at: now })),
  );
}

/** The message body each kind of receiver expects. */
export function renderMessage(format: WebhookFormat, p: EventPayload): unknown {
  const link = p.link ? `\n\n[在地图上查看 · Open on the map](${p.link})` : '';
  if (format === 'wecom') return { msgtype: 'markdown', markdown: { content: `**${p.title}**\n${p.text}${link}` } };
  if (format === 'dingtalk') return { msgtype: 'markdown', markdown: { title: p.title, text: `### ${p.title}\n${p.text}${link}` } };
  return p;
}

/**
 * Sends what is due. Each delivery is claimed first (its next attempt pushed into the future), so servers polling
 * together send it once; a 2xx (and, for the robots, errcode 0) marks it delivered, anything else schedules a retry.
 */
export async function deliverWebhooks(deps: Deps, opts: { timeoutMs?: number; limit?: number } = {}): Promise<{ delivered: number; failed: number }> {
  const now = deps.now();
  const due = await dueDeliveries(deps.store.db, now.toISOString(), opts.limit ?? 50);
  let delivered = 0;
  let failed = 0;
  for (const d of due) {
    const attempts = Number(d.attempts);
    const retryAt = new Date(now.getTime() + backoffMs(attempts + 1)).toISOString();
    if (!(await claimDelivery(deps.store.db, Number(d.id), attempts, retryAt))) continue;
    let error: string | null = null;
    try {
      // A name can point inside too (or be pointed there later): its address is checked just before sending.
      if (!deps.options.privateWebhooks) {
        const host = new URL(d.url).hostname.replace(/^\[|\]$/g, '');
        const resolved = await dns.lookup(host).catch(() => null);
        if (isPrivateHost(host) || (resolved && isPrivateHost(resolved.address))) throw new Error(`${host} resolves to a private address (${resolved?.address ?? host}); refused`);
      }
      const res = await fetch(d.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'hotspot-map-webhook/1' },
        body: JSON.stringify(renderMessage(d.format as WebhookFormat, JSON.parse(d.payload) as EventPayload)),
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
        redirect: 'error',
      });
      const text = await res.text();
      if (!res.ok) error = `HTTP ${res.status}: ${text.slice(0, 200)}`;
      else if (d.format !== 'json') {
        const body = (() => {
          try {
            return JSON.parse(text) as { errcode?: number; errmsg?: string };
          } catch {
            return null;
          }
        })();
        if (!body || body.errcode !== 0) error = `robot answered ${text.slice(0, 200)}`;
      }
    } catch (err) {
      error = (err as Error).message;
    }
    if (!error) {
      await finishDelivery(deps.store.db, Number(d.id), { delivered_at: deps.now().toISOString(), last_error: null });
      delivered++;
    } else {
      const gaveUp = attempts + 1 >= MAX_ATTEMPTS;
      await finishDelivery(deps.store.db, Number(d.id), { last_error: error, ...(gaveUp ? { failed_at: deps.now().toISOString() } : {}) });
      failed++;
    }
  }
  return { delivered, failed };
}

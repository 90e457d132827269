import { createHmac, randomUUID } from 'node:crypto';
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
  deliveredSince,
  deliveryHealth,
  dueDeliveries,
  lastDeliveryErrors,
  finishDelivery,
  insertWebhook,
  listWebhooks,
  queueDeliveries,
  type WebhookRow,
} from '../store/integrations.ts';

// Outgoing webhooks: a generic JSON POST, or the group-robot messages of WeCom (企业微信) and DingTalk (钉钉), when an
// item becomes overdue and when a weekly briefing is ready. Queued in the database with the event (so a crash loses
// none and two servers send each once), delivered with exponential back-off.

export const WEBHOOK_EVENTS = ['report.overdue', 'report.due_soon', 'report.urged', 'briefing.ready'] as const;
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

/** Both platforms let a robot post 20 messages a minute; past that, the rest of the moment goes out as one digest. */
export const ROBOT_PER_MINUTE = 20;
/** A robot message is kept under this many bytes of JSON. */
export const ROBOT_MAX_BYTES = 4096;

interface Health {
  pending: number;
  failed: number;
  delivered: number;
  lastError: string | null;
  lastErrorAt: string | null;
}

const view = (w: WebhookRow, health?: Health) => ({
  id: w.id,
  name: w.name,
  format: w.format,
  url: w.url.replace(/([?&](key|access_token)=)[^&]+/g, '$1…'),
  events: JSON.parse(w.events) as WebhookEvent[],
  active: w.active === 1,
  createdAt: new Date(w.created_at).toISOString(),
  signed: Boolean(w.secret),
  keyword: w.keyword,
  deliveries: health ?? { pending: 0, failed: 0, delivered: 0, lastError: null, lastErrorAt: null },
});

export async function listHooks(deps: Deps) {
  const t = await currentTownship(deps);
  const [hooks, health, errors] = await Promise.all([listWebhooks(deps.store.db, t.id), deliveryHealth(deps.store.db, t.id), lastDeliveryErrors(deps.store.db, t.id)]);
  const of = (id: string): Health => {
    const h = health.find((x) => x.webhookId === id);
    const e = errors.find((x) => x.webhookId === id);
    return { pending: Number(h?.pending ?? 0), failed: Number(h?.failed ?? 0), delivered: Number(h?.delivered ?? 0), lastError: e?.error ?? null, lastErrorAt: e ? new Date(e.at).toISOString() : null };
  };
  return { webhooks: hooks.map((w) => view(w, of(w.id))) };
}

export async function createHook(deps: Deps, actor: SessionUser, input: { name: string; format: WebhookFormat; url: string; events: WebhookEvent[]; secret?: string | undefined; keyword?: string | undefined }) {
  if (input.secret && input.format !== 'dingtalk') {
    throw new AppError(422, 'secret_for_dingtalk', '加签密钥只用于钉钉机器人。A signing secret is for DingTalk robots only.');
  }
  if (!deps.options.privateWebhooks && isPrivateHost(new URL(input.url).hostname)) {
    throw new AppError(422, 'private_webhook', '消息推送地址指向本机或内网,已拒绝(如确需内网推送,请设置 HOTSPOTS_WEBHOOK_PRIVATE=1)。The webhook address points at this computer or the local network; set HOTSPOTS_WEBHOOK_PRIVATE=1 to allow it.');
  }
  const t = await currentTownship(deps);
  const row = {
    id: randomUUID(),
    township_id: t.id,
    name: input.name,
    format: input.format,
    url: input.url,
    events: JSON.stringify([...new Set(input.events)]),
    active: 1,
    created_at: deps.now().toISOString(),
    secret: input.secret ?? null,
    keyword: input.keyword ?? null,
  };
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

const utf8Bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v), 'utf8');

/**
 * The message body each kind of receiver expects. A robot's keyword is put before the title when the message
 * lacks it; DingTalk @-mentions the responsible person's phone; the body is cut to stay under 4 096 bytes.
 */
export function renderMessage(format: WebhookFormat, p: EventPayload, robot: { keyword?: string | null } = {}): unknown {
  if (format === 'json') return p;
  const link = p.link ? `\n\n[在地图上查看 · Open on the map](${p.link})` : '';
  const kw = robot.keyword && !`${p.title}${p.text}`.includes(robot.keyword) ? `【${robot.keyword}】` : '';
  const phone = typeof p.data.responsiblePhone === 'string' ? p.data.responsiblePhone : null;
  const mention = format === 'dingtalk' && phone ? `\n\n@${phone}` : '';
  const build = (text: string) =>
    format === 'wecom'
      ? { msgtype: 'markdown', markdown: { content: `**${kw}${p.title}**\n${text}${link}` } }
      : { msgtype: 'markdown', markdown: { title: `${kw}${p.title}`, text: `### ${kw}${p.title}\n${text}${link}${mention}` }, ...(phone ? { at: { atMobiles: [phone], isAtAll: false } } : {}) };
  let text = p.text;
  let body = build(text);
  while (utf8Bytes(body) > ROBOT_MAX_BYTES && text.length > 1) {
    text = `${text.slice(0, Math.floor(text.length * 0.9))}…`;
    body = build(text);
  }
  return body;
}

/** DingTalk's 加签: the URL with a millisecond timestamp and base64(HMAC-SHA256(secret, timestamp + "\\n" + secret)). */
export function signedDingTalkUrl(url: string, secret: string, at: number): string {
  const sign = createHmac('sha256', secret).update(`${at}\n${secret}`).digest('base64');
  return `${url}${url.includes('?') ? '&' : '?'}timestamp=${at}&sign=${encodeURIComponent(sign)}`;
}

/** Many events at once for one robot, as one message: each title on a line. */
function digestOf(payloads: readonly EventPayload[], t: { code: string; nameZh: string }): EventPayload {
  return {
    event: payloads[0]!.event,
    township: t,
    occurredAt: payloads[0]!.occurredAt,
    title: `【汇总】另有 ${payloads.length} 条消息`,
    text: payloads.map((p) => `- ${p.title}`).join('\n') + `\n\n${payloads.length} more messages, folded into one to stay within the robot's ${ROBOT_PER_MINUTE} a minute.`,
    link: null,
    data: { digest: payloads.length },
  };
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
  type Due = (typeof due)[number];
  const send = async (d: Due, payload: EventPayload): Promise<string | null> => {
    try {
      // A name can point inside too (or be pointed there later): its address is checked just before sending.
      if (!deps.options.privateWebhooks) {
        const host = new URL(d.url).hostname.replace(/^\[|\]$/g, '');
        const resolved = await dns.lookup(host).catch(() => null);
        if (isPrivateHost(host) || (resolved && isPrivateHost(resolved.address))) throw new Error(`${host} resolves to a private address (${resolved?.address ?? host}); refused`);
      }
      const url = d.format === 'dingtalk' && d.secret ? signedDingTalkUrl(d.url, d.secret, deps.now().getTime()) : d.url;
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'hotspot-map-webhook/1' },
        body: JSON.stringify(renderMessage(d.format as WebhookFormat, payload, { keyword: d.keyword })),
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
        redirect: 'error',
      });
      const text = await res.text();
      if (!res.ok) return `HTTP ${res.status}: ${text.slice(0, 200)}`;
      if (d.format !== 'json') {
        const body = (() => {
          try {
            return JSON.parse(text) as { errcode?: number; errmsg?: string };
          } catch {
            return null;
          }
        })();
        // the robot's own words, for the webhooks page ("keywords not in content", "sign not match", …)
        if (!body || body.errcode !== 0) return `robot answered ${text.slice(0, 200)}`;
      }
      return null;
    } catch (err) {
      return (err as Error).message;
    }
  };
  const finish = async (d: Due, error: string | null, attempts: number) => {
    if (!error) {
      await finishDelivery(deps.store.db, Number(d.id), { delivered_at: deps.now().toISOString(), last_error: null });
      delivered++;
    } else {
      const gaveUp = attempts + 1 >= MAX_ATTEMPTS;
      await finishDelivery(deps.store.db, Number(d.id), { last_error: error, ...(gaveUp ? { failed_at: deps.now().toISOString() } : {}) });
      failed++;
    }
  };
  const byHook = new Map<string, Due[]>();
  for (const d of due) byHook.set(d.webhook_id, [...(byHook.get(d.webhook_id) ?? []), d]);
  for (const [hookId, items] of byHook) {
    // Robots take 20 messages a minute: what would pass that goes out as one digest, and the moment after a
    // full minute waits for the next poll.
    const robot = items[0]!.format !== 'json';
    const room = robot ? ROBOT_PER_MINUTE - (await deliveredSince(deps.store.db, hookId, new Date(now.getTime() - 60_000).toISOString())) : Infinity;
    if (room <= 0) continue;
    const claimed: { d: Due; attempts: number }[] = [];
    for (const d of items) {
      const attempts = Number(d.attempts);
      const retryAt = new Date(now.getTime() + backoffMs(attempts + 1)).toISOString();
      if (await claimDelivery(deps.store.db, Number(d.id), attempts, retryAt)) claimed.push({ d, attempts });
    }
    const single = claimed.length <= room ? claimed : claimed.slice(0, room - 1);
    for (const { d, attempts } of single) await finish(d, await send(d, JSON.parse(d.payload) as EventPayload), attempts);
    const folded = claimed.slice(single.length);
    if (folded.length) {
      const payloads = folded.map(({ d }) => JSON.parse(d.payload) as EventPayload);
      const error = await send(folded[0]!.d, digestOf(payloads, payloads[0]!.township));
      for (const { d, attempts } of folded) await finish(d, error, attempts);
    }
  }
  return { delivered, failed };
}

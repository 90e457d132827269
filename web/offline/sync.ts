import { getItem, isMine, listItems, putItem, type OutboxItem } from './outbox.ts';
import { api } from '../api.ts';
import { stallingFetch, withTimeLimit } from './transport.ts';

// Sends the outbox: photos first (idempotent by content), then the report with its idempotency key.
// A lost answer is retried with the same key and returns the same report; a refusal (4xx) is kept as
// failed with the server's reason for the user to fix or discard. Every request has a time limit, a failure
// waits longer before each new try (5 s, 10 s, 20 s … up to 5 minutes), and one item that cannot go never holds
// the others: each is tried in turn. "Sync now" gives up what is under way and starts again at once.
// The calls go through the typed client, with a time limit (transport.ts).
// Items are sent only under their author's session: the server is asked who is signed in before a run, and an
// answer that the session has ended (401) holds the author's items until they sign in again, never refuses them.

export interface SyncResult {
  sent: number;
  failed: number;
  waiting: number;
  /** Held until their author signs in again. */
  held: number;
}

class Refused extends Error {}
class SignedOut extends Error {}

const FIRST_BACKOFF_MS = 5_000;
const MAX_BACKOFF_MS = 5 * 60_000;

/** How long to wait before the next try after `attempts` failed ones, with a little spread so phones do not beat. */
export function backoffMs(attempts: number, random = Math.random()): number {
  const base = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + 0.4 * random));
}

/** Why an answer failed: a 4xx other than 408/429 will not change by trying again (the server says why). */
async function failure(res: Response): Promise<Error> {
  if (res.status === 401) return new SignedOut('signed out');
  if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
    const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
    return new Refused(body?.error?.message ?? `HTTP ${res.status}`);
  }
  return new Error(`HTTP ${res.status}`);
}

async function send(item: OutboxItem, signal: AbortSignal): Promise<OutboxItem> {
  const photoIds = [...item.photoIds];
  for (let i = photoIds.length; i < item.photos.length; i++) {
    const file = new File([item.photos[i]!], `photo-${i}.jpg`, { type: item.photos[i]!.type || 'image/jpeg' });
    const takenAt = item.photoTakenAt?.[i] ?? undefined;
    const res = await api.photos.$post({ form: { file, ...(takenAt ? { takenAt } : {}) } }, { fetch: stallingFetch({ signal }) });
    if (!res.ok) throw await failure(res);
    photoIds.push((await res.json()).id);
    await putItem({ ...item, state: 'sending', photoIds });
  }
  const header = { 'idempotency-key': item.key };
  const note = item.description || undefined;
  const photos = photoIds.length ? photoIds : undefined;
  const res = await withTimeLimit(
    '/api/reports',
    (limited) => {
      const init = { init: { signal: limited } };
      if (item.kind === 'rectify') {
        return api.reports[':id'].transitions.$post(
          { param: { id: item.targetId! }, header, json: { action: 'rectify', note, photoIds: photos, version: item.targetVersion ?? undefined } },
          init,
        );
      }
      if (item.kind === 'sighting') return api.reports[':id'].sightings.$post({ param: { id: item.targetId! }, header, json: { note, photoIds: photos } }, init);
      return api.reports.$post(
        {
          header,
          json: {
            category: item.category,
            lon: item.lon,
            lat: item.lat,
            accuracyM: item.accuracyM ?? undefined,
            placedBy: item.placedBy ?? undefined,
            description: note,
            urgency: item.urgency ?? undefined,
            capturedAt: item.capturedAt,
            sentAt: new Date().toISOString(),
            photoIds: photos,
          },
        },
        init,
      );
    },
    { signal },
  );
  if (!res.ok) throw await failure(res);
  const body = (await res.json()) as { id: string };
  return { ...item, photoIds, state: 'sent', error: null, reportId: body.id, nextAttemptAt: null, sentAt: new Date().toISOString() };
}

/** Who the server says is signed in on this phone: a user id, null when signed out, undefined when it cannot say. */
async function signedIn(signal: AbortSignal): Promise<string | null | undefined> {
  try {
    const res = await withTimeLimit('/api/auth/me', (limited) => api.auth.me.$get({}, { init: { signal: limited } }), { signal });
    if (!res.ok) return (res.status as number) === 401 ? null : undefined;
    return (await res.json()).user?.id ?? null;
  } catch {
    return undefined;
  }
}

/** A send under way this long counts as hanging: "sync now" gives it up rather than waiting for it. */
const HANGING_MS = 3_000;

let running: { done: Promise<SyncResult>; abort: AbortController; since: number } | null = null;

/**
 * Sends every waiting item of `userId` whose time has come; concurrent calls share one run. With `force` (the
 * user's "sync now") every waiting item is tried at once: after the send under way, or at once if that one hangs.
 * Held items (their author's session had ended) are tried again once the server says the author is signed in.
 */
export function syncOutbox(userId: string, onChange?: () => void, opts: { force?: boolean } = {}): Promise<SyncResult> {
  if (running) {
    if (!opts.force) return running.done;
    if (Date.now() - running.since < HANGING_MS) return running.done.then(() => syncOutbox(userId, onChange, { force: true }));
    running.abort.abort();
  }
  const abort = new AbortController();
  const run = { done: null as unknown as Promise<SyncResult>, abort, since: Date.now() };
  const done = (async () => {
    try {
      const due = (await listItems()).filter(
        (i) => isMine(i, userId) && (i.state === 'waiting' || i.state === 'sending' || i.state === 'held') && (opts.force || i.state === 'held' || !i.nextAttemptAt || Date.parse(i.nextAttemptAt) <= Date.now()),
      );
      if (due.length) {
        const who = navigator.onLine ? await signedIn(abort.signal) : undefined;
        if (who === null) await hold(due);
        else if (who === userId) await sendEach(due, userId, abort.signal, onChange);
        // undefined: no answer (offline, or a line too slow to say); another user: not this person's turn
      }
      const all = (await listItems()).filter((i) => isMine(i, userId));
      const count = (s: OutboxItem['state']) => all.filter((i) => i.state === s).length;
      return { sent: count('sent'), failed: count('failed'), waiting: count('waiting') + count('sending'), held: count('held') };
    } finally {
      if (running === run) running = null;
    }
  })();
  run.done = done;
  running = run;
  return done;
}

async function hold(items: OutboxItem[]) {
  for (const i of items) {
    const latest = (await getItem(i.key)) ?? i;
    if (latest.state !== 'sent') await putItem({ ...latest, state: 'held', error: null, nextAttemptAt: null });
  }
}

async function sendEach(items: OutboxItem[], userId: string, signal: AbortSignal, onChange?: () => void) {
  for (const [n, listed] of items.entries()) {
    if (signal.aborted) break;
    const item = (await getItem(listed.key)) ?? listed;
    if (item.state === 'sent' || item.state === 'failed') continue;
    if (running) running.since = Date.now();
    // an item queued before items had authors becomes the signed-in person's
    await putItem({ ...item, userId: item.userId ?? userId, state: 'sending', attempts: item.attempts + 1 });
    onChange?.();
    try {
      await putItem(await send({ ...item, userId: item.userId ?? userId }, signal));
    } catch (err) {
      const latest = (await getItem(item.key)) ?? item;
      if (err instanceof SignedOut) {
        // the session ended under way: this one and the rest wait for their author
        await hold([latest, ...items.slice(n + 1)]);
        onChange?.();
        return;
      }
      if (err instanceof Refused) await putItem({ ...latest, state: 'failed', error: err.message, nextAttemptAt: null });
      else {
        // given up by "sync now": tried again at once by the new run, no waiting added
        const wait = signal.aborted ? 0 : backoffMs(latest.attempts);
        await putItem({ ...latest, state: 'waiting', error: navigator.onLine ? (err as Error).message : null, nextAttemptAt: new Date(Date.now() + wait).toISOString() });
      }
    }
    onChange?.();
  }
}

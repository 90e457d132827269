import { getItem, listItems, putItem, type OutboxItem } from './outbox.ts';

// Sends the outbox: photos first (idempotent by content), then the report with its idempotency key.
// A lost answer is retried with the same key and returns the same report; a refusal (4xx) is kept as
// failed with the server's reason for the user to fix or discard.

export interface SyncResult {
  sent: number;
  failed: number;
  waiting: number;
}

class Refused extends Error {}

async function errorMessage(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: { message?: string } };
    return body.error?.message ?? `HTTP ${res.status}`;
  } catch {
    return `HTTP ${res.status}`;
  }
}

async function send(item: OutboxItem): Promise<OutboxItem> {
  const photoIds = [...item.photoIds];
  for (let i = photoIds.length; i < item.photos.length; i++) {
    const form = new FormData();
    form.append('file', item.photos[i]!, `photo-${i}.jpg`);
    const res = await fetch('/api/photos', { method: 'POST', body: form, credentials: 'same-origin' });
    if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) throw new Refused(await errorMessage(res));
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    photoIds.push(((await res.json()) as { id: string }).id);
    await putItem({ ...item, state: 'sending', photoIds });
  }
  const res = await fetch('/api/reports', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'idempotency-key': item.key },
    body: JSON.stringify({
      category: item.category,
      lon: item.lon,
      lat: item.lat,
      accuracyM: item.accuracyM ?? undefined,
      description: item.description || undefined,
      capturedAt: item.capturedAt,
      sentAt: new Date().toISOString(),
      photoIds: photoIds.length ? photoIds : undefined,
    }),
  });
  if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) throw new Refused(await errorMessage(res));
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const body = (await res.json()) as { id: string };
  return { ...item, photoIds, state: 'sent', error: null, reportId: body.id };
}

let running: Promise<SyncResult> | null = null;

/** Sends every waiting item once; concurrent calls share one run. */
export function syncOutbox(onChange?: () => void): Promise<SyncResult> {
  running ??= (async () => {
    try {
      for (const listed of await listItems()) {
        if (listed.state !== 'waiting' && listed.state !== 'sending') continue;
        const item = (await getItem(listed.key)) ?? listed;
        await putItem({ ...item, state: 'sending', attempts: item.attempts + 1 });
        onChange?.();
        try {
          await putItem(await send(item));
        } catch (err) {
          const latest = (await getItem(item.key)) ?? item;
          await putItem(
            err instanceof Refused
              ? { ...latest, state: 'failed', error: err.message }
              : { ...latest, state: 'waiting', error: navigator.onLine ? (err as Error).message : null },
          );
        }
        onChange?.();
      }
      const all = await listItems();
      return {
        sent: all.filter((i) => i.state === 'sent').length,
        failed: all.filter((i) => i.state === 'failed').length,
        waiting: all.filter((i) => i.state === 'waiting').length,
      };
    } finally {
      running = null;
    }
  })();
  return running;
}

import { randomId } from './ids.ts';

// The outbox: everything a field user does on the phone (a new report, a sighting added to an open item, a
// rectification with its after-photo) is written here first (IndexedDB), confirmed at once, and sent when the
// network allows. Nothing leaves the outbox unless the server took it or the user discards it. Each item belongs
// to the person who made it: it is sent only under their session, and shown only to them.

/** `held`: its author's session has ended; it waits (never refused) until they sign in again. */
export type OutboxState = 'waiting' | 'sending' | 'sent' | 'failed' | 'held';

/** A new report; an extra sighting of an open item; a rectification of one, with its after-photo. */
export type OutboxKind = 'report' | 'sighting' | 'rectify';

export interface OutboxItem {
  /** The Idempotency-Key: made on the phone, the same for every retry. */
  key: string;
  kind?: OutboxKind | undefined;
  /** Who made it (user id); absent only on items queued before items had authors. */
  userId?: string | undefined;
  /** The open item a sighting or a rectification is for, and the version the phone saw. */
  targetId?: string | null | undefined;
  targetVersion?: number | null | undefined;
  createdAt: string;
  capturedAt: string;
  category: string;
  lon: number;
  lat: number;
  accuracyM: number | null;
  /** The phone's fix, or placed on the map by hand. */
  placedBy?: 'gps' | 'hand' | undefined;
  /** The report's description, or the note of a sighting or a rectification. */
  description: string;
  /** A report flagged 紧急 on the phone. */
  urgency?: 'urgent' | undefined;
  /** Made small on the phone before they were queued. */
  photos: Blob[];
  /** Each photo's capture time as its camera wrote it (kept aside: a photo made small loses its EXIF). */
  photoTakenAt?: (string | null)[] | undefined;
  /** Filled as photos are uploaded, so a retry does not upload them again. */
  photoIds: string[];
  /** What the phone computed offline, e.g. "第三保洁区 · 安章社区". */
  placeLabel: string;
  state: OutboxState;
  error: string | null;
  attempts: number;
  /** The report the server made (or, for a sighting or rectification, the item it was for). */
  reportId: string | null;
  /** Not tried again before this (after a failure); "sync now" does not wait. */
  nextAttemptAt?: string | null | undefined;
  /** When the server took it; sent items and their photos leave the phone SENT_KEPT_MS later. */
  sentAt?: string | null | undefined;
}

/** A half-filled report form, kept per person so a reload or a phone that kills the tab loses nothing. */
export interface Draft {
  userId: string;
  savedAt: string;
  pin: [number, number] | null;
  placedBy: 'gps' | 'hand';
  accuracyM: number | null;
  category: string | null;
  note: string;
  urgent?: boolean | undefined;
  photos: { blob: Blob; takenAt: string | null }[];
}

/** The server's limit of a description or a note: the phone's text fields stop there too. */
export { NOTE_MAX } from '../../server/domain/limits.ts';

/** Sent items are kept on the phone this long (the "my reports" list shows them), then removed with their photos. */
export const SENT_KEPT_MS = 7 * 24 * 3600_000;

const DB = 'hotspots-field';
const STORE = 'outbox';
const DRAFTS = 'drafts';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 2);
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE, { keyPath: 'key' });
      if (!req.result.objectStoreNames.contains(DRAFTS)) req.result.createObjectStore(DRAFTS, { keyPath: 'userId' });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function tx<T>(store: string, mode: IDBTransactionMode, run: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  return new Promise<T>((resolve, reject) => {
    const t = db.transaction(store, mode);
    const req = run(t.objectStore(store));
    // resolve once the transaction is durable, not merely when the request succeeded
    t.oncomplete = () => {
      db.close();
      resolve(req.result);
    };
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error);
  });
}

export const putItem = (item: OutboxItem) => tx(STORE, 'readwrite', (s) => s.put(item)).then(() => undefined);
export const deleteItem = (key: string) => tx(STORE, 'readwrite', (s) => s.delete(key)).then(() => undefined);
export const getItem = (key: string) => tx<OutboxItem | undefined>(STORE, 'readonly', (s) => s.get(key));
export const listItems = () =>
  tx<OutboxItem[]>(STORE, 'readonly', (s) => s.getAll()).then((items) => items.sort((a, b) => a.createdAt.localeCompare(b.createdAt)));

/** Whether an item is this person's: theirs, or queued before items had authors (adopted by whoever is signed in). */
export const isMine = (item: OutboxItem, userId: string) => (item.userId ?? userId) === userId;

/** Removes sent items (and so their photos) older than SENT_KEPT_MS; returns how many went. */
export async function pruneSent(now = Date.now()): Promise<number> {
  let gone = 0;
  for (const i of await listItems()) {
    if (i.state === 'sent' && now - Date.parse(i.sentAt ?? i.createdAt) > SENT_KEPT_MS) {
      await deleteItem(i.key);
      gone++;
    }
  }
  return gone;
}

export const putDraft = (d: Draft) => tx(DRAFTS, 'readwrite', (s) => s.put(d)).then(() => undefined);
export const getDraft = (userId: string) => tx<Draft | undefined>(DRAFTS, 'readonly', (s) => s.get(userId));
export const deleteDraft = (userId: string) => tx(DRAFTS, 'readwrite', (s) => s.delete(userId)).then(() => undefined);

export function newItem(
  fields: Omit<OutboxItem, 'key' | 'createdAt' | 'photoIds' | 'state' | 'error' | 'attempts' | 'reportId' | 'userId'> & { userId: string },
): OutboxItem {
  return { ...fields, key: randomId(), createdAt: new Date().toISOString(), photoIds: [], state: 'waiting', error: null, attempts: 0, reportId: null };
}

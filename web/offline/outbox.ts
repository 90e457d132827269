// The outbox: every report a field user submits is written here first (IndexedDB), confirmed at once,
// and sent when the network allows. Nothing leaves the outbox unless the server took it or the user discards it.

export type OutboxState = 'waiting' | 'sending' | 'sent' | 'failed';

export interface OutboxItem {
  /** The Idempotency-Key: made on the phone, the same for every retry. */
  key: string;
  createdAt: string;
  capturedAt: string;
  category: string;
  lon: number;
  lat: number;
  accuracyM: number | null;
  description: string;
  photos: Blob[];
  /** Filled as photos are uploaded, so a retry does not upload them again. */
  photoIds: string[];
  /** What the phone computed offline, e.g. "第三保洁区 · 安章社区". */
  placeLabel: string;
  state: OutboxState;
  error: string | null;
  attempts: number;
  reportId: string | null;
}

const DB = 'hotspots-field';
const STORE = 'outbox';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE, { keyPath: 'key' });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function tx<T>(mode: IDBTransactionMode, run: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  return new Promise<T>((resolve, reject) => {
    const t = db.transaction(STORE, mode);
    const req = run(t.objectStore(STORE));
    // resolve once the transaction is durable, not merely when the request succeeded
    t.oncomplete = () => {
      db.close();
      resolve(req.result);
    };
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error);
  });
}

export const putItem = (item: OutboxItem) => tx('readwrite', (s) => s.put(item)).then(() => undefined);
export const deleteItem = (key: string) => tx('readwrite', (s) => s.delete(key)).then(() => undefined);
export const getItem = (key: string) => tx<OutboxItem | undefined>('readonly', (s) => s.get(key));
export const listItems = () =>
  tx<OutboxItem[]>('readonly', (s) => s.getAll()).then((items) => items.sort((a, b) => a.createdAt.localeCompare(b.createdAt)));

export function newItem(fields: Omit<OutboxItem, 'key' | 'createdAt' | 'photoIds' | 'state' | 'error' | 'attempts' | 'reportId'>): OutboxItem {
  return { ...fields, key: crypto.randomUUID(), createdAt: new Date().toISOString(), photoIds: [], state: 'waiting', error: null, attempts: 0, reportId: null };
}

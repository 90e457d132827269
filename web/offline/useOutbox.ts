import { useCallback, useEffect, useState } from 'react';
import { isMine, listItems, pruneSent, type OutboxItem } from './outbox.ts';
import { syncOutbox } from './sync.ts';

const SYNC_EVERY_MS = 10_000;

/**
 * The signed-in person's outbox for a view: their items only (another person on the same phone has their own
 * queue), sent every 10 s while online and at once when the network comes back; sent items older than a week
 * leave the phone when the view opens.
 */
export function useOutbox(userId: string) {
  const [items, setItems] = useState<OutboxItem[]>([]);
  const [online, setOnline] = useState(navigator.onLine);
  // how many rounds of sending are running, and how many have ended (the phone shows the first; tests wait on the second)
  const [running, setRunning] = useState(0);
  const [rounds, setRounds] = useState(0);
  const refresh = useCallback(() => {
    void listItems().then((all) => setItems(all.filter((i) => isMine(i, userId))));
  }, [userId]);
  const sync = useCallback(
    (force = false) => {
      setRunning((n) => n + 1);
      void syncOutbox(userId, refresh, { force })
        .then(refresh)
        .finally(() => {
          setRunning((n) => n - 1);
          setRounds((n) => n + 1);
        });
    },
    [userId, refresh],
  );
  useEffect(() => {
    const goOnline = () => {
      setOnline(true);
      sync();
    };
    const goOffline = () => setOnline(false);
    window.addEventListener('online', goOnline);
    window.addEventListener('offline', goOffline);
    const timer = setInterval(() => navigator.onLine && sync(), SYNC_EVERY_MS);
    void pruneSent().finally(refresh);
    sync();
    return () => {
      window.removeEventListener('online', goOnline);
      window.removeEventListener('offline', goOffline);
      clearInterval(timer);
    };
  }, [sync, refresh]);
  return { items, online, refresh, sync, syncing: running > 0, rounds };
}

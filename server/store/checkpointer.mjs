// A thread of its own that moves SQLite's write-ahead log into the database file (see checkpoints.ts). Plain
// JavaScript: it needs nothing but better-sqlite3, so it starts without the TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
// the same durability as the server's connection: the database file is synced when a checkpoint ends
db.pragma('synchronous = NORMAL');
const timer = setInterval(() => {
  try {
    // PASSIVE: copies what no reader still needs and never waits for the writers
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    parentPort.postMessage({ error: err.message });
  }
}, workerData.everyMs);
parentPort.on('message', (m) => {
  if (m === 'stop') {
    clearInterval(timer);
    db.close();
    parentPort.close();
  }
});

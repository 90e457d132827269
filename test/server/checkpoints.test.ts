import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore, type Store } from '../../server/store/connect.ts';

let store: Store | undefined;
let dir: string | undefined;
afterEach(async () => {
  await store?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  store = dir = undefined;
});

const until = async (what: string, ok: () => boolean, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

describe("SQLite's log checkpointed from a thread of its own", () => {
  it('moves what the server writes into the database file without any commit doing it', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotspots-checkpoints-'));
    const file = path.join(dir, 'hotspots.sqlite');
    store = openStore({ sqliteFile: file, checkpointInBackground: true });
    const sqlite = store.sqlite!;
    expect(sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    sqlite.exec('CREATE TABLE filler (b BLOB)');
    const before = fs.statSync(file).size;
    // 4 000 pages of writes, four times what would make a commit checkpoint by itself
    const insert = sqlite.prepare('INSERT INTO filler VALUES (?)');
    const batch = sqlite.transaction((i: number) => {
      for (let j = 0; j < 10; j++) insert.run(Buffer.alloc(4000, i));
    });
    for (let i = 0; i < 400; i++) batch(i);
    // the commits left it all in the log; the thread copies it into the file
    await until('the database file to hold the writes', () => fs.statSync(file).size > before + 10_000_000);
    expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(10_000_000);
  });

  it('leaves a store opened without it checkpointing as SQLite does', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotspots-checkpoints-'));
    store = openStore({ sqliteFile: path.join(dir, 'hotspots.sqlite') });
    expect(store.sqlite!.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  });
});

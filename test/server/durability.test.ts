import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coalesce, walSync } from '../../server/store/durability.ts';
import { openStore } from '../../server/store/connect.ts';
import { demoApp, type TestApp } from '../helpers/app.ts';

// An acknowledged report must survive a power cut. SQLite commits hand their pages to the operating system and
// the server syncs the write-ahead log off the event loop before it answers; writes of the same moment share
// one sync.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const tick = () => new Promise((r) => setImmediate(r));

describe('syncs shared by the writes of the moment', () => {
  it('answers each caller with a run that began after its call, and shares runs among callers that wait', async () => {
    // each run ends when the test says so; a caller notes how many runs had ended when it was answered
    const ends: (() => void)[] = [];
    let ended = 0;
    const run = coalesce(() => new Promise<void>((resolve) => ends.push(() => (ended++, resolve()))));
    const answered: string[] = [];
    const call = (name: string) => run().then(() => answered.push(`${name}:${ended}`));
    const a = call('a'); // starts run 1
    const b = call('b'); // run 1 began before this call: waits for run 2
    const c = call('c'); // shares run 2
    await tick();
    expect(ends).toHaveLength(1);
    ends[0]!();
    await tick();
    expect(answered).toEqual(['a:1']);
    expect(ends).toHaveLength(2); // run 2 began, after b's and c's calls
    const d = call('d'); // run 2 began before this call: waits for run 3
    ends[1]!();
    await tick();
    expect(answered).toEqual(['a:1', 'b:2', 'c:2']);
    expect(ends).toHaveLength(3);
    ends[2]!();
    await Promise.all([a, b, c, d]);
    expect(answered).toEqual(['a:1', 'b:2', 'c:2', 'd:3']);
    // and nothing runs when nobody asks
    await tick();
    expect(ends).toHaveLength(3);
  });

  it('passes a failed run on to its callers, and the next call starts afresh', async () => {
    let n = 0;
    const run = coalesce(async () => {
      n++;
      await sleep(10);
      if (n === 1) throw new Error('disk full');
    });
    const first = run();
    const second = run();
    await expect(first).rejects.toThrow('disk full');
    await expect(second).resolves.toBeUndefined();
    await expect(run()).resolves.toBeUndefined();
    expect(n).toBe(3);
  });

  it('syncs a real SQLite log, and has nothing to do before the first write', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotspots-wal-'));
    try {
      const file = path.join(dir, 'x.sqlite');
      await expect(walSync(file)()).resolves.toBeUndefined();
      const store = openStore({ sqliteFile: file });
      expect(store.sqlite!.pragma('synchronous', { simple: true })).toBe(1); // NORMAL: the sync is ours
      expect(store.sqlite!.pragma('journal_mode', { simple: true })).toBe('wal');
      store.sqlite!.exec('CREATE TABLE t (v TEXT); INSERT INTO t VALUES (1)');
      expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(0);
      await expect(store.durable()).resolves.toBeUndefined();
      await store.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('writes through the API', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await demoApp('sqlite', { scale: 0.05 });
  });
  afterAll(() => app?.drop());

  it('are answered only after the log is on disk; reads do not wait for it', async () => {
    const real = app.deps.store.durable;
    const log: string[] = [];
    app.deps.store.durable = async () => {
      log.push('sync asked');
      await real();
      await sleep(20); // a slow disk
      log.push('synced');
    };
    try {
      const inspector = await app.as('inspector');
      const before = log.length;
      const res = await inspector.call('POST', '/api/reports', { category: 'exposed_garbage', lon: 105.9408, lat: 26.139, description: '东门口垃圾' });
      expect(res.status).toBe(201);
      expect(log.slice(before)).toEqual(['sync asked', 'synced']);
      const n = log.length;
      expect((await inspector.call('GET', `/api/reports/${res.body.id}`)).status).toBe(200);
      expect(log.length).toBe(n);
      // a refused write is answered too, whatever it did
      const bad = await inspector.call('POST', '/api/reports', { category: 'exposed_garbage', lon: 500, lat: 26.139 });
      expect(bad.status).toBe(400);
    } finally {
      app.deps.store.durable = real;
    }
  });

  it('answers with an error, not a success, when the log cannot be put on disk', async () => {
    const real = app.deps.store.durable;
    app.deps.store.durable = async () => {
      throw new Error('EIO: i/o error, fdatasync');
    };
    try {
      const inspector = await app.as('inspector');
      const res = await inspector.call('POST', '/api/reports', { category: 'exposed_garbage', lon: 105.9408, lat: 26.139 });
      expect(res.status).toBe(500);
      expect(res.body.error.code).toBeTruthy();
    } finally {
      app.deps.store.durable = real;
    }
  });
});

import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { startServerProcess } from '../helpers/server-process.ts';

// The real server on a real SQLite file, killed with SIGKILL while several clients are sending reports:
// every report that got a 2xx survives, none is stored twice, and the file is intact. Five rounds.

const ROUNDS = 5;
const CLIENTS = 8;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotspots-crash-'));
const dbFile = path.join(dir, 'hotspots.sqlite');
let child: ChildProcess | undefined;

afterAll(() => {
  child?.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The server in a process of its own, on this test's folder; remembered so it is killed at the end. */
async function startServer(): Promise<{ url: string; proc: ChildProcess }> {
  const started = await startServerProcess({ HOTSPOTS_DATA_DIR: dir, HOTSPOTS_DEMO: '1', HOTSPOTS_WEB_DIR: path.join(dir, 'no-web') });
  child = started.proc;
  return started;
}

async function signIn(url: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'inspector', password: 'demo' }),
  });
  expect(res.status).toBe(200);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

interface Sent {
  key: string;
  body: { category: string; lon: number; lat: number; description: string };
}

function newReport(round: number, client: number, n: number): Sent {
  const key = randomUUID();
  // Spots around the town centre of the demo township, a few metres apart.
  const lon = 105.934 + ((client * 37 + n * 13) % 200) * 0.00002;
  const lat = 26.142 + ((client * 11 + n * 29) % 200) * 0.00002;
  return { key, body: { category: 'weeds', lon, lat, description: `crash round ${round} client ${client} #${n} ${key}` } };
}

async function post(url: string, cookie: string, s: Sent): Promise<string | null> {
  try {
    const res = await fetch(`${url}/api/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': s.key, cookie },
      body: JSON.stringify(s.body),
      signal: AbortSignal.timeout(20_000),
    });
    if (res.status !== 201 && res.status !== 200) throw new Error(`unexpected ${res.status}: ${await res.text()}`);
    return ((await res.json()) as { id: string }).id;
  } catch (err) {
    // The server died under this request: no acknowledgement, the client keeps it to send again.
    if (err instanceof Error && /unexpected/.test(err.message)) throw err;
    return null;
  }
}

describe('crash safety of the SQLite store', () => {
  it(`keeps every acknowledged report exactly once through ${ROUNDS} SIGKILLs`, async () => {
    const acknowledged = new Map<string, string>(); // idempotency key → report id
    const unanswered: Sent[] = [];
    let cookie = '';
    for (let round = 1; round <= ROUNDS; round++) {
      const { url, proc } = await startServer();
      cookie = await signIn(url);
      // What the last crash left unanswered is sent again, as the field app's outbox does.
      for (const s of unanswered.splice(0)) {
        const id = await post(url, cookie, s);
        expect(id, 'a retry after restart is answered').not.toBeNull();
        if (acknowledged.has(s.key)) expect(id).toBe(acknowledged.get(s.key));
        acknowledged.set(s.key, id!);
      }
      let stop = false;
      const before = acknowledged.size;
      const clients = Array.from({ length: CLIENTS }, async (_, client) => {
        for (let n = 0; !stop; n++) {
          const s = newReport(round, client, n);
          const id = await post(url, cookie, s);
          if (id) acknowledged.set(s.key, id);
          else {
            unanswered.push(s);
            return;
          }
        }
      });
      // Kill at a random moment once writes are flowing: a few acknowledged in this round (a slow machine takes
      // longer to get there; a fixed pause could kill before the first write), then up to a second more.
      await vi.waitFor(() => expect(acknowledged.size, `round ${round}: writes never started`).toBeGreaterThanOrEqual(before + 6), { timeout: 30_000, interval: 10 });
      await new Promise((r) => setTimeout(r, Math.random() * 1000));
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGKILL');
      await exited;
      stop = true;
      await Promise.all(clients);

      // The file after the crash, before anything repairs it: intact, and holding every acknowledged report once.
      const db = new Database(dbFile);
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        const rows = db.prepare("SELECT id, idempotency_key AS key FROM reports WHERE description LIKE 'crash round %'").all() as { id: string; key: string }[];
        const byKey = new Map<string, string[]>();
        for (const r of rows) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r.id]);
        for (const [key, id] of acknowledged) expect(byKey.get(key), `acknowledged ${key}`).toEqual([id]);
        for (const [key, ids] of byKey) expect(ids, `stored twice: ${key}`).toHaveLength(1);
        // Every event belongs to a stored report (no half-written transaction).
        const orphans = db.prepare('SELECT COUNT(*) AS n FROM report_events e LEFT JOIN reports r ON r.id = e.report_id WHERE r.id IS NULL').get() as { n: number };
        expect(orphans.n).toBe(0);
      } finally {
        db.close();
      }
      expect(acknowledged.size, `round ${round} wrote reports before the kill`).toBeGreaterThan(round * 5);
    }
    // A last start sends what the fifth crash left, and the count adds up.
    const { url, proc } = await startServer();
    cookie = await signIn(url);
    for (const s of unanswered.splice(0)) acknowledged.set(s.key, (await post(url, cookie, s))!);
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
    const db = new Database(dbFile, { readonly: true });
    const n = (db.prepare("SELECT COUNT(*) AS n FROM reports WHERE description LIKE 'crash round %'").get() as { n: number }).n;
    db.close();
    expect(n).toBe(acknowledged.size);
  }, 240_000);
});

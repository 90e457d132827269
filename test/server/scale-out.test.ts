import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { PG_URL } from '../helpers/stores.ts';

// Two servers, one PostgreSQL: what one writes the other reads, a session works on both, and the
// Monday briefing is archived once however many servers try.

const dbName = `hotspots_scale_${randomBytes(4).toString('hex')}`;
const children: ChildProcess[] = [];
const logs: string[][] = [];

function adminUrl(database: string) {
  const u = new URL(PG_URL);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin<T>(database: string, run: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl(database) });
  await c.connect();
  try {
    return await run(c);
  } finally {
    await c.end();
  }
}

function startServerProcess(port: number, index: number): ChildProcess {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotspots-scale-'));
  dirs.push(dir);
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, DATABASE_URL: adminUrl(dbName), PORT: String(port), HOST: '127.0.0.1', HOTSPOTS_DATA_DIR: dir, HOTSPOTS_JOB_INTERVAL_S: '1',
      // any hour: the test must not depend on the time of day it runs
      HOTSPOTS_BRIEFING_HOUR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  logs[index] = [];
  child.stdout!.on('data', (b: Buffer) => logs[index]!.push(b.toString()));
  child.stderr!.on('data', (b: Buffer) => logs[index]!.push(b.toString()));
  children.push(child);
  return child;
}

async function waitHealthy(url: string) {
  for (let i = 0; i < 600; i++) {
    if (await fetch(`${url}/api/health`).then((r) => r.ok).catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not start`);
}

const dirs: string[] = [];
afterAll(async () => {
  // each server gone before its folder is
  const running = children.filter((c) => c.exitCode === null && c.signalCode === null);
  await Promise.all(
    running.map((c) => {
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      return exited;
    }),
  );
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  await admin('postgres', (c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)).catch(() => {});
});

describe('two servers on one PostgreSQL', () => {
  it('share reports, sessions and the briefing archive', { timeout: 180_000 }, async () => {
    await admin('postgres', (c) => c.query(`CREATE DATABASE ${dbName}`));
    const base = 20_000 + Math.floor(Math.random() * 20_000);
    startServerProcess(base, 0);
    startServerProcess(base + 1, 1);
    const a = `http://127.0.0.1:${base}`;
    const b = `http://127.0.0.1:${base + 1}`;
    await Promise.all([waitHealthy(a), waitHealthy(b)]);

    // both started together: one loaded the demo town, once
    const towns = await admin(dbName, (c) => c.query('SELECT count(*)::int AS n FROM townships'));
    expect(towns.rows[0].n).toBe(1);

    const login = await fetch(`${a}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'inspector', password: 'demo' }),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const created = await fetch(`${a}/api/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ category: 'weeds', lon: 105.9352, lat: 26.1448, description: 'two servers' }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const read = await fetch(`${b}/api/reports/${id}`, { headers: { cookie } });
    expect(read.status).toBe(200);
    expect(((await read.json()) as { description: string }).description).toBe('two servers');

    // the Monday job for last week: both servers look every second; the archive keeps one
    for (let i = 0; i < 120; i++) {
      const n = (await admin(dbName, (c) => c.query('SELECT count(*)::int AS n FROM briefings'))).rows[0].n;
      if (n > 0) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    // two more rounds of both servers trying, as each one's health check counts them
    const rounds = async (url: string) => ((await (await fetch(`${url}/api/health`)).json()) as { jobs: { rounds: number } }).jobs.rounds;
    const seen = await Promise.all([rounds(a), rounds(b)]);
    await vi.waitFor(async () => expect((await Promise.all([rounds(a), rounds(b)])).every((n, i) => n >= seen[i]! + 2)).toBe(true), { timeout: 30_000, interval: 200 });
    const archived = await admin(dbName, (c) => c.query('SELECT week FROM briefings'));
    expect(archived.rows).toHaveLength(1);
    const announced = logs.flat().join('').match(/Archived the briefing for/g) ?? [];
    expect(announced).toHaveLength(1);
  });
});

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { startServer, type RunningServer } from '../../server/server.ts';

// `npm run backup` while the server is writing, then `npm run restore` into an empty folder and over a live one:
// the reports and the photo bytes come back as they were at the moment of the backup.

const run = promisify(execFile);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hotspots-backup-'));
const FIXTURE = path.join(import.meta.dirname, '../fixtures/before.jpg');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const cli = (command: 'backup' | 'restore', file: string, dataDir: string) =>
  run(process.execPath, ['--import', 'tsx', 'server/cli/backup.ts', command, file], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    env: { ...process.env, HOTSPOTS_DATA_DIR: dataDir, DATABASE_URL: '' },
  });

const serve = (dataDir: string) =>
  startServer(loadConfig({ PORT: '0', HOTSPOTS_DATA_DIR: dataDir, HOTSPOTS_WEB_DIR: path.join(root, 'none') }), () => {});

async function signIn(s: RunningServer, username: string): Promise<string> {
  const r = await fetch(`${s.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'demo' }) });
  expect(r.status).toBe(200);
  return r.headers.get('set-cookie')!.split(';')[0]!;
}

async function report(s: RunningServer, cookie: string, description: string, photoIds: string[] = []) {
  const r = await fetch(`${s.url}/api/reports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ category: 'exposed_garbage', lon: 105.934, lat: 26.142, description, photoIds }),
  });
  expect(r.status).toBe(201);
  return ((await r.json()) as { id: string }).id;
}

describe('backup and restore', () => {
  it('round-trips the database and the photos, taken while the server keeps writing', async () => {
    const live = path.join(root, 'live');
    const backupFile = path.join(root, 'nightly.hsbackup');
    const s = await serve(live);
    const cookie = await signIn(s, 'inspector');
    const form = new FormData();
    form.append('file', new Blob([fs.readFileSync(FIXTURE)], { type: 'image/jpeg' }), 'before.jpg');
    const photo = (await (await fetch(`${s.url}/api/photos`, { method: 'POST', body: form, headers: { cookie } })).json()) as { id: string };
    const kept = await report(s, cookie, 'before the backup', [photo.id]);
    // The photo as the server keeps and serves it (upright, without the camera's metadata).
    const served = Buffer.from(await (await fetch(`${s.url}/api/photos/${photo.id}`, { headers: { cookie } })).arrayBuffer());

    // Writers keep going during the backup.
    let writing = true;
    const writer = (async () => {
      let n = 0;
      while (writing) await report(s, cookie, `during the backup ${n++}`);
      return n;
    })();
    const { stdout } = await cli('backup', backupFile, live);
    writing = false;
    // It holds everyone's data and password hashes: its owner alone may read it.
    expect(fs.statSync(backupFile).mode & 0o777).toBe(0o600);
    const during = await writer;
    expect(stdout).toMatch(/Backed up \d+ reports and 2 photo files/);
    const after = await report(s, cookie, 'after the backup');
    await s.close();

    // Into an empty folder: a new machine.
    const fresh = path.join(root, 'fresh');
    expect((await cli('restore', backupFile, fresh)).stdout).toMatch(/Restored \d+ reports and 2 photo files/);
    const r = await serve(fresh);
    try {
      const office = await signIn(r, 'office');
      const back = (await (await fetch(`${r.url}/api/reports/${kept}`, { headers: { cookie: office } })).json()) as { description: string; photos: Array<{ id: string }> };
      expect(back.description).toBe('before the backup');
      const bytes = Buffer.from(await (await fetch(`${r.url}/api/photos/${photo.id}`, { headers: { cookie: office } })).arrayBuffer());
      expect(bytes.equals(served)).toBe(true);
      expect((await fetch(`${r.url}/api/photos/${photo.id}/thumb`, { headers: { cookie: office } })).status).toBe(200);
      expect((await fetch(`${r.url}/api/reports/${after}`, { headers: { cookie: office } })).status).toBe(404);
      // The copy is one moment: the reports written during the backup are there up to some point, in order, without gaps.
      const list = (await (await fetch(`${r.url}/api/ledger?limit=10000`, { headers: { cookie: office } })).json()) as { rows: Array<{ description: string | null }> };
      const seen = list.rows.map((x) => x.description ?? '').filter((d) => d.startsWith('during the backup')).map((d) => Number(d.split(' ').pop()));
      seen.sort((a, b) => a - b);
      expect(seen).toEqual(seen.map((_, i) => i));
      expect(seen.length).toBeLessThanOrEqual(during);
    } finally {
      await r.close();
    }

    // Over the live folder: the report written after the backup is gone again.
    await cli('restore', backupFile, live);
    const again = await serve(live);
    try {
      const office = await signIn(again, 'office');
      expect((await fetch(`${again.url}/api/reports/${kept}`, { headers: { cookie: office } })).status).toBe(200);
      expect((await fetch(`${again.url}/api/reports/${after}`, { headers: { cookie: office } })).status).toBe(404);
    } finally {
      await again.close();
    }
  }, 120_000);

  it('refuses a file that is not a backup, and says how to back up PostgreSQL', async () => {
    const bogus = path.join(root, 'bogus.hsbackup');
    fs.writeFileSync(bogus, 'not a database');
    await expect(cli('restore', bogus, path.join(root, 'other'))).rejects.toMatchObject({ stderr: expect.stringMatching(/not a database|damaged|not a hotspot map backup/) });
    await expect(
      run(process.execPath, ['--import', 'tsx', 'server/cli/backup.ts', 'backup', bogus], {
        cwd: path.resolve(import.meta.dirname, '../..'),
        env: { ...process.env, DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' },
      }),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('pg_dump') });
  });
});

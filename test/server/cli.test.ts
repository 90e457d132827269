import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { startServer } from '../../server/server.ts';

const run = promisify(execFile);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotspots-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const user = (args: string[], env: Record<string, string> = {}) =>
  run(process.execPath, ['--import', 'tsx', 'server/cli/user.ts', ...args], {
    env: { ...process.env, HOTSPOTS_DATA_DIR: dir, ...env },
  });

async function signIn(username: string, password: string): Promise<number> {
  const s = await startServer(loadConfig({ PORT: '0', HOTSPOTS_DATA_DIR: dir }), () => {});
  try {
    const r = await fetch(`${s.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    return r.status;
  } finally {
    await s.close();
  }
}

describe('npm run user', () => {
  it('adds a person who can then sign in, changes a password, and refuses bad input', async () => {
    await (await startServer(loadConfig({ PORT: '0', HOTSPOTS_DATA_DIR: dir }), () => {})).close();
    const added = await user(['add', 'zhang', '--role', 'office', '--name', '张主任', '--password', 'first-pass-1']);
    expect(added.stdout).toContain('Added zhang (office)');
    expect(await signIn('zhang', 'first-pass-1')).toBe(200);

    await user(['passwd', 'zhang'], { HOTSPOTS_PASSWORD: 'second-pass-2' });
    expect(await signIn('zhang', 'first-pass-1')).toBe(401);
    expect(await signIn('zhang', 'second-pass-2')).toBe(200);

    await expect(user(['add', 'li', '--role', 'cleaner', '--password', 'long-enough'])).rejects.toMatchObject({
      stderr: expect.stringContaining('--area'),
    });
    await expect(user(['add', 'wang', '--role', 'office', '--password', 'short'])).rejects.toMatchObject({
      stderr: expect.stringContaining('8 characters'),
    });
    const list = await user(['list']);
    expect(list.stdout).toMatch(/zhang\toffice\t张主任/);
  });
});

describe('npm run import', () => {
  const importCli = (args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'server/cli/import.ts', ...args], { env: { ...process.env, HOTSPOTS_DATA_DIR: dir, DATABASE_URL: '' } });

  it('dry-runs a file row by row, refuses it while a row is wrong, and imports it whole once right', async () => {
    await (await startServer(loadConfig({ PORT: '0', HOTSPOTS_DATA_DIR: dir }), () => {})).close();
    const file = path.join(dir, 'ledger.csv');
    const rows = Array.from({ length: 2500 }, (_, i) => `${(105.93 + (i % 50) * 0.0001).toFixed(5)},${(26.14 + Math.floor(i / 50) * 0.0001).toFixed(5)},weeds,2026-11-2${i % 9} 08:00,导入 ${i}`);
    fs.writeFileSync(file, ['lon,lat,category,observed_at,description', ...rows, '999,26.1,weeds,2026-11-20 08:00,坏的一行'].join('\n'));
    const dry = await importCli(['reports', file]);
    expect(dry.stdout).toContain('line 2502:');
    expect(dry.stdout).toContain('2501 rows: 2500 to import, 0 already there, 1 with problems.');
    await expect(importCli(['reports', file, '--commit'])).rejects.toMatchObject({ stderr: expect.stringContaining('Nothing imported') });

    fs.writeFileSync(file, ['lon,lat,category,observed_at,description', ...rows].join('\n'));
    const done = await importCli(['reports', file, '--commit']);
    expect(done.stdout).toContain('Imported 2500 reports.');
    expect(done.stderr).toMatch(/importing .*100% \(2500\/2500\)/);
    const again = await importCli(['reports', file]);
    expect(again.stdout).toContain('2500 rows: 0 to import, 2500 already there');
  }, 120_000);
});

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

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { PG_URL } from './stores.ts';
import './templates.ts';

// The test run's set-up: a place for this run's demo-town templates (templates.ts builds them when first asked),
// removed when the run ends. Databases a run left behind when it was killed carry its process id and are dropped by
// the next run once that process is gone.

const PREFIX = 'hs_run_';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

async function dropWhere(keep: (name: string) => boolean): Promise<void> {
  const admin = new pg.Client({ connectionString: PG_URL });
  try {
    await admin.connect();
  } catch {
    return; // no PostgreSQL: the files that need it say so themselves
  }
  try {
    const { rows } = await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'hs\\_run\\_%'");
    // templates last: a copy being made from one would hold it
    const names = rows.map((r) => r.datname).filter((n) => !keep(n)).sort((a, b) => Number(a.includes('_tpl_')) - Number(b.includes('_tpl_')));
    for (const name of names) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

export default async function setup(project: TestProject) {
  const pgPrefix = `${PREFIX}${process.pid}_${randomBytes(3).toString('hex')}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotspots-templates-'));
  await dropWhere((name) => alive(Number(name.slice(PREFIX.length).split('_')[0])));
  project.provide('templates', { dir, pgPrefix });
  return async () => {
    await dropWhere((name) => !name.startsWith(`${pgPrefix}_`));
    fs.rmSync(dir, { recursive: true, force: true });
  };
}

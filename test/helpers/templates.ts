import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { openStore, migrate } from '../../server/store/connect.ts';
import { createDeps } from '../../server/services/context.ts';
import { loadDemoIfEmpty } from '../../server/services/demo.ts';
import { passwordCost } from '../../server/services/passwords.ts';
import { connectAdmin, PG_URL, type DialectName, type TestStore } from './stores.ts';

// The demo town, built once per test run and copied for each test file (a template database): loading three months
// of reports takes about a second a file and a dialect, a copy a few milliseconds (SQLite) or a tenth of a second
// (PostgreSQL's CREATE DATABASE … TEMPLATE). The run's set-up (templates-setup.ts) names the place the templates
// live and removes them at the end.

declare module 'vitest' {
  export interface ProvidedContext {
    /** This run's templates: a directory for SQLite files, and the prefix of its PostgreSQL databases. */
    templates: { dir: string; pgPrefix: string };
  }
}

/**
 * The name of this run's template of a demo town (a database name: letters, digits, underscores): by its scale, the
 * clock it was loaded at, and the cost its demo passwords were hashed at (the sign-in tests hash at OWASP's).
 */
const templateName = (scale: number, now: Date) => `tpl_${String(scale).replace(/\W/g, '_')}_${now.getTime()}_${passwordCost()}`;

/** Where a database of the same cluster as the test database lives. */
function pgUrlOf(database: string): string {
  const url = new URL(PG_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

/** A store holding the demo town at `now` with reports at `scale`, copied from this run's template of it. */
export async function demoStore(dialect: DialectName, scale: number, now: Date): Promise<TestStore> {
  const { dir, pgPrefix } = inject('templates');
  return dialect === 'sqlite' ? sqliteCopy(dir, scale, now) : postgresCopy(pgPrefix, scale, now);
}

/** Loads the demo town into a migrated, empty store, at the test clock. */
async function buildDemo(store: ReturnType<typeof openStore>, scale: number, now: Date): Promise<void> {
  await migrate(store);
  const photosDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotspots-template-photos-'));
  try {
    await loadDemoIfEmpty(createDeps(store, { now: () => now, photosDir }), { end: now, scale });
  } finally {
    fs.rmSync(photosDir, { recursive: true, force: true });
  }
}

async function sqliteCopy(dir: string, scale: number, now: Date): Promise<TestStore> {
  const template = path.join(dir, `${templateName(scale, now)}.sqlite`);
  if (!fs.existsSync(template)) {
    // Two test files may build the same template at once; each builds its own file and the first rename wins.
    const building = `${template}.${process.pid}.${randomBytes(3).toString('hex')}`;
    const store = openStore({ sqliteFile: building });
    await buildDemo(store, scale, now);
    // One file to copy: the write-ahead log folded into the database before it is closed.
    store.sqlite!.pragma('wal_checkpoint(TRUNCATE)');
    await store.close();
    for (const side of ['-wal', '-shm']) fs.rmSync(building + side, { force: true });
    fs.renameSync(building, template);
  }
  const copyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotspots-test-'));
  const file = path.join(copyDir, 'test.sqlite');
  fs.copyFileSync(template, file);
  const store = openStore({ sqliteFile: file });
  return {
    store,
    drop: async () => {
      await store.close();
      fs.rmSync(copyDir, { recursive: true, force: true });
    },
  };
}

async function postgresCopy(prefix: string, scale: number, now: Date): Promise<TestStore> {
  const template = `${prefix}_${templateName(scale, now)}`;
  const admin = await connectAdmin();
  const copy = `${prefix}_${randomBytes(5).toString('hex')}`;
  try {
    // One builder per template; the others wait for it here and then copy what it built.
    await admin.query('SELECT pg_advisory_lock(hashtext($1))', [template]);
    try {
      const built = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
      if (built.rowCount === 0) await buildPostgresTemplate(admin, template, scale, now);
    } finally {
      await admin.query('SELECT pg_advisory_unlock(hashtext($1))', [template]);
    }
    await admin.query(`CREATE DATABASE ${copy} TEMPLATE ${template}`);
  } finally {
    await admin.end();
  }
  const store = openStore({ databaseUrl: pgUrlOf(copy) });
  return {
    store,
    drop: async () => {
      await store.close();
      await dropDatabase(copy);
    },
  };
}

async function buildPostgresTemplate(admin: pg.Client, template: string, scale: number, now: Date): Promise<void> {
  const building = `${template}_building`;
  await admin.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${building}`);
  const setup = new pg.Client({ connectionString: pgUrlOf(building) });
  await setup.connect();
  try {
    await setup.query('CREATE EXTENSION IF NOT EXISTS postgis');
  } catch (err) {
    throw new Error(`Could not prepare PostGIS (${(err as Error).message}). Install it with: apt-get install -y postgresql-15-postgis-3`);
  } finally {
    await setup.end();
  }
  const store = openStore({ databaseUrl: pgUrlOf(building) });
  try {
    await buildDemo(store, scale, now);
  } finally {
    // A template can be copied only while nobody is connected to it.
    await store.close();
  }
  await admin.query(`ALTER DATABASE ${building} RENAME TO ${template}`);
}

/** Drops a database of this cluster, cutting any connection still open to it. */
async function dropDatabase(name: string): Promise<void> {
  const admin = await connectAdmin();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

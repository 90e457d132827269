import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openStore, migrate, type Store } from '../../server/store/connect.ts';

// Both databases, one suite: every store-backed test runs over SQLite and over PostgreSQL + PostGIS.

// Never DATABASE_URL: tests must not touch a deployment's database by accident.
export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestStore {
  store: Store;
  drop(): Promise<void>;
}

export type DialectName = 'sqlite' | 'postgres';

/** The advisory lock between the test files' migrations (shared) and their schemas' drops (exclusive). */
const SCHEMA_LOCK = 7_274_201;
export const DIALECTS: DialectName[] = ['sqlite', 'postgres'];

/** A connection to the test database for setting up, or an error that says what to install. */
export async function connectAdmin(): Promise<pg.Client> {
  const admin = new pg.Client({ connectionString: PG_URL });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(
      `PostgreSQL is not reachable at ${PG_URL} (${(err as Error).message}). The tests need PostgreSQL 15 with PostGIS: ` +
        `apt-get install -y postgresql-15-postgis-3, start the server, or set TEST_DATABASE_URL.`,
    );
  }
  return admin;
}

/** A fresh, migrated, empty store: a temporary SQLite file, or a PostgreSQL schema of its own. */
export async function freshStore(dialect: DialectName, opts: { upTo?: string } = {}): Promise<TestStore> {
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotspots-test-'));
    const store = openStore({ sqliteFile: path.join(dir, 'test.sqlite') });
    await migrate(store, opts);
    return {
      store,
      drop: async () => {
        await store.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = await connectAdmin();
  try {
    await admin.query('CREATE EXTENSION IF NOT EXISTS postgis');
    await admin.query(`CREATE SCHEMA ${schema}`);
  } catch (err) {
    await admin.end();
    throw new Error(
      `Could not prepare PostGIS in ${PG_URL} (${(err as Error).message}). Install it with: apt-get install -y postgresql-15-postgis-3`,
    );
  }
  const store = openStore({ databaseUrl: PG_URL, pgSchema: schema });
  // Kysely's migrator reads the tables of every schema it may use; a schema another test file drops meanwhile makes
  // that read fail ("schema … does not exist"). Migrations hold a shared lock and drops wait for it.
  try {
    await admin.query('SELECT pg_advisory_lock_shared($1)', [SCHEMA_LOCK]);
    await migrate(store, opts);
  } finally {
    await admin.end();
  }
  return {
    store,
    drop: async () => {
      await store.close();
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      try {
        await c.query('SELECT pg_advisory_lock($1)', [SCHEMA_LOCK]);
        await c.query(`DROP SCHEMA ${schema} CASCADE`);
      } finally {
        await c.end();
      }
    },
  };
}

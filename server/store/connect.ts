import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type Migration } from 'kysely';
import type { Database as Schema } from './schema.ts';
import { walSync } from './durability.ts';
import { checkpointInBackground } from './checkpoints.ts';
import * as foundation from './migrations/2026-11-29T0900-foundation.ts';
import * as accountability from './migrations/2026-11-29T1400-accountability.ts';
import * as marketDays from './migrations/2026-11-29T1600-market-days.ts';
import * as briefings from './migrations/2026-11-29T1800-briefings.ts';
import * as audit from './migrations/2026-11-29T2000-audit.ts';
import * as integrations from './migrations/2026-11-29T2100-integrations.ts';
import * as mapIndexes from './migrations/2026-12-01T0200-map-indexes.ts';
import * as county from './migrations/2026-12-02T0900-county.ts';
import * as signIn from './migrations/2026-12-02T1200-sign-in.ts';
import * as secondFactor from './migrations/2026-12-02T1500-second-factor.ts';
import * as robots from './migrations/2026-12-03T0900-robots.ts';
import * as eventKeys from './migrations/2026-12-04T0900-event-keys.ts';
import * as caseNumbers from './migrations/2026-12-05T0900-case-numbers.ts';
import * as caseSteps from './migrations/2026-12-06T0900-case-steps.ts';
import * as workingTime from './migrations/2026-12-07T0900-working-time.ts';
import * as urgencyEvaluation from './migrations/2026-12-08T0900-urgency-evaluation.ts';
import * as liveItems from './migrations/2026-12-09T0900-live-items.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<Schema>;
  dialect: Dialect;
  /** Where the SQLite file lives; undefined on PostgreSQL. */
  file: string | undefined;
  /** The PostgreSQL schema in use when not the default. */
  pgSchema?: string | undefined;
  /** The SQLite handle itself, for the few bulk reads that bypass row objects. */
  sqlite?: Database.Database | undefined;
  /** The PostgreSQL pool itself, for bulk loads through COPY. */
  pool?: pg.Pool | undefined;
  /**
   * Resolves once every write committed before the call is on disk. SQLite: a sync of its log, shared by the
   * writes of the moment; PostgreSQL: at once (its COMMIT already waits for its log).
   */
  durable(): Promise<void>;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** PostgreSQL URL; when absent, SQLite at `sqliteFile`. */
  databaseUrl?: string | undefined;
  sqliteFile?: string;
  /** PostgreSQL schema to use instead of public (tests isolate themselves this way). */
  pgSchema?: string;
  /** SQLite: checkpoint the log from a thread of its own (the server's store; see checkpoints.ts). */
  checkpointInBackground?: boolean;
}

// Migrations are listed here, in order, rather than read from disk, so they also work bundled.
const migrations: Record<string, Migration> = {
  '2026-11-29T0900-foundation': foundation,
  '2026-11-29T1400-accountability': accountability,
  '2026-11-29T1600-market-days': marketDays,
  '2026-11-29T1800-briefings': briefings,
  '2026-11-29T2000-audit': audit,
  '2026-11-29T2100-integrations': integrations,
  '2026-12-01T0200-map-indexes': mapIndexes,
  '2026-12-02T0900-county': county,
  '2026-12-02T1200-sign-in': signIn,
  '2026-12-02T1500-second-factor': secondFactor,
  '2026-12-03T0900-robots': robots,
  '2026-12-04T0900-event-keys': eventKeys,
  '2026-12-05T0900-case-numbers': caseNumbers,
  '2026-12-06T0900-case-steps': caseSteps,
  '2026-12-07T0900-working-time': workingTime,
  '2026-12-08T0900-urgency-evaluation': urgencyEvaluation,
  '2026-12-09T0900-live-items': liveItems,
};

const PG_TIMESTAMPTZ = 1184;
const PG_INT8 = 20;

/** Opens the store chosen by the configuration; does not migrate. */
export function openStore(opts: StoreOptions): Store {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts.pgSchema);
  const file = opts.sqliteFile ?? ':memory:';
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  // WAL lets map readers continue while a report is written. Every acknowledged write must survive a power
  // cut, not only a process crash (the ledger decides pay): rather than synchronous=FULL, which syncs the log
  // inside each commit on the event loop that serves every request (0.33 ms a commit on a fast disk, 0.02 ms
  // without; a slow disk stalls everything for its whole sync), commits hand their pages to the operating
  // system and the server awaits `durable()` (walSync) before it answers a write; writes that commit while a
  // sync runs share the next one.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // 32 MiB of page cache instead of SQLite's 2: the spatial index hands back rows scattered over the file, and
  // at a busy spot a duplicate check reads a few thousand of them (measured: 23 ms → 9 ms at 340 000 reports).
  sqlite.pragma('cache_size = -32768');
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  const checkpoints = opts.checkpointInBackground && file !== ':memory:' ? checkpointInBackground(sqlite, file) : undefined;
  return {
    db,
    dialect: 'sqlite',
    file: file === ':memory:' ? undefined : file,
    sqlite,
    durable: file === ':memory:' ? async () => {} : walSync(file),
    close: async () => {
      await checkpoints?.stop();
      await db.destroy();
    },
  };
}

/**
 * Kysely prepares every query anew; the same few hundred SQL texts repeat, so keep their prepared statements.
 * (Safe because the store never streams: a statement is done before the next use.)
 */
function withStatementCache(sqlite: Database.Database) {
  const cache = new Map<string, Database.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let st = cache.get(sql);
      if (!st) {
        if (cache.size >= 2000) cache.clear();
        st = sqlite.prepare(sql);
        cache.set(sql, st);
      }
      return st;
    },
  };
}

const PG_UTC = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?\+00$/;

/**
 * A timestamptz as PostgreSQL writes it in UTC ("2026-11-22 03:04:19.147+00") as an ISO-8601 UTC string with
 * milliseconds, as SQLite stores them: reshaped as text, not through a Date (a page of 2 000 pins spent a
 * quarter of its time making Dates). Anything else (another zone) goes through Date.
 */
export function isoFromPg(v: string): string {
  const m = PG_UTC.exec(v);
  if (!m) return new Date(v).toISOString();
  return `${m[1]}T${m[2]}.${((m[3] ?? '') + '000').slice(0, 3)}Z`;
}

function openPostgres(url: string, schema: string | undefined): Store {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    // When the database cannot be reached, say so within seconds instead of holding the request.
    connectionTimeoutMillis: 5_000,
    // Sessions speak UTC, so instants come back as "…+00" and are reshaped into ISO-8601 as text (isoFromPg).
    options: `-c TimeZone=UTC${schema ? ` -c search_path=${schema},public` : ''}`,
    types: {
      getTypeParser: ((oid: number, format?: string) => {
        // One time format for both dialects: ISO-8601 UTC strings.
        if (oid === PG_TIMESTAMPTZ) return isoFromPg;
        if (oid === PG_INT8) return (v: string) => Number(v);
        return pg.types.getTypeParser(oid, format as 'text');
      }) as typeof pg.types.getTypeParser,
    },
  });
  // A connection the server drops (a restart, a network blip) makes the pool emit 'error'; without a listener
  // that would end the process. The request that needed it is answered 503 and the pool reconnects on next use.
  pool.on('error', (err) => console.error(`database connection lost: ${err.message}`));
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', file: undefined, pgSchema: schema, pool, durable: async () => {}, close: () => db.destroy() };
}

/** Brings the schema up to date; safe to run on every start and from several processes. */
export async function migrate(store: Store, opts: { upTo?: string } = {}): Promise<void> {
  const migrator = new Migrator({
    db: store.db,
    provider: { getMigrations: async () => migrations },
    // Keep the migration bookkeeping in the store's own schema, not another one on the search path.
    ...(store.pgSchema ? { migrationTableSchema: store.pgSchema } : {}),
  });
  // upTo: a database as an older version left it (tests of a migration over real rows).
  const { error, results } = opts.upTo ? await migrator.migrateTo(opts.upTo) : await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, { cause: error });
  }
}

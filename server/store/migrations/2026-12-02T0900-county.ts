import { sql, PostgresAdapter, type Kysely } from 'kysely';

// Frozen: a county on one deployment. People of the county (county_admin, county_leader) belong to no township,
// so users.township_id may be empty; a county person's session remembers the township they are looking at; the
// audit log also records what is done at the county level (a township added, a county person created).

const ROLES = `'admin', 'leader', 'office', 'inspector', 'cleaner', 'unit', 'county_admin', 'county_leader'`;

/**
 * SQLite cannot loosen a column's NOT NULL or CHECK in place: the table is rebuilt as SQLite's documentation
 * describes (foreign keys off, new table, copy, drop, rename, check). Other tables' references name the table,
 * so they point at the rebuilt one.
 */
async function rebuild(db: Kysely<any>, table: string, create: string, columns: string, after: string[]): Promise<void> {
  await sql.raw(`CREATE TABLE ${table}_rebuilt ${create}`).execute(db);
  await sql.raw(`INSERT INTO ${table}_rebuilt (${columns}) SELECT ${columns} FROM ${table}`).execute(db);
  await sql.raw(`DROP TABLE ${table}`).execute(db);
  await sql.raw(`ALTER TABLE ${table}_rebuilt RENAME TO ${table}`).execute(db);
  for (const s of after) await sql.raw(s).execute(db);
}

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  if (pg) {
    await sql`ALTER TABLE users ALTER COLUMN township_id DROP NOT NULL`.execute(db);
    await sql`ALTER TABLE users DROP CONSTRAINT IF EXISTS users_role_check`.execute(db);
    await sql.raw(`ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN (${ROLES}))`).execute(db);
    // County people hold county roles only, township people township roles only.
    await sql`ALTER TABLE users ADD CONSTRAINT users_county_role CHECK ((township_id IS NULL) = (role IN ('county_admin', 'county_leader')))`.execute(db);
    await sql`ALTER TABLE audit_log ALTER COLUMN township_id DROP NOT NULL`.execute(db);
  } else {
    await sql`PRAGMA foreign_keys = OFF`.execute(db);
    try {
      await sql`BEGIN IMMEDIATE`.execute(db);
      try {
        await rebuild(
          db,
          'users',
          `(id text PRIMARY KEY, township_id text REFERENCES townships (id), username text NOT NULL UNIQUE,
            display_name text NOT NULL, role text NOT NULL CHECK (role IN (${ROLES})), created_at text NOT NULL,
            password_hash text, area_id text REFERENCES areas (id), phone text, active integer NOT NULL DEFAULT 1,
            CHECK ((township_id IS NULL) = (role IN ('county_admin', 'county_leader'))))`,
          'id, township_id, username, display_name, role, created_at, password_hash, area_id, phone, active',
          ['CREATE INDEX users_area ON users (area_id, role)'],
        );
        await rebuild(
          db,
          'audit_log',
          `(id integer PRIMARY KEY AUTOINCREMENT, township_id text REFERENCES townships (id), at text NOT NULL,
            actor_id text REFERENCES users (id), actor_name text NOT NULL, action text NOT NULL, target text NOT NULL, detail text)`,
          'id, township_id, at, actor_id, actor_name, action, target, detail',
          [
            'CREATE INDEX audit_log_township_at ON audit_log (township_id, at)',
            `CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`,
            `CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`,
          ],
        );
        const broken = await sql`PRAGMA foreign_key_check`.execute(db);
        if (broken.rows.length) throw new Error(`foreign keys broken by the rebuild: ${JSON.stringify(broken.rows.slice(0, 3))}`);
        await sql`COMMIT`.execute(db);
      } catch (err) {
        await sql`ROLLBACK`.execute(db);
        throw err;
      }
    } finally {
      await sql`PRAGMA foreign_keys = ON`.execute(db);
    }
  }
  await db.schema.alterTable('sessions').addColumn('township_id', 'text', (c) => c.references('townships.id')).execute();
}

export async function down(): Promise<void> {
  // A county's people and their audit entries cannot be put back into a schema without them.
}

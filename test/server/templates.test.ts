import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createDeps } from '../../server/services/context.ts';
import { loadDemoIfEmpty } from '../../server/services/demo.ts';
import { demoApp, NOW } from '../helpers/app.ts';
import { DIALECTS, freshStore, PG_URL } from '../helpers/stores.ts';

// The demo town each test file gets is a copy of one built once per run: it must hold what loading the demo
// writes, and be the file's own.

const SCALE = 0.05;

describe.each(DIALECTS)('the demo town copied for a test file (%s)', (dialect) => {
  it('holds what loading the demo writes, row for row', async () => {
    const loaded = await freshStore(dialect);
    const photosDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotspots-photos-'));
    const copied = await demoApp(dialect, { scale: SCALE });
    try {
      const result = await loadDemoIfEmpty(createDeps(loaded.store, { now: () => NOW, photosDir }), { end: NOW, scale: SCALE });
      const count = async (db: typeof loaded.store.db, table: 'reports' | 'report_events' | 'users' | 'areas' | 'deductions') =>
        Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      for (const table of ['reports', 'report_events', 'users', 'areas', 'deductions'] as const) {
        expect(await count(copied.db.store.db, table), table).toBe(await count(loaded.store.db, table));
      }
      expect(await count(copied.db.store.db, 'reports')).toBe(result!.reports);
      const statuses = async (db: typeof loaded.store.db) =>
        (await db.selectFrom('reports').select(['status', 'category_code', 'received_at']).orderBy('received_at').orderBy('category_code').execute()).map((r) => `${r.received_at} ${r.category_code} ${r.status}`);
      expect(await statuses(copied.db.store.db)).toEqual(await statuses(loaded.store.db));
      // and it serves: the demo accounts sign in
      expect((await copied.call('POST', '/api/auth/login', { username: 'office', password: 'demo' })).status).toBe(200);
    } finally {
      await copied.drop();
      await loaded.drop();
      fs.rmSync(photosDir, { recursive: true, force: true });
    }
  });

  it('is built once and copied for each when several files ask at once for a template not built yet', async () => {
    // a scale no other test uses, so the template does not exist yet
    const apps = await Promise.all([0, 1, 2].map(() => demoApp(dialect, { scale: 0.07 })));
    try {
      const ids = await Promise.all(apps.map(async (a) => (await a.db.store.db.selectFrom('reports').select('id').orderBy('id').execute()).map((r) => r.id)));
      expect(ids[0]!.length).toBeGreaterThan(0);
      expect(ids[1]).toEqual(ids[0]);
      expect(ids[2]).toEqual(ids[0]);
    } finally {
      for (const a of apps) await a.drop();
    }
  });

  it('is the file’s own: what one copy changes, another does not see, and a dropped copy is gone', async () => {
    const a = await demoApp(dialect, { scale: SCALE });
    const b = await demoApp(dialect, { scale: SCALE });
    try {
      const read = (app: typeof a) => app.db.store.db.selectFrom('reports').select(['id', 'description']).orderBy('id').execute();
      const before = await read(b);
      expect(before.length).toBeGreaterThan(0);
      await a.db.store.db.updateTable('reports').set({ description: '只在这一份里' }).execute();
      expect(new Set((await read(a)).map((r) => r.description))).toEqual(new Set(['只在这一份里']));
      expect(await read(b)).toEqual(before);
    } finally {
      await b.drop();
    }
    const database = dialect === 'postgres' ? new URL((a.db.store.pool!.options as { connectionString: string }).connectionString).pathname.slice(1) : null;
    const file = a.db.store.file;
    await a.drop();
    if (file) expect(fs.existsSync(file)).toBe(false);
    if (database) {
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      try {
        expect((await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount).toBe(0);
      } finally {
        await admin.end();
      }
    }
  });
});

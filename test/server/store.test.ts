import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { migrate } from '../../server/store/connect.ts';
import { createDeps } from '../../server/services/context.ts';
import { loadDemoIfEmpty } from '../../server/services/demo.ts';
import { countReports } from '../../server/store/reports.ts';
import { findDefaultTownship } from '../../server/store/townships.ts';
import { DIALECTS, freshStore, type TestStore } from '../helpers/stores.ts';
import { NOW } from '../helpers/app.ts';

describe.each(DIALECTS)('the store on %s', (dialect) => {
  let t: TestStore | undefined;
  afterEach(async () => {
    await t?.drop();
    t = undefined;
  });

  it('migrates again without change, and loads the demo town only once', async () => {
    t = await freshStore(dialect);
    const deps = createDeps(t.store, { now: () => NOW, photosDir: '/nonexistent' });
    const first = await loadDemoIfEmpty(deps, { end: NOW, scale: 0.2 });
    expect(first!.reports).toBeGreaterThan(100);
    await migrate(t.store);
    expect(await loadDemoIfEmpty(deps, { end: NOW })).toBeNull();
    const town = await findDefaultTownship(t.store.db);
    expect(await countReports(t.store.db, town!.id)).toBe(first!.reports);
  });

  it('keeps the report event log append-only', async () => {
    t = await freshStore(dialect);
    await loadDemoIfEmpty(createDeps(t.store, { now: () => NOW, photosDir: '/nonexistent' }), { end: NOW, scale: 0.1 });
    const db = t.store.db;
    await expect(db.updateTable('report_events').set({ note: 'rewritten' }).execute()).rejects.toThrow(/append-only/);
    await expect(db.deleteFrom('report_events').execute()).rejects.toThrow(/append-only/);
  });

  it('answers bounding-box queries from the spatial index', async () => {
    t = await freshStore(dialect);
    const db = t.store.db;
    if (dialect === 'sqlite') {
      const plan = await sql<{ detail: string }>`EXPLAIN QUERY PLAN SELECT id FROM reports WHERE seq IN
        (SELECT id FROM reports_rtree WHERE max_lon >= 1 AND min_lon <= 2 AND max_lat >= 1 AND min_lat <= 2)`.execute(db);
      expect(plan.rows.map((r) => r.detail).join('\n')).toMatch(/VIRTUAL TABLE INDEX .*reports_rtree|reports_rtree VIRTUAL TABLE INDEX/);
    } else {
      // One connection for both statements: the setting holds only on the pool connection that ran it.
      const plan = await db.connection().execute(async (conn) => {
        await sql`SET enable_seqscan = off`.execute(conn);
        const p = await sql<{ 'QUERY PLAN': string }>`EXPLAIN SELECT id FROM reports
          WHERE geom && ST_MakeEnvelope(1, 1, 2, 2, 4326)`.execute(conn);
        await sql`RESET enable_seqscan`.execute(conn);
        return p;
      });
      expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('reports_geom');
    }
  });
});

import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../server/store/connect.ts';
import { DIALECTS, freshStore, type TestStore } from '../helpers/stores.ts';

// The county migration rebuilds SQLite's users and audit tables: a database full of a township's people,
// sessions and audit entries comes through it whole, with its keys and its append-only rule.

const T = '00000000-0000-4000-8000-0000000000aa';
const A = '00000000-0000-4000-8000-0000000000bb';
const NOW = '2026-11-30T02:00:00.000Z';

describe.each(DIALECTS)('the county migration over a live database (%s)', (dialect) => {
  let db: TestStore | undefined;
  afterEach(async () => {
    await db?.drop();
    db = undefined;
  });

  it('keeps every person, session and audit entry, and lets county people belong to no township', async () => {
    db = await freshStore(dialect, { upTo: '2026-12-01T0200-map-indexes' });
    const k = db.store.db as any;
    const ring = [[116.4, 39.9], [116.41, 39.9], [116.41, 39.91], [116.4, 39.9]];
    await k.insertInto('townships').values({ id: T, code: 'old-town', name_zh: '老镇', name_en: 'Old Town', boundary: JSON.stringify({ type: 'Polygon', coordinates: [ring] }), timezone: 'Asia/Shanghai', created_at: NOW }).execute();
    await k.insertInto('areas').values({ id: A, township_id: T, kind: 'village', code: 'v1', name_zh: '一村', name_en: 'V1', polygon: JSON.stringify({ type: 'Polygon', coordinates: [ring] }), min_lon: 116.4, min_lat: 39.9, max_lon: 116.41, max_lat: 39.91, created_at: NOW, updated_at: NOW }).execute();
    const people = Array.from({ length: 30 }, (_, i) => ({ id: `u${i}`, township_id: T, username: `p${i}`, display_name: `人${i}`, role: i % 2 ? 'cleaner' : 'office', created_at: NOW, password_hash: 'h', area_id: i % 2 ? A : null, phone: null, active: 1 }));
    await k.insertInto('users').values(people).execute();
    await k.insertInto('sessions').values({ id: 's1', user_id: 'u3', created_at: NOW, last_seen_at: NOW, expires_at: NOW }).execute();
    await k.insertInto('audit_log').values({ township_id: T, at: NOW, actor_id: 'u0', actor_name: 'p0', action: 'user.create', target: 'user:p1', detail: null }).execute();

    await migrate(db.store);

    const users = await k.selectFrom('users').selectAll().orderBy('id').execute();
    expect(users.map((u: any) => [u.id, u.township_id, u.role, u.area_id])).toEqual(
      [...people].sort((a, b) => a.id.localeCompare(b.id)).map((u) => [u.id, u.township_id, u.role, u.area_id]),
    );
    const joined = await k.selectFrom('sessions').innerJoin('users', 'users.id', 'sessions.user_id').select(['users.username', 'sessions.township_id']).execute();
    expect(joined).toEqual([{ username: 'p3', township_id: null }]);
    if (dialect === 'sqlite') {
      expect((await sql`PRAGMA foreign_key_check`.execute(k)).rows).toEqual([]);
      expect((await sql<{ foreign_keys: number }>`PRAGMA foreign_keys`.execute(k)).rows[0]!.foreign_keys).toBe(1);
    }
    // Still append-only, and still keyed to its people.
    await expect(k.updateTable('audit_log').set({ action: 'x' }).execute()).rejects.toThrow(/append-only/);
    await expect(k.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
    await expect(k.insertInto('sessions').values({ id: 's2', user_id: 'nobody', created_at: NOW, last_seen_at: NOW, expires_at: NOW }).execute()).rejects.toThrow();
    // County people: no township, county roles only.
    await k.insertInto('users').values({ id: 'c1', township_id: null, username: 'county', display_name: '县', role: 'county_leader', created_at: NOW, active: 1 }).execute();
    await k.insertInto('audit_log').values({ township_id: null, at: NOW, actor_id: 'c1', actor_name: 'county', action: 'user.create', target: 'user:county', detail: null }).execute();
    await expect(k.insertInto('users').values({ id: 'c2', township_id: T, username: 'county2', display_name: '县', role: 'county_admin', created_at: NOW, active: 1 }).execute()).rejects.toThrow();
    await expect(k.insertInto('users').values({ id: 'c3', township_id: null, username: 'nowhere', display_name: '无', role: 'office', created_at: NOW, active: 1 }).execute()).rejects.toThrow();
  });
});

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTownServer } from '../town-server.ts';
import type { Page } from '../helper.ts';
import { fieldPhone, outboxItems, phoneStore, tooSmall } from '../field-phone.ts';
import { apiSession } from '../api-session.ts';
import { alongRoad, demoTown } from '../../helpers/town.ts';

// The outbox on a phone people share, a form that outlives a reload, and the second inspector at a spot that is
// already reported.

const { generatorTown } = demoTown();
const SPOT = alongRoad(generatorTown.roads, 'laneB', 1, 0.5) as [number, number];
const OTHER_SPOT = alongRoad(generatorTown.roads, 'laneC', 1, 0.3) as [number, number];
const PHOTO = path.resolve('test/fixtures/before.jpg');

const town = useTownServer();
const db = () => town.server.deps.store.db;

async function stored(note: string) {
  return db().selectFrom('reports').select(['id', 'reporter_id']).where('description', '=', note).execute();
}
async function userId(username: string) {
  return (await db().selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
}

async function signIn(page: Page, username: string) {
  await page.fill('[data-testid=login-username]', username);
  await page.fill('[data-testid=login-password]', 'demo');
  await page.click('[data-testid=login-submit]');
  await page.locator('[data-testid=sign-out]').waitFor({ timeout: 60_000 });
}

/** The phone's drafts, as far as the tests look at them. */
async function drafts(page: Page) {
  const all = await phoneStore<{ note: string; category: string | null; photos: unknown[] }>(page, 'drafts');
  return all.map((d) => ({ note: d.note, category: d.category, photos: d.photos.length }));
}

describe('the outbox and the report form on a real phone', { timeout: 240_000 }, () => {
  it('holds queued reports when the session ends, and sends them under their author after signing in again, never under the next person on the phone', async () => {
    const { context, page, errors } = await fieldPhone(town.browser, town.server.url, { geolocation: { longitude: SPOT[0], latitude: SPOT[1], accuracy: 8 } });
    try {
      await context.setOffline(true);
      const note = `会话过期 ${Date.now()}`;
      await page.click('[data-testid=drop-pin]');
      await page.click('[data-testid=category-exposed_garbage]');
      await page.fill('[data-testid=field-note]', note);
      await page.click('[data-testid=submit-report]');
      await page.locator('[data-testid=outbox-item][data-state=waiting]').waitFor();

      // while the phone is offline the inspector's session ends on the server (idle limit, signed out elsewhere)
      await db().deleteFrom('sessions').execute();
      await context.setOffline(false);
      await page.click('[data-testid=sync-now]');
      // held, not refused: the banner says it waits for signing in again
      await page.locator('[data-testid=outbox-held]').waitFor({ timeout: 30_000 });
      expect(await page.locator('[data-testid=outbox-held]').textContent()).toContain('重新登录后自动发出');
      expect((await outboxItems(page)).map((i) => i.state)).toEqual(['held']);
      expect(await stored(note)).toHaveLength(0);

      // a cleaner picks up the same phone: they see nothing of the inspector's queue, and it is not sent as theirs
      await page.click('[data-testid=sign-in-again]');
      await signIn(page, 'cleaner3');
      await page.goto(`${town.server.url}/field`);
      await page.locator('[data-testid=drop-pin]').waitFor({ timeout: 60_000 });
      expect(await page.locator('[data-testid=outbox-item]').count()).toBe(0);
      expect(await page.locator('[data-testid=outbox-count]').textContent()).toBe('0');
      await page.click('[data-testid=sync-now]');
      await expect.poll(async () => (await outboxItems(page)).map((i) => i.state), { timeout: 10_000 }).toEqual(['held']);
      expect(await stored(note)).toHaveLength(0);

      // the inspector signs in again: the report goes out, once, under the inspector's name
      await page.click('[data-testid=sign-out]');
      await signIn(page, 'inspector');
      await page.locator('[data-testid=outbox-item][data-state=sent]').waitFor({ timeout: 60_000 });
      const rows = await stored(note);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.reporter_id).toBe(await userId('inspector'));
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('keeps a half-filled report through a reload, and 取消 clears it for good', async () => {
    const { context, page } = await fieldPhone(town.browser, town.server.url, { geolocation: { longitude: SPOT[0], latitude: SPOT[1], accuracy: 8 } });
    try {
      await page.click('[data-testid=drop-pin]');
      await page.click('[data-testid=category-illegal_ad]');
      await page.fill('[data-testid=field-note]', '电线杆上的小广告');
      await page.setInputFiles('[data-testid=field-photo]', PHOTO);
      await page.locator('[data-testid=photo-previews] img').waitFor();
      await expect.poll(() => drafts(page), { timeout: 10_000 }).toEqual([{ note: '电线杆上的小广告', category: 'illegal_ad', photos: 1 }]);

      await page.reload();
      await page.locator('[data-testid=field-saved]').waitFor({ timeout: 60_000 });
      expect(await page.locator('[data-testid=field-saved]').textContent()).toContain('已恢复');
      expect(await page.inputValue('[data-testid=field-note]')).toBe('电线杆上的小广告');
      expect(await page.getAttribute('[data-testid=category-illegal_ad]', 'aria-pressed')).toBe('true');
      expect(await page.locator('[data-testid=photo-previews] img').count()).toBe(1);
      expect(await page.locator('[data-testid=field-place]').textContent()).toContain('第三保洁区');

      await page.click('[data-testid=cancel-report]');
      await expect.poll(() => drafts(page), { timeout: 10_000 }).toEqual([]);
      await page.reload();
      await page.locator('[data-testid=drop-pin]').waitFor({ timeout: 60_000 });
      expect(await page.locator('[data-testid=field-note]').count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('shows the open item at the same spot right above 提交, and adds a sighting to it in one tap instead of a second report', async () => {
    const office = await apiSession(town.server.url, 'inspector');
    const first = await office.post('/api/reports', { category: 'road_stall', lon: OTHER_SPOT[0], lat: OTHER_SPOT[1], description: '占道摊点 第一次' });
    expect(first.status).toBe(201);
    const id: string = first.body.id;
    // 8 m along the lane: within the category's radius
    const near = { longitude: OTHER_SPOT[0] + 0.00008, latitude: OTHER_SPOT[1], accuracy: 6 };
    const { context, page, errors } = await fieldPhone(town.browser, town.server.url, { geolocation: near });
    try {
      await page.click('[data-testid=drop-pin]');
      await page.click('[data-testid=category-road_stall]');
      await page.locator('[data-testid=nearby]').waitFor();
      const hint = (await page.locator('[data-testid=nearby]').boundingBox())!;
      const submit = (await page.locator('[data-testid=submit-report]').boundingBox())!;
      expect(hint.y + hint.height).toBeLessThanOrEqual(submit.y);
      // everything on the form is big enough for a thumb, and readable
      expect(await tooSmall(page, '.field-panel')).toEqual([]);
      const note = `又摆出来了 ${Date.now()}`;
      await page.fill('[data-testid=field-note]', note);
      await page.click('[data-testid=add-sighting]');
      await page.locator('[data-testid=outbox-item][data-kind=sighting][data-state=sent]').waitFor({ timeout: 60_000 });
      const events = await db().selectFrom('report_events').select(['type', 'note']).where('report_id', '=', id).where('type', '=', 'sighting').execute();
      expect(events).toEqual([{ type: 'sighting', note }]);
      expect(await stored(note)).toHaveLength(0);
      expect((await db().selectFrom('reports').select('sightings').where('id', '=', id).executeTakeFirstOrThrow()).sightings).toBe(1);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
  it('removes sent items and their photos from the phone after a week, and keeps what is younger or not yet sent', async () => {
    const { context, page } = await fieldPhone(town.browser, town.server.url, { geolocation: { longitude: SPOT[0], latitude: SPOT[1], accuracy: 8 } });
    try {
      const me = await userId('inspector');
      await page.evaluate(async (userId) => {
        const idb = await new Promise<IDBDatabase>((res, rej) => {
          const r = indexedDB.open('hotspots-field');
          r.onsuccess = () => res(r.result);
          r.onerror = () => rej(r.error);
        });
        const day = 86_400_000;
        const item = (key: string, state: string, sentDaysAgo: number | null) => ({
          key, userId, kind: 'report', createdAt: new Date(Date.now() - 9 * day).toISOString(), capturedAt: new Date(Date.now() - 9 * day).toISOString(),
          category: 'exposed_garbage', lon: 0, lat: 0, accuracyM: null, description: key, photos: [new Blob([new Uint8Array(200_000)], { type: 'image/jpeg' })], photoIds: [],
          placeLabel: '—', state, error: state === 'failed' ? 'refused' : null, attempts: 1, reportId: null,
          sentAt: sentDaysAgo === null ? null : new Date(Date.now() - sentDaysAgo * day).toISOString(),
        });
        await new Promise<void>((res) => {
          const t = idb.transaction('outbox', 'readwrite');
          for (const i of [item('sent-8-days-ago', 'sent', 8), item('sent-6-days-ago', 'sent', 6), item('refused-9-days-ago', 'failed', null)]) t.objectStore('outbox').put(i);
          t.oncomplete = () => res();
        });
        idb.close();
      }, me);
      await page.reload();
      await page.locator('[data-testid=drop-pin]').waitFor({ timeout: 60_000 });
      await expect.poll(async () => (await outboxItems(page)).length, { timeout: 10_000 }).toBe(2);
      const keys = (await outboxItems(page)).map((i) => i.key).sort();
      expect(keys).toEqual(['refused-9-days-ago', 'sent-6-days-ago']);
    } finally {
      await context.close();
    }
  });
});

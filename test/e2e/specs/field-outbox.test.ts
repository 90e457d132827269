import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTownServer } from '../town-server.ts';
import { Phone } from '../driver.ts';
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

const phone = (at: [number, number], accuracy = 8) => Phone.open(town.browser, town.server.url, { geolocation: { longitude: at[0], latitude: at[1], accuracy } });

describe('the outbox and the report form on a real phone', { timeout: 240_000 }, () => {
  it('holds queued reports when the session ends, and sends them under their author after signing in again, never under the next person on the phone', async () => {
    const p = await phone(SPOT);
    try {
      await p.offline(true);
      const note = `会话过期 ${Date.now()}`;
      await p.startReport();
      await p.pick('exposed_garbage');
      await p.note(note);
      await p.submit();
      await p.waitForOutbox({ state: 'waiting' });

      // while the phone is offline the inspector's session ends on the server (idle limit, signed out elsewhere)
      await db().deleteFrom('sessions').execute();
      await p.offline(false);
      await p.syncNow();
      // held, not refused: the banner says it waits for signing in again
      expect(await p.heldBanner()).toContain('重新登录后自动发出');
      expect((await p.outboxItems()).map((i) => i.state)).toEqual(['held']);
      expect(await stored(note)).toHaveLength(0);

      // a cleaner picks up the same phone: they see nothing of the inspector's queue, and it is not sent as theirs
      await p.signInAgainAs('cleaner3');
      await p.visit(town.server.url, '/field');
      expect(await p.outboxLabels()).toEqual([]);
      expect(await p.outboxCount()).toBe(0);
      await p.syncNow();
      await expect.poll(async () => (await p.outboxItems()).map((i) => i.state), { timeout: 10_000 }).toEqual(['held']);
      expect(await stored(note)).toHaveLength(0);

      // the inspector signs in again: the report goes out, once, under the inspector's name
      await p.signOutAndIn('inspector');
      await p.waitForOutbox({ state: 'sent' });
      const rows = await stored(note);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.reporter_id).toBe(await userId('inspector'));
      expect(p.errors).toEqual([]);
    } finally {
      await p.close();
    }
  });

  it('keeps a half-filled report through a reload, and 取消 clears it for good', async () => {
    const p = await phone(SPOT);
    try {
      await p.startReport();
      await p.pick('illegal_ad');
      await p.note('电线杆上的小广告');
      await p.attach(PHOTO);
      await expect.poll(() => p.drafts(), { timeout: 10_000 }).toEqual([{ note: '电线杆上的小广告', category: 'illegal_ad', photos: 1 }]);

      await p.reload({ restored: true });
      expect(await p.form('illegal_ad')).toEqual({ note: '电线杆上的小广告', picked: true, previews: 1, restored: expect.stringContaining('已恢复') });
      expect(await p.place()).toContain('第三保洁区');

      await p.cancel();
      await expect.poll(() => p.drafts(), { timeout: 10_000 }).toEqual([]);
      await p.reload();
      expect((await p.form()).note).toBeNull();
    } finally {
      await p.close();
    }
  });

  it('shows the open item at the same spot right above 提交, and adds a sighting to it in one tap instead of a second report', async () => {
    const office = await apiSession(town.server.url, 'inspector');
    const first = await office.post('/api/reports', { category: 'road_stall', lon: OTHER_SPOT[0], lat: OTHER_SPOT[1], description: '占道摊点 第一次' });
    expect(first.status).toBe(201);
    const id: string = first.body.id;
    // 8 m along the lane: within the category's radius
    const near = { longitude: OTHER_SPOT[0] + 0.00008, latitude: OTHER_SPOT[1], accuracy: 6 };
    const p = await Phone.open(town.browser, town.server.url, { geolocation: near });
    try {
      await p.startReport();
      await p.pick('road_stall');
      expect(await p.nearbyAboveSubmit()).toBe(true);
      // everything on the form is big enough for a thumb, and readable
      expect(await p.tooSmall('.field-panel')).toEqual([]);
      const note = `又摆出来了 ${Date.now()}`;
      await p.note(note);
      await p.addSighting();
      const events = await db().selectFrom('report_events').select(['type', 'note']).where('report_id', '=', id).where('type', '=', 'sighting').execute();
      expect(events).toEqual([{ type: 'sighting', note }]);
      expect(await stored(note)).toHaveLength(0);
      expect((await db().selectFrom('reports').select('sightings').where('id', '=', id).executeTakeFirstOrThrow()).sightings).toBe(1);
      expect(p.errors).toEqual([]);
    } finally {
      await p.close();
    }
  });
  it('removes sent items and their photos from the phone after a week, and keeps what is younger or not yet sent', async () => {
    const p = await phone(SPOT);
    try {
      const me = await userId('inspector');
      const day = 86_400_000;
      const item = (key: string, state: string, sentDaysAgo: number | null) => ({
        key, userId: me, kind: 'report', createdAt: new Date(Date.now() - 9 * day).toISOString(), capturedAt: new Date(Date.now() - 9 * day).toISOString(),
        category: 'exposed_garbage', lon: 0, lat: 0, accuracyM: null, description: key, photoIds: [],
        placeLabel: '—', state, error: state === 'failed' ? 'refused' : null, attempts: 1, reportId: null,
        sentAt: sentDaysAgo === null ? null : new Date(Date.now() - sentDaysAgo * day).toISOString(),
      });
      // each with a photo of 200 KB
      await p.seedOutbox([item('sent-8-days-ago', 'sent', 8), item('sent-6-days-ago', 'sent', 6), item('refused-9-days-ago', 'failed', null)], 200_000);
      await p.reload();
      await expect.poll(async () => (await p.outboxItems()).length, { timeout: 10_000 }).toBe(2);
      const keys = (await p.outboxItems()).map((i) => i.key).sort();
      expect(keys).toEqual(['refused-9-days-ago', 'sent-6-days-ago']);
    } finally {
      await p.close();
    }
  });
});

import { createHash } from 'node:crypto';
import sharp from 'sharp';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTownServer } from '../town-server.ts';
import { Phone } from '../driver.ts';
import { apiSession } from '../api-session.ts';
import { alongRoad, demoTown } from '../../helpers/town.ts';

// An inspector in a lane with no signal reports three problems with photos; nothing is lost or doubled,
// however the network behaves.

const PHOTOS = ['before.jpg', 'after.jpg', 'rotated-with-time.jpg'].map((f) => path.resolve('test/fixtures', f));
const sha256 = (f: string) => createHash('sha256').update(fs.readFileSync(f)).digest('hex');
const { generatorTown } = demoTown();
const [LON, LAT] = alongRoad(generatorTown.roads, 'laneB', 1, 0.5);

const town = useTownServer();

async function phone(at: [number, number] = [LON, LAT]) {
  const p = await Phone.open(town.browser, town.server.url, { geolocation: { longitude: at[0], latitude: at[1], accuracy: 12 }, serviceWorkers: 'allow' });
  // the service worker is in charge and holds the shell and the reference data
  await p.offlineCopy(['/index.html', '/api/township', '/api/areas', '/api/auth/me'], 'FieldView');
  return p;
}

/** Expects the outbox to show n items still to send (it is read from IndexedDB after the page draws). */
async function expectOutbox(p: Phone, n: number) {
  expect(await p.settledOutboxCount(n)).toBe(n);
}

async function serverReports(note: string) {
  return town.server.deps.store.db
    .selectFrom('reports')
    .select(['id', 'zone_id', 'description', 'urgency'])
    .where('description', 'like', `${note}%`)
    .execute();
}

describe('field capture on a phone', { timeout: 180_000 }, () => {
  it('keeps three reports made offline through a reload, and sends each once with its photo when the signal returns', async () => {
    const p = await phone();
    try {
      await p.offline(true);
      const note = `离线上报 ${Date.now()}`;
      // the second is flagged 紧急 on the phone, and stays so through the outbox
      for (let i = 0; i < 3; i++) await p.report(i === 1 ? 'illegal_ad' : 'exposed_garbage', `${note} #${i}`, { photo: PHOTOS[i]!, urgent: i === 1 });
      await expectOutbox(p, 3);
      expect(await p.networkLabel()).toContain('离线');
      expect(await serverReports(note)).toHaveLength(0);

      // the shell comes from the service worker; on a loaded 2-core machine Chromium may take a while to start it
      // and boot the app (the first visit above is given 90 s for the same reason)
      await p.reload({ timeout: 90_000 });
      await expectOutbox(p, 3);
      const labels = await p.outboxLabels();
      expect(labels.every((l) => l.includes('第三保洁区 · 安章社区'))).toBe(true);

      await p.offline(false);
      // the phone sends on its own when the network returns; a user who is in a hurry taps "sync now"
      for (let i = 0; i < 12 && (await p.outboxCount()) > 0; i++) {
        if ((await p.settledOutboxCount(0, 5_000)) > 0) await p.syncNow();
      }
      expect(await p.outboxCount()).toBe(0);
      const rows = await serverReports(note);
      expect(rows).toHaveLength(3);
      expect(rows.map((r) => [r.description!.slice(-2), r.urgency]).sort()).toEqual([['#0', 'normal'], ['#1', 'urgent'], ['#2', 'normal']]);
      const photos = await town.server.deps.store.db.selectFrom('report_photos').select('photo_id').where('report_id', 'in', rows.map((r) => r.id)).execute();
      expect(photos.map((p) => p.photo_id).sort()).toEqual(PHOTOS.map(sha256).sort());
      // Each is kept once under the id of what the phone sent: the same picture, upright, without its metadata.
      for (const [i, hash] of PHOTOS.map(sha256).entries()) {
        const file = fs.readdirSync(path.join(town.dataDir, 'photos', hash.slice(0, 2))).find((f) => f.startsWith(hash) && !f.includes('thumb'))!;
        const sent = await sharp(PHOTOS[i]!).metadata();
        const kept = await sharp(path.join(town.dataDir, 'photos', hash.slice(0, 2), file)).metadata();
        const upright = (sent.orientation ?? 1) >= 5 ? [sent.height, sent.width] : [sent.width, sent.height];
        expect([kept.width, kept.height]).toEqual(upright);
      }
      expect(p.errors).toEqual([]);
    } finally {
      await p.close();
    }
  });

  it('ends with exactly one report per submission when half the answers are lost', async () => {
    const p = await phone();
    try {
      // the server has each report, but the phone never hears back from every other one
      const sent = await p.loseAnswers('**/api/reports', (n) => n % 2 === 0);
      const note = `弱网上报 ${Date.now()}`;
      for (let i = 0; i < 4; i++) await p.report('road_stall', `${note} #${i}`);
      for (let tries = 0; tries < 20 && (await p.outboxCount()) > 0; tries++) {
        await p.syncNow();
      }
      expect(await p.outboxCount()).toBe(0);
      expect(sent()).toBeGreaterThan(4); // some were sent more than once…
      expect(await serverReports(note)).toHaveLength(4); // …and still made one report each
    } finally {
      await p.close();
    }
  });

  it('does not send a pin outside the township, and keeps a report the server refuses, with its reason', async () => {
    const outside = await phone([106.2, 26.3]);
    try {
      await outside.startReport();
      expect(await outside.place()).toContain('不在本镇');
      await outside.pick('weeds');
      // the desktop form refuses a spot outside the township, and so does the phone
      expect((await outside.submitState()).enabled).toBe(false);
    } finally {
      await outside.close();
    }
    // the office withdraws a category after the phone loaded it: the phone's report of it is refused and kept
    const second = await phone();
    const office = await apiSession(town.server.url, 'admin');
    expect((await office.patch('/api/categories/weeds', { active: false })).status).toBe(200);
    try {
      await second.startReport();
      await second.pick('weeds');
      await second.submit();
      await second.waitForOutbox({ state: 'failed', timeout: 20_000 });
      expect(await second.outboxError()).toContain('停用');
      await expectOutbox(second, 1);
      await second.reload();
      await second.waitForOutbox({ state: 'failed' });
    } finally {
      await second.close();
      expect((await office.patch('/api/categories/weeds', { active: true })).status).toBe(200);
    }
  });
});

import { createHash } from 'node:crypto';
import sharp from 'sharp';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTownServer } from '../town-server.ts';
import type { Page } from '../helper.ts';
import { fieldPhone, syncNow, waitForOfflineCopy } from '../field-phone.ts';
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
  const { context, page, errors } = await fieldPhone(town.browser, town.server.url, { geolocation: { longitude: at[0], latitude: at[1], accuracy: 12 }, serviceWorkers: 'allow' });
  // the service worker is in charge and holds the shell and the reference data
  await waitForOfflineCopy(page, ['/index.html', '/api/township', '/api/areas', '/api/auth/me'], 'FieldView');
  return { context, page, errors };
}

async function report(page: Page, category: string, note: string, photo?: string, urgent = false) {
  await page.click('[data-testid=drop-pin]');
  await page.click(`[data-testid=category-${category}]`);
  await page.fill('[data-testid=field-note]', note);
  if (urgent) {
    await page.click('[data-testid=field-urgent]');
    expect(await page.getAttribute('[data-testid=field-urgent]', 'aria-pressed')).toBe('true');
  }
  if (photo) await page.setInputFiles('[data-testid=field-photo]', photo);
  await page.click('[data-testid=submit-report]');
  await page.locator('[data-testid=drop-pin]').waitFor();
}

const outboxCount = async (page: Page) => Number(await page.locator('[data-testid=outbox-count]').textContent());

/** Waits for the outbox to show n items still to send (it is read from IndexedDB after the page draws). */
async function expectOutbox(page: Page, n: number) {
  await page
    .waitForFunction((want) => document.querySelector('[data-testid=outbox-count]')?.textContent === String(want), n, { timeout: 15_000 })
    .catch(() => undefined);
  expect(await outboxCount(page)).toBe(n);
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
    const { context, page, errors } = await phone();
    try {
      await context.setOffline(true);
      const note = `离线上报 ${Date.now()}`;
      // the second is flagged 紧急 on the phone, and stays so through the outbox
      for (let i = 0; i < 3; i++) await report(page, i === 1 ? 'illegal_ad' : 'exposed_garbage', `${note} #${i}`, PHOTOS[i], i === 1);
      await expectOutbox(page, 3);
      expect(await page.locator('[data-testid=network]').textContent()).toContain('离线');
      expect(await serverReports(note)).toHaveLength(0);

      await page.reload();
      // the shell comes from the service worker; on a loaded 2-core machine Chromium may take a while to start it
      // and boot the app (the first visit above is given 90 s for the same reason)
      await page.locator('[data-testid=drop-pin]').waitFor({ timeout: 90_000 });
      await expectOutbox(page, 3);
      const labels = await page.locator('[data-testid=outbox-item]').allTextContents();
      expect(labels.every((l) => l.includes('第三保洁区 · 安章社区'))).toBe(true);

      await context.setOffline(false);
      // the phone sends on its own when the network returns; a user who is in a hurry taps "sync now"
      for (let i = 0; i < 12 && (await outboxCount(page)) > 0; i++) {
        const done = await page
          .waitForFunction(() => document.querySelector('[data-testid=outbox-count]')?.textContent === '0', null, { timeout: 5_000 })
          .then(() => true, () => false);
        if (!done) await page.click('[data-testid=sync-now]');
      }
      expect(await outboxCount(page)).toBe(0);
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
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('ends with exactly one report per submission when half the answers are lost', async () => {
    const { context, page } = await phone();
    try {
      let n = 0;
      await page.route('**/api/reports', async (route) => {
        if (route.request().method() !== 'POST') return route.fallback();
        const response = await route.fetch(); // the server has the report…
        if (n++ % 2 === 0) return route.abort('connectionreset'); // …but the phone never hears back
        return route.fulfill({ response });
      });
      const note = `弱网上报 ${Date.now()}`;
      for (let i = 0; i < 4; i++) await report(page, 'road_stall', `${note} #${i}`);
      for (let tries = 0; tries < 20 && (await outboxCount(page)) > 0; tries++) {
        await syncNow(page);
      }
      expect(await outboxCount(page)).toBe(0);
      expect(n).toBeGreaterThan(4); // some were sent more than once…
      expect(await serverReports(note)).toHaveLength(4); // …and still made one report each
    } finally {
      await context.close();
    }
  });

  it('does not send a pin outside the township, and keeps a report the server refuses, with its reason', async () => {
    const { context, page } = await phone([106.2, 26.3]);
    try {
      await page.click('[data-testid=drop-pin]');
      expect(await page.locator('[data-testid=field-place]').textContent()).toContain('不在本镇');
      await page.click('[data-testid=category-weeds]');
      // the desktop form refuses a spot outside the township, and so does the phone
      expect(await page.locator('[data-testid=submit-report]').isDisabled()).toBe(true);
    } finally {
      await context.close();
    }
    // the office withdraws a category after the phone loaded it: the phone's report of it is refused and kept
    const second = await phone();
    const office = await apiSession(town.server.url, 'admin');
    expect((await office.patch('/api/categories/weeds', { active: false })).status).toBe(200);
    try {
      await second.page.click('[data-testid=drop-pin]');
      await second.page.click('[data-testid=category-weeds]');
      await second.page.click('[data-testid=submit-report]');
      const failed = second.page.locator('[data-testid=outbox-item][data-state=failed]');
      await failed.waitFor({ timeout: 20_000 });
      expect(await second.page.locator('[data-testid=outbox-error]').textContent()).toContain('停用');
      await expectOutbox(second.page, 1);
      await second.page.reload();
      await second.page.locator('[data-testid=outbox-item][data-state=failed]').waitFor();
    } finally {
      await second.context.close();
      expect((await office.patch('/api/categories/weeds', { active: true })).status).toBe(200);
    }
  });
});

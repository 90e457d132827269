import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import * as turf from '@turf/turf';
import { describe, expect, it } from 'vitest';
import { useTownServer } from '../town-server.ts';
import type { Page } from '../helper.ts';
import { fieldPhone, outboxItems, type PhoneOptions } from '../field-phone.ts';
import { alongRoad, demoTown } from '../../helpers/town.ts';

// The field view on a phone where it is used most: a GPS that needs a while, location refused, a line that stalls
// rather than drops, and a camera that takes 12-megapixel photos.

const { generatorTown } = demoTown();
const SPOT = alongRoad(generatorTown.roads, 'laneB', 1, 0.5) as [number, number];

const town = useTownServer();

const phone = (opts: PhoneOptions) => fieldPhone(town.browser, town.server.url, opts);

async function stored(note: string) {
  return town.server.deps.store.db.selectFrom('reports').selectAll().where('description', '=', note).execute();
}

async function createdData(reportId: string) {
  const e = await town.server.deps.store.db.selectFrom('report_events').select('data').where('report_id', '=', reportId).where('type', '=', 'created').executeTakeFirstOrThrow();
  return JSON.parse(e.data ?? '{}') as { placedBy?: string };
}

/** The middle of the township's bounding box: where the map opens, and where a pin used to go without a fix. */
async function townshipMiddle(): Promise<[number, number]> {
  const t = await town.server.deps.store.db.selectFrom('townships').select(['boundary']).executeTakeFirstOrThrow();
  const [w, s, e, n] = turf.bbox(JSON.parse(t.boundary));
  return [(w + e) / 2, (s + n) / 2];
}

/** Waits until n items of this phone's outbox have been taken by the server (each test has a fresh phone). */
async function waitForSent(page: Page, n = 1) {
  await page.waitForFunction((want) => document.querySelectorAll('[data-testid=outbox-item][data-state=sent]').length === want, n, { timeout: 60_000 });
}

describe('the field view on a weak signal and a slow GPS', { timeout: 180_000 }, () => {
  it('waits for a fix good enough, showing its accuracy, and reports where the fix is, never at the first coarse guess', async () => {
    // The phone's first answer is a cell-tower guess 800 m wide at the township centre; the GPS fix comes later.
    const [cx, cy] = await townshipMiddle();
    const centre = { longitude: cx, latitude: cy, accuracy: 800 };
    const { context, page, errors } = await phone({ geolocation: centre });
    try {
      await page.click('[data-testid=drop-pin]');
      await page.locator('[data-testid=locating]').waitFor();
      await page.waitForFunction(() => /800/.test(document.querySelector('[data-testid=gps-state]')?.textContent ?? ''));
      expect(await page.locator('[data-testid=gps-state]').textContent()).toContain('30米以内');
      expect(await page.locator('[data-testid=pin]').count()).toBe(0);
      expect(await page.locator('[data-testid=submit-report]').count()).toBe(0);

      await context.setGeolocation({ longitude: SPOT[0], latitude: SPOT[1], accuracy: 8 });
      await page.locator('[data-testid=pin]').waitFor();
      await page.click('[data-testid=category-exposed_garbage]');
      const note = `迟到的定位 ${Date.now()}`;
      await page.fill('[data-testid=field-note]', note);
      await page.click('[data-testid=submit-report]');
      await waitForSent(page);
      const [row] = await stored(note);
      expect(row).toBeDefined();
      expect(turf.distance([row!.lon, row!.lat], SPOT, { units: 'meters' })).toBeLessThan(1);
      expect(row!.accuracy_m).toBe(8);
      expect((await createdData(row!.id)).placedBy).toBe('gps');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('says so when location is refused, and takes the spot where the inspector taps, stored as placed by hand', async () => {
    const { context, page, errors } = await phone({ located: false });
    try {
      await page.click('[data-testid=drop-pin]');
      await page.locator('[data-testid=tap-to-place]').waitFor();
      expect(await page.locator('[data-testid=gps-state]').textContent()).toMatch(/未获得定位权限|无法获取位置/);
      expect(await page.locator('[data-testid=pin]').count()).toBe(0);
      const box = (await page.locator('[data-testid=lite-map]').boundingBox())!;
      // off the map's centre (which is the township's middle, where a pin must never go by default)
      await page.mouse.click(box.x + box.width / 2 + 60, box.y + box.height / 2 - 40);
      await page.locator('[data-testid=pin]').waitFor();
      expect(await page.locator('[data-testid=placed-by-hand]').isVisible()).toBe(true);
      await page.click('[data-testid=category-illegal_ad]');
      const note = `手动选点 ${Date.now()}`;
      await page.fill('[data-testid=field-note]', note);
      await page.click('[data-testid=submit-report]');
      await waitForSent(page);
      const [row] = await stored(note);
      expect(row).toBeDefined();
      expect(row!.accuracy_m).toBeNull();
      expect((await createdData(row!.id)).placedBy).toBe('hand');
      expect(turf.distance([row!.lon, row!.lat], await townshipMiddle(), { units: 'meters' })).toBeGreaterThan(20);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('gives up a stalled send, backs off, and sends it exactly once when the line recovers; 取消 clears the form', async () => {
    const { context, page } = await phone({ geolocation: { longitude: SPOT[0], latitude: SPOT[1], accuracy: 10 } });
    try {
      // The line takes the report but says nothing for 40 s (then the request goes through late).
      let stalled = 0;
      let release: () => void = () => {};
      const recovered = new Promise<void>((r) => (release = r));
      await page.route('**/api/reports', async (route) => {
        if (route.request().method() !== 'POST') return route.fallback();
        stalled++;
        await Promise.race([recovered, new Promise((r) => setTimeout(r, 40_000))]);
        await route.continue().catch(() => undefined);
      });
      await page.click('[data-testid=drop-pin]');
      await page.click('[data-testid=category-road_stall]');
      await page.fill('[data-testid=field-note]', '不该留下');
      await page.click('[data-testid=cancel-report]');
      await page.click('[data-testid=drop-pin]');
      // the form starts empty after 取消
      expect(await page.locator('[data-testid=field-note]').inputValue()).toBe('');
      expect(await page.locator('[data-testid=submit-report]').isDisabled()).toBe(true);
      const note = `卡住的网络 ${Date.now()}`;
      await page.click('[data-testid=category-road_stall]');
      await page.fill('[data-testid=field-note]', note);
      await page.click('[data-testid=submit-report]');
      const t0 = Date.now();
      // the request is given up after its time limit and the item waits to be tried again, with the reason shown
      const outbox = async () => (await outboxItems(page)).map((i) => ({ state: i.state, error: i.error, retryLater: Boolean(i.nextAttemptAt) }));
      await expect.poll(outbox, { timeout: 40_000, interval: 500 }).toEqual([{ state: 'waiting', error: expect.stringMatching(/timed out/), retryLater: true }]);
      // it was given up on its own, well before the line's 40 s
      expect(Date.now() - t0).toBeLessThan(35_000);
      expect(stalled).toBe(1);
      release();
      await page.unroute('**/api/reports');
      await page.click('[data-testid=sync-now]');
      await waitForSent(page);
      // The stalled request went through late and the retry carried the same key: one report.
      await expect.poll(async () => (await stored(note)).length, { timeout: 10_000 }).toBe(1);
      expect(await stored('不该留下')).toHaveLength(0);
    } finally {
      await context.close();
    }
  });

  it('makes a 12-megapixel camera photo small on the phone, upright, keeping its capture time, with a preview to remove', async () => {
    // A camera JPEG: 4000 × 3000, noisy like a real scene, rotated by its EXIF, with a capture time.
    const width = 4000;
    const height = 3000;
    const noise = Buffer.alloc(width * height * 3);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotspots-camera-'));
    const camera = path.join(dir, 'IMG_0001.jpg');
    await sharp(noise, { raw: { width, height, channels: 3 } })
      .jpeg({ quality: 92 })
      .withMetadata({ orientation: 6 })
      .withExifMerge({ IFD2: { DateTimeOriginal: '2026:11:29 08:30:00' } })
      .toFile(camera);
    expect(fs.statSync(camera).size).toBeGreaterThan(3_000_000);

    const { context, page, errors } = await phone({ geolocation: { longitude: SPOT[0], latitude: SPOT[1], accuracy: 10 } });
    try {
      const uploads: number[] = [];
      page.on('request', (r) => {
        if (r.url().endsWith('/api/photos') && r.method() === 'POST') uploads.push(r.postDataBuffer()?.length ?? 0);
      });
      await page.click('[data-testid=drop-pin]');
      await page.click('[data-testid=category-exposed_garbage]');
      await page.setInputFiles('[data-testid=field-photo]', [camera, camera]);
      await page.locator('[data-testid=photo-previews] img').nth(1).waitFor({ timeout: 60_000 });
      await page.locator('[data-testid=photo-remove]').first().click();
      expect(await page.locator('[data-testid=photo-previews] img').count()).toBe(1);
      const note = `相机照片 ${Date.now()}`;
      await page.fill('[data-testid=field-note]', note);
      await page.click('[data-testid=submit-report]');
      await waitForSent(page);
      const [row] = await stored(note);
      expect(row).toBeDefined();
      const photos = await town.server.deps.store.db.selectFrom('report_photos').innerJoin('photos', 'photos.id', 'report_photos.photo_id').select(['photos.bytes', 'photos.width', 'photos.height', 'photos.taken_at']).where('report_id', '=', row!.id).execute();
      expect(photos).toHaveLength(1);
      const [p] = photos;
      // upright (the EXIF said rotate by 90°), 1 600 px on the longest side, a few hundred KB
      expect([p!.width, p!.height]).toEqual([1200, 1600]);
      expect(p!.bytes).toBeLessThan(500_000);
      expect(uploads.length).toBe(1);
      expect(uploads[0]!).toBeLessThan(500_000);
      // 08:30 on the camera's clock, in the township's zone
      expect(p!.taken_at).toBe('2026-11-29T00:30:00.000Z');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

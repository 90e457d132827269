import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import * as turf from '@turf/turf';
import { describe, expect, it } from 'vitest';
import { useTownServer } from '../town-server.ts';
import { Phone, type PhoneOptions } from '../driver.ts';
import { alongRoad, demoTown } from '../../helpers/town.ts';

// The field view on a phone where it is used most: a GPS that needs a while, location refused, a line that stalls
// rather than drops, and a camera that takes 12-megapixel photos.

const { generatorTown } = demoTown();
const SPOT = alongRoad(generatorTown.roads, 'laneB', 1, 0.5) as [number, number];

const town = useTownServer();

const phone = (opts: PhoneOptions) => Phone.open(town.browser, town.server.url, opts);

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

describe('the field view on a weak signal and a slow GPS', { timeout: 180_000 }, () => {
  it('waits for a fix good enough, showing its accuracy, and reports where the fix is, never at the first coarse guess', async () => {
    // The phone's first answer is a cell-tower guess 800 m wide at the township centre; the GPS fix comes later.
    const [cx, cy] = await townshipMiddle();
    const centre = { longitude: cx, latitude: cy, accuracy: 800 };
    const p = await phone({ geolocation: centre });
    try {
      await p.startReport();
      await p.waitForLocating('waiting', /800/);
      expect(await p.gps()).toContain('30米以内');
      expect(await p.pinPlaced()).toBe(false);
      expect((await p.submitState()).shown).toBe(false);

      await p.moveTo({ longitude: SPOT[0], latitude: SPOT[1], accuracy: 8 });
      await p.waitForPin();
      await p.pick('exposed_garbage');
      const note = `迟到的定位 ${Date.now()}`;
      await p.note(note);
      await p.submit();
      await p.waitForSent();
      const [row] = await stored(note);
      expect(row).toBeDefined();
      expect(turf.distance([row!.lon, row!.lat], SPOT, { units: 'meters' })).toBeLessThan(1);
      expect(row!.accuracy_m).toBe(8);
      expect((await createdData(row!.id)).placedBy).toBe('gps');
      expect(p.errors).toEqual([]);
    } finally {
      await p.close();
    }
  });

  it('says so when location is refused, and takes the spot where the inspector taps, stored as placed by hand', async () => {
    const p = await phone({ located: false });
    try {
      await p.startReport();
      await p.waitForLocating('refused');
      expect(await p.gps()).toMatch(/未获得定位权限|无法获取位置/);
      expect(await p.pinPlaced()).toBe(false);
      // off the map's centre (which is the township's middle, where a pin must never go by default)
      await p.tapMap(60, -40);
      expect(await p.placedByHand()).toBe(true);
      await p.pick('illegal_ad');
      const note = `手动选点 ${Date.now()}`;
      await p.note(note);
      await p.submit();
      await p.waitForSent();
      const [row] = await stored(note);
      expect(row).toBeDefined();
      expect(row!.accuracy_m).toBeNull();
      expect((await createdData(row!.id)).placedBy).toBe('hand');
      expect(turf.distance([row!.lon, row!.lat], await townshipMiddle(), { units: 'meters' })).toBeGreaterThan(20);
      expect(p.errors).toEqual([]);
    } finally {
      await p.close();
    }
  });

  it('gives up a stalled send, backs off, and sends it exactly once when the line recovers; 取消 clears the form', async () => {
    const p = await phone({ geolocation: { longitude: SPOT[0], latitude: SPOT[1], accuracy: 10 } });
    try {
      // The line takes the report but says nothing for 40 s (then the request goes through late).
      const line = await p.stallReports(40_000);
      await p.startReport();
      await p.pick('road_stall');
      await p.note('不该留下');
      await p.cancel();
      await p.startReport();
      // the form starts empty after 取消
      expect(await p.noteValue()).toBe('');
      expect((await p.submitState()).enabled).toBe(false);
      const note = `卡住的网络 ${Date.now()}`;
      await p.pick('road_stall');
      await p.note(note);
      await p.submit();
      const t0 = Date.now();
      // the request is given up after its time limit and the item waits to be tried again, with the reason shown
      const outbox = async () => (await p.outboxItems()).map((i) => ({ state: i.state, error: i.error, retryLater: Boolean(i.nextAttemptAt) }));
      await expect.poll(outbox, { timeout: 40_000, interval: 500 }).toEqual([{ state: 'waiting', error: expect.stringMatching(/timed out/), retryLater: true }]);
      // it was given up on its own, well before the line's 40 s
      expect(Date.now() - t0).toBeLessThan(35_000);
      expect(line.count()).toBe(1);
      await line.release();
      await p.syncNow();
      await p.waitForSent();
      // The stalled request went through late and the retry carried the same key: one report.
      await expect.poll(async () => (await stored(note)).length, { timeout: 10_000 }).toBe(1);
      expect(await stored('不该留下')).toHaveLength(0);
    } finally {
      await p.close();
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

    const p = await phone({ geolocation: { longitude: SPOT[0], latitude: SPOT[1], accuracy: 10 } });
    try {
      const uploads = p.watchUploads();
      await p.startReport();
      await p.pick('exposed_garbage');
      await p.attach(camera, camera);
      await p.removePhoto(0);
      expect(await p.previews()).toBe(1);
      const note = `相机照片 ${Date.now()}`;
      await p.note(note);
      await p.submit();
      await p.waitForSent();
      const [row] = await stored(note);
      expect(row).toBeDefined();
      const photos = await town.server.deps.store.db.selectFrom('report_photos').innerJoin('photos', 'photos.id', 'report_photos.photo_id').select(['photos.bytes', 'photos.width', 'photos.height', 'photos.taken_at']).where('report_id', '=', row!.id).execute();
      expect(photos).toHaveLength(1);
      const [kept] = photos;
      // upright (the EXIF said rotate by 90°), 1 600 px on the longest side, a few hundred KB
      expect([kept!.width, kept!.height]).toEqual([1200, 1600]);
      expect(kept!.bytes).toBeLessThan(500_000);
      expect(uploads.length).toBe(1);
      expect(uploads[0]!).toBeLessThan(500_000);
      // 08:30 on the camera's clock, in the township's zone
      expect(kept!.taken_at).toBe('2026-11-29T00:30:00.000Z');
      expect(p.errors).toEqual([]);
    } finally {
      await p.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

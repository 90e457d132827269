import exifReader from 'exif-reader';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoApp, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/stores.ts';

// A phone's photo says where it was taken to the metre and which phone took it. What the product keeps and
// serves says only when; and the public map shows no phone numbers or descriptions to people not signed in.

async function phonePhoto(): Promise<Buffer> {
  const px = Buffer.alloc(40 * 30 * 3, 120);
  return sharp(px, { raw: { width: 40, height: 30, channels: 3 } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .withExifMerge({
      IFD0: { Make: 'PhoneMaker', Model: 'Model X9', Artist: 'Zhang San' },
      IFD2: { DateTimeOriginal: '2026:11:28 09:15:00', OffsetTimeOriginal: '+08:00' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '26/1 8/1 30/1', GPSLongitudeRef: 'E', GPSLongitude: '105/1 56/1 0/1' },
    })
    .toBuffer();
}

describe.each(DIALECTS)('what photos and the public map give away (%s)', (dialect) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await demoApp(dialect, { scale: 0.02, publicMap: true });
  });
  afterAll(async () => {
    await app?.drop();
  });

  it('keeps the capture time and turns the photo upright, and drops position, device and owner', async () => {
    const original = await phonePhoto();
    const before = exifReader((await sharp(original).metadata()).exif!);
    expect(before.GPSInfo?.GPSLatitude).toBeDefined(); // the test photo does carry them
    expect(before.Image?.Make).toBe('PhoneMaker');
    expect((await sharp(original).metadata()).orientation).toBe(6);
    const inspector = await app.as('inspector');
    const up = await inspector.upload('/api/photos', original, 'p.jpg', 'image/jpeg');
    expect(up.status).toBe(201);
    expect(up.body.takenAt).toBe('2026-11-28T01:15:00.000Z');
    const res = await app.app.request(`/api/photos/${up.body.id}`, { headers: { cookie: (await app.call('POST', '/api/auth/login', { username: 'office', password: 'demo' })).headers.get('set-cookie')!.split(';')[0]! } });
    expect(res.status).toBe(200);
    const served = Buffer.from(await res.arrayBuffer());
    const meta = await sharp(served).metadata();
    // Orientation 6 was a quarter turn: the served photo is upright, 30 wide and 40 high.
    expect([meta.width, meta.height]).toEqual([30, 40]);
    const after = exifReader(meta.exif!);
    expect(after.GPSInfo).toBeUndefined();
    expect(after.Image?.Make).toBeUndefined();
    expect(after.Image?.Model).toBeUndefined();
    expect(after.Image?.Artist).toBeUndefined();
    expect((after.Photo?.DateTimeOriginal as Date).toISOString().slice(0, 19)).toBe('2026-11-28T09:15:00');
    expect(served.includes(Buffer.from('PhoneMaker'))).toBe(false);
  });

  it('shows anonymous readers of the public map no phone numbers and no descriptions', async () => {
    const areas = await app.call('GET', '/api/areas');
    expect(areas.status).toBe(200);
    expect(areas.body.features.length).toBeGreaterThan(5);
    expect(areas.body.features.every((f: any) => f.properties.responsiblePhone === null)).toBe(true);
    const reports = await app.call('GET', '/api/reports?limit=200');
    expect(reports.body.features.length).toBeGreaterThan(5);
    expect(reports.body.features.every((f: any) => f.properties.description === null)).toBe(true);
    // Signed in, the office sees them.
    const office = await app.as('office');
    expect((await office.call('GET', '/api/areas')).body.features.some((f: any) => f.properties.responsiblePhone)).toBe(true);
    expect((await office.call('GET', '/api/reports?limit=200')).body.features.some((f: any) => f.properties.description)).toBe(true);
  });
});

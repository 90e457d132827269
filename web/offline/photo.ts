// Photos are made small on the phone before they go into the outbox: a 12-megapixel camera JPEG of 4 MB takes
// minutes on a weak signal, and 1 600 px on the longest side is enough to see the rubbish and read a sign.
// The camera's orientation is applied (createImageBitmap reads it) and its capture time is read first, because the
// re-encoded JPEG carries no EXIF.

export const PHOTO_MAX_SIDE = 1600;
export const PHOTO_QUALITY = 0.8;
/**
 * A JPEG already this small and within the size is kept as taken, and a made-small photo is encoded again at a lower
 * quality until it is this small: a busy scene (gravel, leaves, the rubbish itself) at 0.8 can take twice that.
 */
const PHOTO_BYTES = 500_000;
const LOWER_QUALITIES = [0.7, 0.6, 0.5];

export interface ShrunkPhoto {
  blob: Blob;
  /** The camera's time as it wrote it: 2026-11-29T08:30:00, with +08:00 when the camera said its zone. */
  takenAt: string | null;
  width: number;
  height: number;
}

/** The camera's DateTimeOriginal (and its OffsetTimeOriginal) as an ISO-like wall-clock string, or null. */
export async function cameraTime(file: Blob): Promise<string | null> {
  try {
    const { default: exifr } = await import('exifr/dist/mini.esm.mjs');
    // the smallest build has no tag names: DateTimeOriginal is tag 36867, OffsetTimeOriginal 36881. EXIF sits at
    // the start of a JPEG, so the first 256 KB are enough.
    const head = new Uint8Array(await file.slice(0, 256 * 1024).arrayBuffer());
    const raw = (await exifr.parse(head, { exif: true, gps: false, interop: false, ifd1: false, translateKeys: false, translateValues: false, reviveValues: false })) as Record<number, unknown> | undefined;
    const tags = { DateTimeOriginal: typeof raw?.[36867] === 'string' ? raw[36867] : undefined, OffsetTimeOriginal: typeof raw?.[36881] === 'string' ? raw[36881] : undefined };
    const m = tags?.DateTimeOriginal?.match(/^(\d{4}):(\d\d):(\d\d) (\d\d):(\d\d):(\d\d)/);
    if (!m) return null;
    const offset = /^[+-]\d\d:\d\d$/.test(tags?.OffsetTimeOriginal ?? '') ? tags!.OffsetTimeOriginal! : '';
    return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${offset}`;
  } catch {
    return null;
  }
}

/** The longest side scaled to at most `max`, keeping the proportions. */
export function fitWithin(width: number, height: number, max = PHOTO_MAX_SIDE): { width: number; height: number } {
  const k = Math.min(1, max / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * k)), height: Math.max(1, Math.round(height * k)) };
}

/**
 * The photo upright, at most 1 600 px, as a JPEG of quality 0.8 (lower where that is still over 500 KB); the original
 * when it is already small.
 */
export async function shrinkPhoto(file: Blob): Promise<ShrunkPhoto> {
  const takenAt = await cameraTime(file);
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  const size = fitWithin(bitmap.width, bitmap.height);
  if (size.width === bitmap.width && file.type === 'image/jpeg' && file.size <= PHOTO_BYTES) {
    bitmap.close();
    return { blob: file, takenAt, ...size };
  }
  const canvas = document.createElement('canvas');
  canvas.width = size.width;
  canvas.height = size.height;
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0, size.width, size.height);
  bitmap.close();
  const encode = (quality: number) =>
    new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the photo could not be encoded'))), 'image/jpeg', quality));
  let blob = await encode(PHOTO_QUALITY);
  for (const quality of LOWER_QUALITIES) {
    if (blob.size <= PHOTO_BYTES) break;
    blob = await encode(quality);
  }
  return { blob, takenAt, ...size };
}

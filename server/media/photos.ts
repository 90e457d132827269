import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import exifReader from 'exif-reader';

// Photo files: recognised by their bytes, limited, stored once by content hash, with a thumbnail.

export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
/** More pixels than any phone camera makes; guards against decompression bombs. */
export const MAX_PHOTO_PIXELS = 50_000_000;
export const THUMB_SIZE = 480;

export type PhotoMime = 'image/jpeg' | 'image/png' | 'image/webp';

const EXT: Record<PhotoMime, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };

/** The image type by magic bytes, whatever the file name or declared type say. */
export function sniffImage(bytes: Uint8Array): PhotoMime | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 8 && png.every((b, i) => bytes[i] === b)) return 'image/png';
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  return null;
}

export interface PhotoInfo {
  id: string;
  mime: PhotoMime;
  bytes: number;
  width: number;
  height: number;
  /** Wall-clock capture time from EXIF (no zone), as "YYYY-MM-DDTHH:MM:SS", when the camera recorded one. */
  takenLocal: string | null;
  /** EXIF offset of that time (e.g. "+08:00") when recorded. */
  takenOffset: string | null;
}

export class PhotoRejected extends Error {
  constructor(
    readonly code: 'not_an_image' | 'photo_too_large' | 'too_many_pixels' | 'unreadable_image',
    message: string,
  ) {
    super(message);
  }
}

/** Reads what we need from the header; throws PhotoRejected for anything we will not keep. */
export async function inspectPhoto(bytes: Buffer): Promise<PhotoInfo> {
  if (bytes.length > MAX_PHOTO_BYTES) {
    throw new PhotoRejected('photo_too_large', `照片不能超过10MB。A photo may be at most 10 MB; this one is ${(bytes.length / 1048576).toFixed(1)} MB.`);
  }
  const mime = sniffImage(bytes);
  if (!mime) throw new PhotoRejected('not_an_image', '只接受JPEG、PNG或WebP照片。Only JPEG, PNG and WebP photos are accepted.');
  let meta: sharp.Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    throw new PhotoRejected('unreadable_image', '照片文件已损坏,无法读取。The photo file is damaged and cannot be read.');
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (!width || !height) throw new PhotoRejected('unreadable_image', '照片文件已损坏,无法读取。The photo file is damaged and cannot be read.');
  if (width * height > MAX_PHOTO_PIXELS) {
    throw new PhotoRejected('too_many_pixels', `照片像素过多(${width}×${height})。The photo has too many pixels (${width}×${height}).`);
  }
  let takenLocal: string | null = null;
  let takenOffset: string | null = null;
  if (meta.exif) {
    try {
      const exif = exifReader(meta.exif);
      const t = exif.Photo?.DateTimeOriginal;
      if (t instanceof Date && Number.isFinite(t.getTime())) takenLocal = t.toISOString().slice(0, 19);
      const off = exif.Photo?.OffsetTimeOriginal;
      if (typeof off === 'string' && /^[+-]\d\d:\d\d$/.test(off)) takenOffset = off;
    } catch {
      // A broken EXIF block costs only the capture time.
    }
  }
  const id = createHash('sha256').update(bytes).digest('hex');
  return { id, mime, bytes: bytes.length, width, height, takenLocal, takenOffset };
}

export function photoPath(dir: string, id: string, mime: string): string {
  return path.join(dir, id.slice(0, 2), `${id}.${EXT[mime as PhotoMime] ?? 'bin'}`);
}

export function thumbPath(dir: string, id: string): string {
  return path.join(dir, id.slice(0, 2), `${id}.thumb.webp`);
}

async function writeAtomically(file: string, data: Buffer): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await fs.open(tmp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(tmp, file);
  // The rename lives in the directory: sync it too, or a power cut right after the 2xx could undo it.
  const dir = await fs.open(path.dirname(file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/**
 * The photo as it is kept and served: turned upright, and with no metadata but its capture time. A phone's
 * photo carries where it was taken to the metre, the phone's make and serial, sometimes its owner's name; the
 * report already says where, and the rest is nobody's business.
 */
export async function cleanedPhoto(info: PhotoInfo, bytes: Buffer): Promise<Buffer> {
  const img = sharp(bytes, { limitInputPixels: MAX_PHOTO_PIXELS }).rotate();
  const when = info.takenLocal ? info.takenLocal.replace('T', ' ').replace(/-/g, ':') : null;
  const kept = when ? img.withExif({ IFD2: { DateTimeOriginal: when, ...(info.takenOffset ? { OffsetTimeOriginal: info.takenOffset } : {}) } }) : img;
  if (info.mime === 'image/png') return kept.png().toBuffer();
  if (info.mime === 'image/webp') return kept.webp({ quality: 90 }).toBuffer();
  return kept.jpeg({ quality: 90 }).toBuffer();
}

/** Writes the photo (cleaned) and a thumbnail, both upright; the same upload lands in the same files. */
export async function storePhoto(dir: string, info: PhotoInfo, bytes: Buffer): Promise<void> {
  const original = photoPath(dir, info.id, info.mime);
  const thumb = thumbPath(dir, info.id);
  const exists = async (f: string) => fs.access(f).then(() => true, () => false);
  if (!(await exists(original))) await writeAtomically(original, await cleanedPhoto(info, bytes));
  if (!(await exists(thumb))) {
    const small = await sharp(bytes, { limitInputPixels: MAX_PHOTO_PIXELS })
      .rotate()
      .resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 78 })
      .toBuffer();
    await writeAtomically(thumb, small);
  }
}

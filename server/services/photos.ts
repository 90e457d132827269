import fs from 'node:fs';
import type { Deps } from './context.ts';
import { currentTownship } from './context.ts';
import { AppError } from './errors.ts';
import type { SessionUser } from './auth.ts';
import { inspectPhoto, photoPath, PhotoRejected, storePhoto, thumbPath } from '../media/photos.ts';
import { findPhoto, findPhotoIds, findPhotoOrigins, insertPhoto, photosInUse } from '../store/photos.ts';
import { lastNotifiedAt } from '../store/reports.ts';
import { tzOffsetMs } from '../domain/calendar.ts';

export interface PhotoRef {
  id: string;
  url: string;
  thumbUrl: string;
}

export const photoRef = (id: string): PhotoRef => ({ id, url: `/api/photos/${id}`, thumbUrl: `/api/photos/${id}/thumb` });

/** Keeps an uploaded photo (once per content), with its capture time; the same bytes give the same id. */
export async function uploadPhoto(deps: Deps, user: SessionUser, bytes: Buffer, opts: { takenAt?: string | undefined } = {}): Promise<PhotoRef & { width: number; height: number; takenAt: string | null }> {
  const t = await currentTownship(deps);
  let info;
  try {
    info = await inspectPhoto(bytes);
  } catch (err) {
    if (err instanceof PhotoRejected) throw new AppError(err.code === 'photo_too_large' ? 413 : 415, err.code, err.message);
    throw err;
  }
  await storePhoto(deps.options.photosDir, info, bytes);
  // EXIF times carry no zone unless the camera wrote one: read them in the township's zone.
  // A photo made small on the phone has lost its EXIF; the phone sends the time it read from the original.
  const sent = opts.takenAt ? { local: opts.takenAt.slice(0, 19), offset: opts.takenAt.slice(19) || undefined } : null;
  const camera = info.takenLocal ? { local: info.takenLocal, offset: info.takenOffset ?? undefined } : sent;
  let takenAt: string | null = null;
  if (camera) {
    const wall = Date.parse(`${camera.local}Z`);
    const offset = camera.offset
      ? (camera.offset.startsWith('-') ? -1 : 1) * (Number(camera.offset.slice(1, 3)) * 60 + Number(camera.offset.slice(4, 6))) * 60_000
      : tzOffsetMs(t.timezone, wall);
    if (Number.isFinite(wall)) takenAt = new Date(wall - offset).toISOString();
  }
  await insertPhoto(deps.store.db, {
    id: info.id,
    township_id: t.id,
    mime: info.mime,
    bytes: info.bytes,
    width: info.width,
    height: info.height,
    taken_at: takenAt,
    uploaded_by: user.id,
    created_at: deps.now().toISOString(),
  });
  return { ...photoRef(info.id), width: info.width, height: info.height, takenAt };
}

/** The file behind a photo or its thumbnail, for serving to a signed-in user. */
export async function openPhoto(deps: Deps, id: string, thumb: boolean): Promise<{ stream: fs.ReadStream; mime: string; size: number }> {
  const t = await currentTownship(deps);
  const row = await findPhoto(deps.store.db, t.id, id);
  if (!row) throw new AppError(404, 'photo_not_found', `没有这张照片。No photo ${id}.`);
  const file = thumb ? thumbPath(deps.options.photosDir, id) : photoPath(deps.options.photosDir, id, row.mime);
  const stat = await fs.promises.stat(file).catch(() => null);
  if (!stat) throw new AppError(404, 'photo_missing', '照片文件不存在,请从备份恢复。The photo file is missing; restore it from a backup.');
  return { stream: fs.createReadStream(file), mime: thumb ? 'image/webp' : row.mime, size: stat.size };
}

/** Refuses photo ids this township does not hold. */
/**
 * An after-photo shows the work done: taken for this item by the person rectifying it, so it must have been
 * uploaded by them, after the item was sent to them, and be shown by no other report (not this item's own
 * "before" photo, not another item's). Photos are stored by content, so the same picture uploaded again is the
 * same photo and keeps its first uploader.
 */
export async function requireNewAfterPhotos(deps: Deps, townshipId: string, reportId: string, userId: string, ids: readonly string[]): Promise<void> {
  const db = deps.store.db;
  const since = await lastNotifiedAt(db, reportId);
  const used = await photosInUse(db, ids);
  const problems: string[] = [];
  for (const p of await findPhotoOrigins(db, townshipId, ids)) {
    const short = p.id.slice(0, 8);
    if (used.has(p.id)) problems.push(`照片 ${short} 已用于其他问题或本问题的整改前照片。Photo ${short} is already shown by a report (another item, or this item's "before").`);
    else if (p.uploaded_by !== userId) problems.push(`照片 ${short} 不是您上传的。Photo ${short} was not uploaded by you.`);
    else if (since && p.created_at < since) problems.push(`照片 ${short} 早于本问题的整改通知。Photo ${short} was uploaded before the item was sent for rectification.`);
  }
  if (problems.length) throw new AppError(422, 'photo_not_new', `整改后照片须是新拍的:${problems.join(' ')} An after-photo must be a new photo of the work.`);
}

export async function requirePhotos(deps: Deps, townshipId: string, ids: readonly string[]): Promise<void> {
  const unique = [...new Set(ids)];
  const found = new Set(await findPhotoIds(deps.store.db, townshipId, unique));
  const missing = unique.filter((id) => !found.has(id));
  if (missing.length) {
    throw new AppError(422, 'unknown_photo', `照片尚未上传:${missing.join(', ')}。Upload these photos first: ${missing.join(', ')}.`);
  }
}

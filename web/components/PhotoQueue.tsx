import { PHOTOS_MAX } from '../../server/domain/limits.ts';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n/index.tsx';
import { shrinkPhoto } from '../offline/photo.ts';

/** The server takes at most 10 photos with a report or an action. */
export const MAX_PHOTOS = PHOTOS_MAX;

/** A photo made small on the phone and held for the outbox, with its preview. */
export interface QueuedPhoto {
  blob: Blob;
  takenAt: string | null;
  url: string;
}

/** Photos for the outbox: made small as they are taken (offline too), previewed, removable. */
export function usePhotoQueue() {
  const [photos, setPhotos] = useState<QueuedPhoto[]>([]);
  const [preparing, setPreparing] = useState(0);
  const urls = useRef(new Set<string>());
  const wrap = (blob: Blob, takenAt: string | null): QueuedPhoto => {
    const url = URL.createObjectURL(blob);
    urls.current.add(url);
    return { blob, takenAt, url };
  };
  const add = useCallback(async (files: File[]) => {
    setPreparing((n) => n + files.length);
    for (const f of files) {
      try {
        const shrunk = await shrinkPhoto(f);
        setPhotos((ps) => [...ps, wrap(shrunk.blob, shrunk.takenAt)].slice(0, MAX_PHOTOS));
      } catch {
        // not an image the phone can read: the server would refuse it too
      } finally {
        setPreparing((n) => n - 1);
      }
    }
  }, []);
  const release = (p: QueuedPhoto) => {
    URL.revokeObjectURL(p.url);
    urls.current.delete(p.url);
  };
  const remove = useCallback((i: number) => setPhotos((ps) => ps.filter((p, j) => (j === i ? (release(p), false) : true))), []);
  const clear = useCallback(() => setPhotos((ps) => (ps.forEach(release), [])), []);
  /** Puts back photos kept with a draft. */
  const restore = useCallback((kept: { blob: Blob; takenAt: string | null }[]) => setPhotos(kept.map((k) => wrap(k.blob, k.takenAt))), []);
  useEffect(() => () => urls.current.forEach((u) => URL.revokeObjectURL(u)), []);
  return { photos, preparing, add, remove, clear, restore };
}

export type PhotoQueueState = ReturnType<typeof usePhotoQueue>;

/** The previews with their remove buttons, and the camera button while fewer than MAX_PHOTOS are held. */
export function PhotoQueue({ queue, inputTestId }: { queue: PhotoQueueState; inputTestId: string }) {
  const { t } = useI18n();
  const { photos, preparing } = queue;
  return (
    <>
      {photos.length > 0 && (
        <ul className="photo-previews" data-testid="photo-previews">
          {photos.map((p, i) => (
            <li key={p.url}>
              <img src={p.url} alt="" width={64} height={64} />
              <button type="button" aria-label={t('photoRemove')} title={t('photoRemove')} onClick={() => queue.remove(i)} data-testid="photo-remove">
                <span aria-hidden="true">✕</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {preparing > 0 && <p className="muted small">{t('photoPreparing')}</p>}
      {photos.length < MAX_PHOTOS && (
        <label className="photo-button">
          📷 {t('addPhoto')} {photos.length > 0 && `(${photos.length})`}
          <input
            type="file"
            accept="image/*"
            capture="environment"
            multiple
            onChange={(e) => {
              void queue.add([...(e.target.files ?? [])]);
              e.target.value = '';
            }}
            data-testid={inputTestId}
          />
        </label>
      )}
    </>
  );
}

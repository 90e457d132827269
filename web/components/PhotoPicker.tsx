import { PHOTOS_MAX } from '../../server/domain/limits.ts';
import { useState } from 'react';
import { uploadPhoto } from '../api.ts';
import { useI18n } from '../i18n/index.tsx';

export interface PickedPhoto {
  id: string;
  thumbUrl: string;
}

/** Takes a photo with the phone's camera (or picks one) and uploads it at once. */
export function PhotoPicker({ photos, onChange, testId }: { photos: PickedPhoto[]; onChange(p: PickedPhoto[]): void; testId: string }) {
  const { t, said } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="photo-picker">
      <div className="thumbs">
        {photos.map((p) => (
          <img key={p.id} src={p.thumbUrl} alt="" className="thumb" />
        ))}
      </div>
      <label className="photo-button">
        {busy ? t('uploading') : `📷 ${t('addPhoto')}`}
        <input
          type="file"
          accept="image/*"
          capture="environment"
          disabled={busy || photos.length >= PHOTOS_MAX}
          data-testid={testId}
          onChange={async (e) => {
            // the server takes PHOTOS_MAX with one step: no more are uploaded
            const files = [...(e.target.files ?? [])].slice(0, Math.max(0, PHOTOS_MAX - photos.length));
            e.target.value = '';
            if (!files.length) return;
            setBusy(true);
            setError(null);
            try {
              const added: PickedPhoto[] = [];
              for (const f of files) {
                const r = await uploadPhoto(f);
                added.push({ id: r.id, thumbUrl: r.thumbUrl });
              }
              onChange([...photos, ...added.filter((a) => !photos.some((p) => p.id === a.id))].slice(0, PHOTOS_MAX));
            } catch (err) {
              setError(said(err));
            } finally {
              setBusy(false);
            }
          }}
        />
      </label>
      {error && <p className="error">{error}</p>}
    </div>
  );
}

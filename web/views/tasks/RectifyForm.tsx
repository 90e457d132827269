import { useState } from 'react';
import { useI18n } from '../../i18n/index.tsx';
import type { TaskItem } from '../../api.ts';
import { PhotoQueue, usePhotoQueue } from '../../components/PhotoQueue.tsx';
import { newItem, NOTE_MAX, putItem } from '../../offline/outbox.ts';


/**
 * A cleaner's rectification with its after-photo, written to the phone's outbox like a report: confirmed at once
 * with or without signal, sent once (the outbox's key makes a retry return the same answer), refused with the
 * server's reason when the item changed meanwhile (the office merged or closed it).
 */
export function RectifyForm({ item, title, userId, placeLabel, onCancel, onQueued }: {
  item: TaskItem;
  /** Which item: its category and description. */
  title: string;
  userId: string;
  placeLabel: string;
  onCancel(): void;
  onQueued(): void;
}) {
  const { t } = useI18n();
  const [note, setNote] = useState('');
  const photos = usePhotoQueue();
  const ready = photos.photos.length > 0 && photos.preparing === 0;
  const submit = async () => {
    if (!ready) return;
    await putItem(
      newItem({
        kind: 'rectify',
        userId,
        targetId: item.id,
        targetVersion: item.version,
        capturedAt: new Date().toISOString(),
        category: item.category,
        lon: item.lon,
        lat: item.lat,
        accuracyM: null,
        description: note.trim(),
        photos: photos.photos.map((p) => p.blob),
        photoTakenAt: photos.photos.map((p) => p.takenAt),
        placeLabel,
      }),
    );
    photos.clear();
    onQueued();
  };
  return (
    <div className="field-form rectify-form" data-testid="rectify-form">
      <h3>{t('rectifyHere')}</h3>
      <p className="small">
        <bdi>{title}</bdi>
      </p>
      <p className="muted small">{placeLabel}</p>
      <PhotoQueue queue={photos} inputTestId="rectify-photo" />
      {photos.photos.length === 0 && photos.preparing === 0 && <p className="small muted">{t('rectifyNeedsPhoto')}</p>}
      <textarea rows={2} maxLength={NOTE_MAX} placeholder={t('actionNote')} value={note} onChange={(e) => setNote(e.target.value)} data-testid="rectify-note" />
      <div className="row">
        <button type="button" onClick={onCancel}>
          {t('cancel')}
        </button>
        <button type="button" className="primary big" disabled={!ready} onClick={() => void submit()} data-testid="rectify-submit">
          {t('confirm')}
        </button>
      </div>
    </div>
  );
}

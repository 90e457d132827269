import { NOTE_MAX } from '../../server/domain/limits.ts';
import { randomId } from '../offline/ids.ts';
import { useEffect, useMemo, useRef, useState } from 'react';
import { api, unwrap, type Category, type CreatedReport } from '../api.ts';
import { useI18n } from '../i18n/index.tsx';
import type { RouteResult } from '../../server/domain/routing.ts';
import { PhotoPicker, type PickedPhoto } from './PhotoPicker.tsx';
import { CategoryButtons } from './CategoryButtons.tsx';

interface Props {
  position: [number, number];
  route: RouteResult | null;
  categories: Category[];
  category: string | null;
  onCategory(code: string): void;
  onCreated(r: CreatedReport): void;
  onCancel(): void;
}

/** The pin being placed: its zone and village (known before sending), a category, a note, submit. */
export function NewReportForm({ position, route, categories, category, onCategory, onCreated, onCancel }: Props) {
  const { t, name, said } = useI18n();
  const [note, setNote] = useState('');
  const [photos, setPhotos] = useState<PickedPhoto[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // One key per report being made: a retry after a lost answer returns the same report.
  const key = useRef(randomId());
  // A different spot or category is a different report, so it gets a new key.
  useEffect(() => {
    key.current = randomId();
  }, [position, category]);
  const place = useMemo(() => {
    if (!route) return t('outside');
    return `${route.zone ? name(route.zone) : t('noZone')} · ${route.village ? name(route.village) : t('noVillage')}`;
  }, [route, t, name]);

  const submit = async () => {
    if (!category) {
      setError(t('pickCategory'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const created = await unwrap(
        api.reports.$post({
          json: {
            category,
            lon: round7(position[0]),
            lat: round7(position[1]),
            description: note.trim() || undefined,
            capturedAt: new Date().toISOString(),
            photoIds: photos.length ? photos.map((p) => p.id) : undefined,
          },
          header: { 'idempotency-key': key.current },
        }),
      );
      onCreated(created as CreatedReport);
    } catch (e) {
      setError(said(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <aside className="panel new-report" data-testid="new-report" aria-label={t('newReport')}>
      <h2>{t('newReport')}</h2>
      <p className={route ? 'place' : 'place error'} data-testid="new-report-place">
        {place}
      </p>
      <fieldset>
        <legend>{t('category')}</legend>
        <CategoryButtons categories={categories} value={category} onChange={onCategory} testIdPrefix="pick-" />
      </fieldset>
      <label className="note">
        {t('note')}
        <textarea
          value={note}
          maxLength={NOTE_MAX}
          rows={3}
          placeholder={t('notePlaceholder')}
          onChange={(e) => setNote(e.target.value)}
          data-testid="new-report-note"
        />
      </label>
      <PhotoPicker photos={photos} onChange={setPhotos} testId="new-report-photo" />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="row">
        <button type="button" onClick={onCancel} disabled={busy}>
          {t('cancel')}
        </button>
        <button type="button" className="primary" onClick={submit} disabled={busy || !route} data-testid="new-report-submit">
          {busy ? t('submitting') : t('submit')}
        </button>
      </div>
    </aside>
  );
}

const round7 = (v: number) => Math.round(v * 1e7) / 1e7;

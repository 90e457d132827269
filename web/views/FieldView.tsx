import { useCallback, useEffect, useMemo, useState } from 'react';
import { useI18n } from '../i18n/index.tsx';
import type { ReferenceData } from './ReviewView.tsx';
import { LiteMap } from '../map/LiteMap.tsx';
import { CategoryButtons } from '../components/CategoryButtons.tsx';
import { townshipRouter } from '../township.ts';
import { classifyNearby } from '../../server/domain/responsibility.ts';
import type { Position } from '../../server/domain/geo.ts';
import { deleteItem, listItems, newItem, putItem, type OutboxItem } from '../offline/outbox.ts';
import { syncOutbox } from '../offline/sync.ts';
import { registerOffline } from '../offline/register.ts';
import type { MessageKey } from '../i18n/zh-CN.ts';

/** Warn when the phone's fix is worse than this (metres). */
export const GPS_WARN_M = 50;
const OPEN_ITEMS_URL = '/api/reports?status=reported,notified,rectified&limit=5000';
const SYNC_EVERY_MS = 30_000;
/** What the app shell asks for when it starts; kept by the service worker so the field view opens offline. */
const REFERENCE_URLS = ['/api/auth/me', '/api/township', '/api/areas', '/api/categories', '/api/basemap', '/api/health'];

interface Fix {
  at: Position;
  accuracy: number;
}

interface OpenItem {
  id: string;
  category: string;
  lon: number;
  lat: number;
  status: 'reported' | 'notified' | 'rectified';
  description: string | null;
}

/** The inspector's phone: drop a pin where the problem is, pick a category, take a photo, submit — with or without signal. */
export function FieldView({ data }: { data: ReferenceData }) {
  const { t, name, formatTime } = useI18n();
  const { township, areas, categories, basemap } = data;
  const [fix, setFix] = useState<Fix | null>(null);
  const [pin, setPin] = useState<Position | null>(null);
  const [focus, setFocus] = useState<Position | null>(null);
  const [category, setCategory] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [photos, setPhotos] = useState<File[]>([]);
  const [outbox, setOutbox] = useState<OutboxItem[]>([]);
  const [online, setOnline] = useState(navigator.onLine);
  const [openItems, setOpenItems] = useState<OpenItem[]>([]);
  const [saved, setSaved] = useState<string | null>(null);

  const router = useMemo(() => townshipRouter(township, areas), [township, areas]);
  const place = pin ? router.route(pin[0], pin[1]) : null;
  const placeLabel = pin
    ? place
      ? `${place.zone ? name(place.zone) : t('noZone')} · ${place.village ? name(place.village) : t('noVillage')}`
      : t('outside')
    : '';

  const refreshOutbox = useCallback(() => {
    void listItems().then(setOutbox);
  }, []);
  const sync = useCallback(() => {
    void syncOutbox(refreshOutbox).then(refreshOutbox);
  }, [refreshOutbox]);

  // the phone's position, the outbox and the network
  useEffect(() => {
    const watch = navigator.geolocation?.watchPosition(
      (p) => setFix({ at: [p.coords.longitude, p.coords.latitude], accuracy: p.coords.accuracy }),
      () => setFix(null),
      { enableHighAccuracy: true, maximumAge: 10_000, timeout: 20_000 },
    );
    const goOnline = () => {
      setOnline(true);
      sync();
    };
    const goOffline = () => setOnline(false);
    window.addEventListener('online', goOnline);
    window.addEventListener('offline', goOffline);
    const timer = setInterval(() => navigator.onLine && sync(), SYNC_EVERY_MS);
    refreshOutbox();
    sync();
    void registerOffline(['/field', OPEN_ITEMS_URL, ...REFERENCE_URLS]);
    fetch(OPEN_ITEMS_URL, { credentials: 'same-origin' })
      .then((r) => (r.ok ? r.json() : null))
      .then((fc: { features: { properties: OpenItem & { id: string }; geometry: { coordinates: Position } }[] } | null) => {
        if (fc) setOpenItems(fc.features.map((f) => ({ ...f.properties, lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1] })));
      })
      .catch(() => {});
    return () => {
      if (watch !== undefined) navigator.geolocation.clearWatch(watch);
      window.removeEventListener('online', goOnline);
      window.removeEventListener('offline', goOffline);
      clearInterval(timer);
    };
    // made once for the view
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const dropPin = () => {
    // where the phone is, or the middle of the township when it does not know
    const [b0, b1, b2, b3] = township.bbox as [number, number, number, number];
    const at: Position = fix?.at ?? [(b0 + b2) / 2, (b1 + b3) / 2];
    setPin(at);
    setFocus(at);
    setSaved(null);
  };

  const nearby = useMemo(() => {
    if (!pin || !category) return [];
    const radius = 30;
    return classifyNearby(pin, radius, new Date().toISOString(), openItems.filter((i) => i.category === category).map((i) => ({ ...i, closedAt: null }))).open;
  }, [pin, category, openItems]);

  const submit = async () => {
    if (!pin || !category) return;
    const item = newItem({
      capturedAt: new Date().toISOString(),
      category,
      lon: Math.round(pin[0] * 1e7) / 1e7,
      lat: Math.round(pin[1] * 1e7) / 1e7,
      accuracyM: fix ? Math.round(fix.accuracy) : null,
      description: note.trim(),
      photos,
      placeLabel,
    });
    await putItem(item);
    setSaved(t('fieldSaved'));
    setPin(null);
    setCategory(null);
    setNote('');
    setPhotos([]);
    refreshOutbox();
    if (navigator.onLine) sync();
  };

  const pending = outbox.filter((i) => i.state !== 'sent');
  return (
    <div className="field">
      <div className="field-map" data-testid="field-map">
        <LiteMap township={township} areas={areas} basemap={basemap} fix={fix} pin={pin} onPinMove={setPin} focus={focus} />
      </div>
      <div className="field-panel">
        <div className="field-status">
          <span className={online ? 'online' : 'offline'} data-testid="network">
            {online ? t('fieldOnline') : t('fieldOffline')}
          </span>
          <span>
            {t('fieldOutbox')} <b data-testid="outbox-count">{pending.length}</b>
          </span>
          <button type="button" onClick={sync} data-testid="sync-now">
            {t('syncNow')}
          </button>
        </div>
        {!pin && (
          <button type="button" className="report-button" onClick={dropPin} data-testid="drop-pin">
            ＋ {t('reportMode')}
          </button>
        )}
        {saved && (
          <p className="toast-inline" role="status">
            {saved}
          </p>
        )}
        {pin && (
          <div className="field-form">
            <p className={place ? 'place' : 'place error'} data-testid="field-place">
              {placeLabel}
            </p>
            {fix && fix.accuracy > GPS_WARN_M && (
              <p className="error small" data-testid="gps-warning">
                {t('gpsWeak', { m: Math.round(fix.accuracy) })}
              </p>
            )}
            <p className="muted small">{t('dragPin')}</p>
            <CategoryButtons categories={categories} value={category} onChange={setCategory} testIdPrefix="category-" big />
            {nearby.length > 0 && (
              <div className="nearby" data-testid="nearby">
                <p className="small">{t('nearbyFound', { n: nearby.length })}</p>
                <ul className="plain small">
                  {nearby.slice(0, 3).map((n) => (
                    <li key={n.id}>
                      {Math.round(n.distanceM)} m · {t(`status.${n.status}` as MessageKey)}
                    </li>
                  ))}
                </ul>
              </div>
            )}
            <textarea rows={2} placeholder={t('notePlaceholder')} value={note} onChange={(e) => setNote(e.target.value)} data-testid="field-note" />
            <label className="photo-button">
              📷 {t('addPhoto')} {photos.length > 0 && `(${photos.length})`}
              <input
                type="file"
                accept="image/*"
                capture="environment"
                multiple
                onChange={(e) => setPhotos([...photos, ...(e.target.files ?? [])])}
                data-testid="field-photo"
              />
            </label>
            <div className="row">
              <button type="button" onClick={() => setPin(null)}>
                {t('cancel')}
              </button>
              <button type="button" className="primary big" disabled={!category} onClick={submit} data-testid="submit-report">
                {t('submit')}
              </button>
            </div>
          </div>
        )}
        <ul className="outbox" data-testid="outbox">
          {[...outbox].reverse().map((i) => (
            <li key={i.key} className={`outbox-item ${i.state}`} data-testid="outbox-item" data-state={i.state}>
              <span>
                {name(categories.find((c) => c.code === i.category) ?? { nameZh: i.category, nameEn: i.category })} · {i.placeLabel}
                <small> {formatTime(i.capturedAt)}</small>
              </span>
              <b>{t(`outbox.${i.state}` as MessageKey)}</b>
              {i.state === 'failed' && (
                <span className="error small" data-testid="outbox-error">
                  {i.error}{' '}
                  <button type="button" className="link" onClick={() => void putItem({ ...i, state: 'waiting', error: null }).then(sync)} data-testid="outbox-retry">
                    {t('retry')}
                  </button>
                  <button type="button" className="link" onClick={() => void deleteItem(i.key).then(refreshOutbox)}>
                    {t('discard')}
                  </button>
                </span>
              )}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

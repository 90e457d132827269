import { useEffect, useMemo, useRef, useState } from 'react';
import { useI18n } from '../i18n/index.tsx';
import type { ReferenceData } from './ReviewView.tsx';
import { LiteMap } from '../map/LiteMap.tsx';
import { CategoryButtons } from '../components/CategoryButtons.tsx';
import { OutboxList } from '../components/OutboxList.tsx';
import { PhotoQueue, usePhotoQueue } from '../components/PhotoQueue.tsx';
import { townshipRouter } from '../township.ts';
import { useSession } from '../session.tsx';
import { classifyNearby } from '../../server/domain/responsibility.ts';
import type { Position } from '../../server/domain/geo.ts';
import { deleteDraft, getDraft, newItem, NOTE_MAX, putDraft, putItem } from '../offline/outbox.ts';
import { useOutbox } from '../offline/useOutbox.ts';
import { REFERENCE_URLS, registerOffline } from '../offline/register.ts';
import { withTimeLimit } from '../offline/transport.ts';
import { api, unwrap } from '../api.ts';
import type { MessageKey } from '../i18n/zh-CN.ts';

/** Warn when the phone's fix is worse than this (metres). */
export const GPS_WARN_M = 50;
/** The open items, for the nearby check; kept by the service worker under the URL the typed client asks for. */
const OPEN_ITEMS_QUERY = { status: 'reported,notified,rectified', limit: '5000' };
const OPEN_ITEMS_URL = `/api/reports?${new URLSearchParams(OPEN_ITEMS_QUERY)}`;
/** A draft is written this long after the last change. */
const DRAFT_DELAY_MS = 400;

interface Fix {
  at: Position;
  accuracy: number;
}

/** What the phone knows of where it is: nothing yet, a fix, or that it will not be told. */
type GeoState = 'waiting' | 'ok' | 'refused' | 'unavailable';

interface OpenItem {
  id: string;
  category: string;
  lon: number;
  lat: number;
  status: 'reported' | 'notified' | 'rectified';
}

/** The inspector's phone: drop a pin where the problem is, pick a category, take a photo, submit — with or without signal. */
export function FieldView({ data }: { data: ReferenceData }) {
  const { t, name } = useI18n();
  const { user, signOut } = useSession();
  const { township, areas, categories, basemap } = data;
  const [fix, setFix] = useState<Fix | null>(null);
  const [pin, setPin] = useState<Position | null>(null);
  const [pinBy, setPinBy] = useState<'gps' | 'hand'>('gps');
  /** The accuracy the pin was placed with (a restored draft keeps its own). */
  const [pinAccuracy, setPinAccuracy] = useState<number | null>(null);
  const [geo, setGeo] = useState<GeoState>(navigator.geolocation ? 'waiting' : 'unavailable');
  /** The inspector asked to report: the pin goes down at the first good fix, or where they tap when placing by hand. */
  const [locating, setLocating] = useState(false);
  /** The inspector chose to place the pin by hand (it is also placed by hand while the phone has no position). */
  const [handChosen, setHandChosen] = useState(false);
  const byHand = handChosen || geo === 'refused' || geo === 'unavailable';
  const acceptM = township.gpsAcceptM;
  const [focus, setFocus] = useState<Position | null>(null);
  const [category, setCategory] = useState<string | null>(null);
  const [note, setNote] = useState('');
  // 紧急: the inspector may flag what cannot wait (a blocked road, a fire risk); the office can change it later
  const [urgent, setUrgent] = useState(false);
  const photos = usePhotoQueue();
  const outbox = useOutbox(user.id);
  const [openItems, setOpenItems] = useState<OpenItem[]>([]);
  const [saved, setSaved] = useState<string | null>(null);
  /** The server's word on the reports this phone sent (the "my reports" list). */
  const [statuses, setStatuses] = useState<Map<string, { status: string; overdue: boolean }>>(new Map());
  const draftLoaded = useRef(false);

  const router = useMemo(() => townshipRouter(township, areas), [township, areas]);
  const place = pin ? router.route(pin[0], pin[1]) : null;
  const placeLabel = pin
    ? place
      ? `${place.zone ? name(place.zone) : t('noZone')} · ${place.village ? name(place.village) : t('noVillage')}`
      : t('outside')
    : '';

  // the phone's position and the open items around it
  useEffect(() => {
    // Without a secure context (plain http on the LAN) or with location refused, there is no fix: the pin is
    // placed by hand, never at the map's centre.
    const watch = navigator.geolocation?.watchPosition(
      (p) => {
        setGeo('ok');
        setFix({ at: [p.coords.longitude, p.coords.latitude], accuracy: p.coords.accuracy });
      },
      (e) => {
        if (e.code === e.PERMISSION_DENIED) setGeo('refused');
        else if (e.code === e.POSITION_UNAVAILABLE) setGeo('unavailable');
        // a timeout: keep waiting, the watch goes on
      },
      { enableHighAccuracy: true, maximumAge: 10_000, timeout: 20_000 },
    );
    void registerOffline(['/field', OPEN_ITEMS_URL, ...REFERENCE_URLS]);
    // With a time limit, so a stalled line does not leave the nearby check waiting (offline, the service worker
    // answers with its copy of OPEN_ITEMS_URL).
    withTimeLimit('open items', (signal) => unwrap(api.reports.$get({ query: OPEN_ITEMS_QUERY }, { init: { signal } })))
      .then((fc) =>
        setOpenItems(
          fc.features.map((f) => ({ id: f.id, category: f.properties.category, status: f.properties.status as OpenItem['status'], lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1] })),
        ),
      )
      .catch(() => {});
    return () => {
      if (watch !== undefined) navigator.geolocation.clearWatch(watch);
    };
  }, []);

  // A half-filled form survives a reload: put back once, then written shortly after each change.
  useEffect(() => {
    void getDraft(user.id)
      .then((d) => {
        if (!d || !(d.pin || d.category || d.note || d.photos.length)) return;
        if (d.pin) {
          setPin(d.pin);
          setFocus(d.pin);
        }
        setPinBy(d.placedBy);
        setPinAccuracy(d.accuracyM);
        setCategory(d.category);
        setNote(d.note);
        setUrgent(d.urgent === true);
        photos.restore(d.photos);
        setSaved(t('draftRestored'));
      })
      .catch(() => {})
      .finally(() => (draftLoaded.current = true));
    // once for the person
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [user.id]);
  useEffect(() => {
    if (!draftLoaded.current) return;
    const timer = setTimeout(() => {
      const empty = !pin && !category && !note && photos.photos.length === 0;
      void (empty
        ? deleteDraft(user.id)
        : putDraft({ userId: user.id, savedAt: new Date().toISOString(), pin, placedBy: pinBy, accuracyM: pinAccuracy, category, note, urgent, photos: photos.photos.map((p) => ({ blob: p.blob, takenAt: p.takenAt })) })
      ).catch(() => {});
    }, DRAFT_DELAY_MS);
    return () => clearTimeout(timer);
  }, [user.id, pin, pinBy, pinAccuracy, category, note, urgent, photos.photos]);

  // "My reports": the current status of what this phone sent in the last week, asked for when online.
  const sentIds = outbox.items.filter((i) => i.state === 'sent' && (i.kind ?? 'report') === 'report' && i.reportId).map((i) => i.reportId!);
  const sentKey = sentIds.join(',');
  useEffect(() => {
    if (!sentKey || !outbox.online) return;
    withTimeLimit('my reports', (signal) => unwrap(api.reports.$get({ query: { ids: sentKey.split(',').slice(-200).join(','), limit: '200' } }, { init: { signal } })))
      .then((fc) => setStatuses(new Map(fc.features.map((f) => [f.id, { status: f.properties.status, overdue: f.properties.overdue }]))))
      .catch(() => {});
  }, [sentKey, outbox.online]);

  const placeAt = (at: Position, by: 'gps' | 'hand', accuracy: number | null) => {
    setPin(at);
    setPinBy(by);
    setPinAccuracy(accuracy);
    setFocus(at);
    setLocating(false);
    setHandChosen(false);
  };
  const startReport = () => {
    setSaved(null);
    setLocating(true);
  };
  // The first fix good enough places the pin; one that is not is shown with its accuracy while we wait. A phone
  // that said "position unavailable" for a moment (Chrome does while its provider changes) is waited for again.
  useEffect(() => {
    if (locating && !handChosen && geo === 'ok' && fix && fix.accuracy <= acceptM) placeAt(fix.at, 'gps', Math.round(fix.accuracy));
  }, [locating, handChosen, geo, fix, acceptM]);

  const clearForm = () => {
    setPin(null);
    setPinAccuracy(null);
    setLocating(false);
    setHandChosen(false);
    setCategory(null);
    setNote('');
    setUrgent(false);
    photos.clear();
    void deleteDraft(user.id).catch(() => {});
  };

  const categoryRow = categories.find((c) => c.code === category);
  const nearby = useMemo(() => {
    if (!pin || !category) return [];
    // the same radius the server uses for this category
    const radius = categoryRow?.duplicateRadiusM ?? 30;
    return classifyNearby(pin, radius, new Date().toISOString(), openItems.filter((i) => i.category === category).map((i) => ({ ...i, closedAt: null }))).open;
  }, [pin, category, categoryRow, openItems]);

  const queue = async (fields: { kind: 'report' } | { kind: 'sighting'; targetId: string }) => {
    if (!pin || !category || photos.preparing > 0) return;
    const item = newItem({
      ...fields,
      userId: user.id,
      capturedAt: new Date().toISOString(),
      category,
      lon: Math.round(pin[0] * 1e7) / 1e7,
      lat: Math.round(pin[1] * 1e7) / 1e7,
      accuracyM: pinBy === 'gps' ? pinAccuracy : null,
      placedBy: pinBy,
      description: note.trim(),
      ...(urgent && fields.kind === 'report' ? { urgency: 'urgent' as const } : {}),
      photos: photos.photos.map((p) => p.blob),
      photoTakenAt: photos.photos.map((p) => p.takenAt),
      placeLabel,
    });
    await putItem(item);
    setSaved(fields.kind === 'sighting' ? t('sightingSaved') : t('fieldSaved'));
    clearForm();
    outbox.refresh();
    if (navigator.onLine) outbox.sync();
  };

  const pending = outbox.items.filter((i) => i.state !== 'sent');
  return (
    <div className="field">
      <div className="field-map" data-testid="field-map">
        <LiteMap
          township={township}
          areas={areas}
          basemap={basemap}
          fix={fix}
          pin={pin}
          onPinMove={(at) => {
            setPin(at);
            setPinBy('hand');
            setPinAccuracy(null);
          }}
          onTap={locating && byHand ? (at) => placeAt(at, 'hand', null) : undefined}
          focus={focus}
        />
      </div>
      <div className="field-panel">
        <div className="field-status">
          <span className={outbox.online ? 'online' : 'offline'} data-testid="network">
            {outbox.online ? t('fieldOnline') : t('fieldOffline')}
          </span>
          <span>
            {t('fieldOutbox')} <b data-testid="outbox-count">{pending.length}</b>
          </span>
          <button type="button" onClick={() => outbox.sync(true)} aria-busy={outbox.syncing} data-rounds={outbox.rounds} data-testid="sync-now">
            {t('syncNow')}
          </button>
        </div>
        {!pin && !locating && (
          <button type="button" className="report-button" onClick={startReport} data-testid="drop-pin">
            ＋ {t('reportMode')}
          </button>
        )}
        {!pin && locating && (
          <div className="field-form" data-testid="locating" data-state={byHand ? 'by-hand' : 'waiting'}>
            <p className={geo === 'refused' || geo === 'unavailable' ? 'error' : ''} role="status" data-testid="gps-state">
              {geo === 'refused'
                ? t('gpsRefused')
                : geo === 'unavailable'
                  ? t('gpsUnavailable')
                  : fix
                    ? t('gpsWaitingAccuracy', { m: Math.round(fix.accuracy), need: acceptM })
                    : t('gpsWaiting')}
            </p>
            {byHand ? (
              <p className="place" data-testid="tap-to-place">
                {t('tapToPlace')}
              </p>
            ) : (
              <button type="button" className="big" onClick={() => setHandChosen(true)} data-testid="place-by-hand">
                {t('placeByHand')}
              </button>
            )}
            <button type="button" onClick={clearForm}>
              {t('cancel')}
            </button>
          </div>
        )}
        {saved && (
          <p className="toast-inline" role="status" data-testid="field-saved">
            {saved}
          </p>
        )}
        {pin && (
          <div className="field-form">
            <p className={place ? 'place' : 'place error'} data-testid="field-place">
              {placeLabel}
            </p>
            {pinBy === 'hand' && (
              <p className="muted small" data-testid="placed-by-hand">
                {t('placedByHand')}
              </p>
            )}
            {pinBy === 'gps' && pinAccuracy !== null && pinAccuracy > GPS_WARN_M && (
              <p className="error small" data-testid="gps-warning">
                {t('gpsWeak', { m: pinAccuracy })}
              </p>
            )}
            <p className="muted small">{t('dragPin')}</p>
            <CategoryButtons categories={categories} value={category} onChange={setCategory} testIdPrefix="category-" big />
            <textarea rows={2} maxLength={NOTE_MAX} placeholder={t('notePlaceholder')} value={note} onChange={(e) => setNote(e.target.value)} data-testid="field-note" />
            {/* a toggle as big as a thumb, like every control on the phone */}
            <button type="button" className={urgent ? 'urgent-toggle on' : 'urgent-toggle'} aria-pressed={urgent} onClick={() => setUrgent(!urgent)} data-testid="field-urgent">
              {urgent ? '✓ ' : ''}
              {t('fieldUrgent')}
            </button>
            <PhotoQueue queue={photos} inputTestId="field-photo" />
            {nearby.length > 0 && (
              // right above 提交: the inspector sees it before sending a second report of the same problem
              <div className="nearby" data-testid="nearby">
                <p className="small">{t('nearbyFound', { n: nearby.length })}</p>
                <ul className="plain small">
                  {nearby.slice(0, 3).map((n) => (
                    <li key={n.id} className="nearby-item">
                      <span>
                        {Math.round(n.distanceM)} m · {t(`status.${n.status}` as MessageKey)}
                      </span>
                      <button type="button" disabled={photos.preparing > 0} onClick={() => void queue({ kind: 'sighting', targetId: n.id })} data-testid="add-sighting">
                        {t('sameProblem')}
                      </button>
                    </li>
                  ))}
                </ul>
              </div>
            )}
            <div className="row">
              <button type="button" onClick={clearForm} data-testid="cancel-report">
                {t('cancel')}
              </button>
              <button type="button" className="primary big" disabled={!category || !place || photos.preparing > 0} onClick={() => void queue({ kind: 'report' })} data-testid="submit-report">
                {t('submit')}
              </button>
            </div>
          </div>
        )}
        <h3 className="small muted">{t('myReports')}</h3>
        <OutboxList items={outbox.items} categories={categories} statuses={statuses} onChanged={outbox.refresh} onSync={() => outbox.sync()} onSignIn={signOut} />
      </div>
    </div>
  );
}

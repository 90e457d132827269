import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type * as maplibregl from 'maplibre-gl';
import { api, unwrap, type ReportFeature, type TaskItem } from '../api.ts';
import { useI18n } from '../i18n/index.tsx';
import { useSession } from '../session.tsx';
import { MapView, fitTo, type MapClick } from '../map/MapView.tsx';
import { buildBasemapStyle } from '../map/basemap.ts';
import { hexToRgb, type RGB } from '../map/colors.ts';
import { pinsLayer, PINS_LAYER_ID } from '../map/layers/pins.ts';
import { toFeature } from '../map/layers/points.ts';
import { displayFor, shownData } from '../map/display.ts';
import { ReportDetail } from '../components/ReportDetail.tsx';
import type { ReferenceData } from './ReviewView.tsx';
import type { BBox } from '../../server/domain/geo.ts';

/** A cleaner's (or unit's) own open items by deadline, on a small map, each one a tap from the rectify-with-photo form. */
export function TasksView({ data: stored }: { data: ReferenceData }) {
  // Drawn over a GCJ-02 basemap, everything is shifted the same way.
  const display = useMemo(() => displayFor(stored.basemap.tiles), [stored.basemap]);
  const data = useMemo(() => shownData(stored, display), [stored, display]);
  const { t, name, formatTime } = useI18n();
  const { user } = useSession();
  const [items, setItems] = useState<TaskItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const [mapReady, setMapReady] = useState(false);

  const load = useCallback(() => {
    unwrap(api.tasks.$get())
      .then((r) => setItems(r.items))
      .catch((e: Error) => setError(e.message));
  }, []);
  useEffect(load, [load]);

  const categories = useMemo(() => new Map(data.categories.map((c) => [c.code, c])), [data.categories]);
  const colors = useMemo<Record<string, RGB>>(
    () => Object.fromEntries(data.categories.map((c) => [c.code, hexToRgb(c.color)])),
    [data.categories],
  );
  const style = useMemo(() => buildBasemapStyle({ ...data, showAreas: true }), [data]);
  const features = useMemo<ReportFeature[]>(() => (items ?? []).map(toFeature).map((f) => display.geo(f)), [items, display]);
  const layers = useMemo(() => [pinsLayer(features, { visible: true, colors, selectedId: selected, colorBy: 'state' })], [features, colors, selected]);
  const myArea = data.areas.features.find((f) => f.properties.id === user.areaId);
  const bounds = useMemo<BBox>(() => {
    const pts = features.map((f) => f.geometry.coordinates);
    if (!pts.length) return data.township.bbox as BBox;
    const b: BBox = [Infinity, Infinity, -Infinity, -Infinity];
    for (const [x, y] of pts) {
      b[0] = Math.min(b[0], x);
      b[1] = Math.min(b[1], y);
      b[2] = Math.max(b[2], x);
      b[3] = Math.max(b[3], y);
    }
    const pad = 0.002;
    return [b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad];
  }, [features, data.township.bbox]);
  useEffect(() => {
    if (items && mapReady) fitTo(mapRef.current, bounds, 30);
  }, [items, bounds, mapReady]);

  const onClick = (e: MapClick) => {
    if (e.picked?.layer?.id === PINS_LAYER_ID && e.picked.object) setSelected((e.picked.object as { id: string }).id);
  };

  return (
    <div className="tasks">
      <div className="tasks-map">
        <MapView
          style={style}
          layers={layers}
          bounds={bounds}
          cursor="default"
          onClick={onClick}
          onZoom={() => {}}
          onReady={(m) => {
            mapRef.current = m;
            setMapReady(true);
          }}
        />
      </div>
      <section className="tasks-list" data-testid="tasks">
        <h2>
          {t('tasksTitle')}
          {myArea && <span className="muted"> · {name(myArea.properties)}</span>}
        </h2>
        {error && <p className="error">{t('loadFailed', { msg: error })}</p>}
        {items && items.length === 0 && <p>{t('noTasks')}</p>}
        <ul className="task-items">
          {(items ?? []).map((i) => {
            const c = categories.get(i.category);
            return (
              <li key={i.id}>
                <button
                  type="button"
                  className={`task ${i.overdue ? 'late' : ''} ${selected === i.id ? 'selected' : ''}`}
                  onClick={() => setSelected(i.id)}
                  data-testid="task-item"
                  data-report-id={i.id}
                >
                  <span className="swatch dot" style={{ background: c?.color ?? '#888' }} />
                  <span className="task-main">
                    <strong>{c ? name(c) : i.category}</strong> <bdi>{i.description ?? ''}</bdi>
                    <small>
                      {[i.zone ? name(i.zone) : null, i.village ? name(i.village) : null].filter(Boolean).join(' · ')}
                    </small>
                  </span>
                  <span className="task-when">
                    {i.overdue ? <b className="error">{t('overdue')}</b> : t(`status.${i.status}`)}
                    <small>{t('deadlineIn', { time: formatTime(i.deadlineAt) })}</small>
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      </section>
      {selected && (
        <ReportDetail
          id={selected}
          categories={data.categories}
          onClose={() => setSelected(null)}
          onChanged={() => load()}
        />
      )}
    </div>
  );
}

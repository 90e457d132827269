import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type * as maplibregl from 'maplibre-gl';
import { TerraDraw, TerraDrawPolygonMode, TerraDrawSelectMode } from 'terra-draw';
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter';
import { useI18n } from '../../i18n/index.tsx';
import type { MessageKey } from '../../i18n/zh-CN.ts';
import { MapView } from '../../map/MapView.tsx';
import { buildBasemapStyle } from '../../map/basemap.ts';
import { api, unwrap, type AreasResponse } from '../../api.ts';
import type { ReferenceData } from '../ReviewView.tsx';
import { displayFor, shownData } from '../../map/display.ts';
import { randomId } from '../../offline/ids.ts';
import type { AreaGeometry, Position } from '../../../server/domain/geo.ts';
import { AREA_KINDS } from '../../../server/domain/routing.ts';

type Geometry = AreaGeometry;
type AreaFeature = AreasResponse['features'][number];
const KINDS = AREA_KINDS;

/** The boundary editor: pick an area (or draw a new one), move its vertices with terra-draw, save. */
export function AreasTab({ data: stored }: { data: ReferenceData }) {
  const { t, name } = useI18n();
  // Over a GCJ-02 basemap boundaries are drawn shifted, and shifted back before they are saved.
  const display = useMemo(() => displayFor(stored.basemap.tiles), [stored.basemap]);
  const data = useMemo(() => shownData(stored, display), [stored, display]);
  const [areas, setAreas] = useState<AreasResponse>(data.areas);
  const [picked, setPicked] = useState<string | 'new' | null>(null);
  const [form, setForm] = useState({ kind: 'unit' as (typeof KINDS)[number], code: '', nameZh: '', nameEn: '', responsibleName: '', responsiblePhone: '' });
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const drawRef = useRef<TerraDraw | null>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const style = useMemo(() => buildBasemapStyle({ township: data.township, areas: data.areas, basemap: data.basemap, showAreas: false }), [data]);
  const bounds = data.township.bbox as [number, number, number, number];

  const showOutlines = useCallback((fc: AreasResponse) => {
    const map = mapRef.current;
    if (!map) return;
    const src = map.getSource('admin-areas') as maplibregl.GeoJSONSource | undefined;
    if (src) src.setData(fc as never);
    else {
      map.addSource('admin-areas', { type: 'geojson', data: fc as never });
      map.addLayer({ id: 'admin-areas-line', type: 'line', source: 'admin-areas', paint: { 'line-color': ['match', ['get', 'kind'], 'cleaning_zone', '#d94801', 'unit', '#6a51a3', '#2b6cb0'], 'line-width': 1.5 } });
    }
  }, []);

  const onReady = useCallback(
    (map: maplibregl.Map) => {
      mapRef.current = map;
      showOutlines(areas);
      const draw = new TerraDraw({
        adapter: new TerraDrawMapLibreGLAdapter({ map }),
        modes: [
          new TerraDrawSelectMode({ flags: { polygon: { feature: { coordinates: { midpoints: true, draggable: true, deletable: true } } } } }),
          new TerraDrawPolygonMode(),
        ],
      });
      draw.start();
      draw.on('finish', (id) => {
        draw.setMode('select');
        draw.selectFeature(id);
      });
      drawRef.current = draw;
      window.__hotspotsDraw = draw;
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [],
  );
  useEffect(() => () => drawRef.current?.stop(), []);

  const pick = (id: string | 'new') => {
    const draw = drawRef.current;
    setMessage(null);
    setPicked(id);
    if (!draw) return;
    draw.clear();
    if (id === 'new') {
      setForm({ kind: 'unit', code: '', nameZh: '', nameEn: '', responsibleName: '', responsiblePhone: '' });
      draw.setMode('polygon');
      return;
    }
    const f = areas.features.find((a) => a.id === id) as AreaFeature;
    const p = f.properties;
    setForm({ kind: p.kind as (typeof KINDS)[number], code: p.code, nameZh: p.nameZh, nameEn: p.nameEn, responsibleName: p.responsibleName ?? '', responsiblePhone: p.responsiblePhone ?? '' });
    const g = f.geometry as Geometry;
    const parts = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    const ids = parts.map(() => randomId());
    draw.setMode('select');
    draw.addFeatures(parts.map((coordinates, i) => ({ id: ids[i]!, type: 'Feature', geometry: { type: 'Polygon', coordinates }, properties: { mode: 'polygon' } })));
    draw.selectFeature(ids[0]!);
    const b = [180, 90, -180, -90];
    for (const [x, y] of parts.flat(2) as [number, number][]) {
      b[0] = Math.min(b[0]!, x);
      b[1] = Math.min(b[1]!, y);
      b[2] = Math.max(b[2]!, x);
      b[3] = Math.max(b[3]!, y);
    }
    const [w, s, e, n] = b as [number, number, number, number];
    mapRef.current?.fitBounds([[w, s], [e, n]], { padding: 60, duration: 0 });
  };

  const save = async () => {
    const draw = drawRef.current;
    if (!draw || !picked) return;
    const polys = draw.getSnapshot().filter((f) => f.geometry.type === 'Polygon').map((f) => f.geometry.coordinates as Position[][]);
    const drawn: Geometry | undefined = polys.length === 1 ? { type: 'Polygon', coordinates: polys[0]! } : polys.length > 1 ? { type: 'MultiPolygon', coordinates: polys } : undefined;
    const geometry = drawn && display.world(drawn);
    const people = { responsibleName: form.responsibleName || null, responsiblePhone: form.responsiblePhone || null };
    try {
      const r =
        picked === 'new'
          ? geometry
            ? await unwrap(api.areas.$post({ json: { kind: form.kind, code: form.code, nameZh: form.nameZh, ...(form.nameEn ? { nameEn: form.nameEn } : {}), ...people, geometry } }))
            : null
          : await unwrap(api.areas[':id'].$patch({ param: { id: picked }, json: { nameZh: form.nameZh, nameEn: form.nameEn, ...people, ...(geometry ? { geometry } : {}) } }));
      if (!r) {
        setMessage({ ok: false, text: t('areaDrawHint') });
        return;
      }
      setMessage({ ok: true, text: t('areaSaved', { n: r.rerouted }) });
      const fresh = display.geo(await unwrap(api.areas.$get({ query: {} })));
      setAreas(fresh);
      showOutlines(fresh);
    } catch (e) {
      setMessage({ ok: false, text: (e as Error).message });
    }
  };

  const field = (key: keyof typeof form, label: MessageKey, disabled = false) => (
    <label className="field-row">
      <span>{t(label)}</span>
      <input value={form[key]} disabled={disabled} onChange={(e) => setForm({ ...form, [key]: e.target.value })} data-testid={`area-${key}`} />
    </label>
  );

  return (
    <div className="admin-areas">
      <div className="admin-map">
        <MapView style={style} layers={[]} bounds={bounds} cursor="default" onClick={() => {}} onZoom={() => {}} onReady={onReady} />
      </div>
      <aside className="panel admin-side">
        <div className="toolbar">
          <select value={picked && picked !== 'new' ? picked : ''} onChange={(e) => e.target.value && pick(e.target.value)} data-testid="area-pick">
            <option value="">{t('areaPick')}</option>
            {KINDS.map((k) => (
              <optgroup key={k} label={t(`kind.${k}` as MessageKey)}>
                {areas.features
                  .filter((a) => a.properties.kind === k)
                  .map((a) => (
                    <option key={a.id} value={a.id}>
                      {name(a.properties)} ({a.properties.code})
                    </option>
                  ))}
              </optgroup>
            ))}
          </select>
          <button type="button" onClick={() => pick('new')} data-testid="area-new">
            {t('areaNew')}
          </button>
        </div>
        {picked && (
          <>
            <p className="small">{t(picked === 'new' ? 'areaDrawHint' : 'areaEditHint')}</p>
            {picked === 'new' && (
              <label className="field-row">
                <span>{t('areaKind')}</span>
                <select value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value as (typeof KINDS)[number] })} data-testid="area-kind">
                  {KINDS.map((k) => (
                    <option key={k} value={k}>
                      {t(`kind.${k}` as MessageKey)}
                    </option>
                  ))}
                </select>
              </label>
            )}
            {field('code', 'areaCode', picked !== 'new')}
            {field('nameZh', 'areaNameZh')}
            {field('nameEn', 'areaNameEn')}
            {field('responsibleName', 'areaResponsible')}
            {field('responsiblePhone', 'areaPhone')}
            <div className="toolbar">
              <button type="button" className="primary" onClick={() => void save()} data-testid="area-save">
                {t('areaSave')}
              </button>
              <button type="button" onClick={() => pick(picked)}>
                {t('areaCancel')}
              </button>
            </div>
          </>
        )}
        {message && (
          <p className={message.ok ? 'ok' : 'error'} role="status" data-testid="area-message">
            {message.text}
          </p>
        )}
      </aside>
    </div>
  );
}


declare global {
  interface Window {
    /** The boundary editor's drawing, for end-to-end tests. */
    __hotspotsDraw?: TerraDraw;
  }
}

import { useCallback, useMemo, useRef, useState } from 'react';
import type * as maplibregl from 'maplibre-gl';
import type { AreasResponse, Basemap, Category, CreatedReport, Township } from '../api.ts';
import { useI18n } from '../i18n/index.tsx';
import { MapView, fitTo, type MapClick } from '../map/MapView.tsx';
import { buildBasemapStyle } from '../map/basemap.ts';
import { hexToRgb, type RGB } from '../map/colors.ts';
import { draftLayer, pinsLayer, PINS_LAYER_ID } from '../map/layers/pins.ts';
import { buildPlaceLabels, labelsLayer } from '../map/layers/labels.ts';
import { toFeature } from '../map/layers/points.ts';
import { useMapData } from './useMapData.ts';
import { useBenchHooks } from '../map/bench-hooks.ts';
import { displayFor, shownData } from '../map/display.ts';
import { FilterPanel, STATE_STATUSES, daysBefore, type AnalysisLayer, type Filters, type LayerToggles } from '../components/FilterPanel.tsx';
import { Headline } from '../components/Headline.tsx';
import { TimeMatrix } from '../components/TimeMatrix.tsx';
import { WeekPlayer, lastWeeks } from '../components/WeekPlayer.tsx';
import { ANALYSIS_LAYERS, analysisLayerOf } from '../map/layers/analysis/index.ts';
import type { PickingInfo } from '@deck.gl/core';
import type { MessageKey } from '../i18n/zh-CN.ts';
import { Legend } from '../components/Legend.tsx';
import { ReportDetail } from '../components/ReportDetail.tsx';
import { NewReportForm } from '../components/NewReportForm.tsx';
import { SearchBox } from '../components/SearchBox.tsx';
import { townshipRouter } from '../township.ts';
import { localDate } from '../../server/domain/calendar.ts';
import { FIELD_ROLES } from '../../server/domain/lifecycle.ts';
import { useSession } from '../session.tsx';
import type { AreaGeometry, BBox } from '../../server/domain/geo.ts';

export interface ReferenceData {
  township: Township;
  areas: AreasResponse;
  categories: Category[];
  basemap: Basemap;
}

const FONT_FAMILY = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif';

/** From this zoom on (a street or two across) the leading group's map shows the items themselves. */
const STREET_ZOOM = 15;

/** The leading group's map: zones, villages, pins, heat; filters; details; and dropping a new pin. */
export function ReviewView({ data }: { data: ReferenceData }) {
  const i18n = useI18n();
  const { t, lang, name } = i18n;
  // The leading group and the county's people read the map; only field roles report from it.
  const mayReport = (FIELD_ROLES as readonly string[]).includes(useSession().user.role);
  // On a GCJ-02 basemap everything of ours is drawn shifted; the router and what is sent stay in WGS84.
  const display = useMemo(() => displayFor(data.basemap.tiles), [data.basemap]);
  const shown = useMemo(() => shownData(data, display), [data, display]);
  const { township, areas, categories, basemap } = shown;
  const today = localDate(Date.now(), township.timezone);

  const [filters, setFilters] = useState<Filters>({
    categories: categories.map((c) => c.code),
    from: daysBefore(today, 29),
    to: today,
  });
  const [layers, setLayers] = useState<LayerToggles>({ areas: true, pins: true, labels: true });
  const [analysis, setAnalysis] = useState<AnalysisLayer>('heatmap');
  const weeks = useMemo(() => lastWeeks(Date.now(), township.timezone, 12), [township.timezone]);
  const [week, setWeek] = useState<number | null>(null);
  const period = week !== null ? weeks[week]! : { from: filters.from, to: filters.to };
  const [colorBy, setColorBy] = useState<'category' | 'state'>('category');
  const [reload, setReload] = useState(0);
  const [zoom, setZoom] = useState(12);
  // A link to /?report=<id> opens the map on that item.
  const [selected, setSelected] = useState<string | null>(() => new URLSearchParams(window.location.search).get('report'));
  const [placing, setPlacing] = useState(false);
  const [draft, setDraft] = useState<[number, number] | null>(null);
  const [draftCategory, setDraftCategory] = useState<string | null>(null);
  const [toast, setToast] = useState<string | null>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);

  const areaKinds = useMemo(() => new Map(areas.features.map((f) => [String(f.properties.id), f.properties.kind])), [areas]);
  const areaChoices = useMemo(
    () =>
      areas.features
        .filter((f) => f.properties.kind !== 'unit')
        .map((f) => ({ id: String(f.properties.id), name: name(f.properties), kind: f.properties.kind }))
        .sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name, 'zh-CN')),
    [areas, name],
  );
  const { reports, setReports, loadError, answers, analysisState, patterns, patternsError, points, setPoints } = useMapData({
    categories: filters.categories,
    allCategories: categories.length,
    period,
    patternsPeriod: { from: filters.from, to: filters.to },
    analysis,
    reload,
    display,
    scope: {
      status: filters.state ? STATE_STATUSES[filters.state] : undefined,
      zone: filters.areaId && areaKinds.get(filters.areaId) === 'cleaning_zone' ? filters.areaId : undefined,
      village: filters.areaId && areaKinds.get(filters.areaId) !== 'cleaning_zone' ? filters.areaId : undefined,
    },
  });
  useBenchHooks(setPoints, display);

  const router = useMemo(() => townshipRouter(data.township, data.areas), [data.areas, data.township]);

  const zones = useMemo(
    () =>
      areas.features
        .filter((f) => f.properties.kind === 'cleaning_zone')
        .map((f) => f.properties)
        .sort((a, b) => a.code.localeCompare(b.code)),
    [areas],
  );
  const townCentre = useMemo<BBox>(() => {
    const zoneIds = new Set(zones.map((z) => z.id));
    const b: BBox = [Infinity, Infinity, -Infinity, -Infinity];
    for (const f of areas.features) {
      if (!zoneIds.has(f.properties.id)) continue;
      const g = f.geometry as AreaGeometry;
      const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
      for (const p of polys)
        for (const [x, y] of p[0] ?? []) {
          b[0] = Math.min(b[0], x);
          b[1] = Math.min(b[1], y);
          b[2] = Math.max(b[2], x);
          b[3] = Math.max(b[3], y);
        }
    }
    return b;
  }, [areas, zones]);

  const style = useMemo(
    () => buildBasemapStyle({ township, areas, basemap, showAreas: layers.areas }),
    [township, areas, basemap, layers.areas],
  );
  const colors = useMemo<Record<string, RGB>>(
    () => Object.fromEntries(categories.map((c) => [c.code, hexToRgb(c.color)])),
    [categories],
  );
  const labels = useMemo(() => buildPlaceLabels(areas, basemap, lang), [areas, basemap, lang]);
  const features = useMemo(() => reports?.features ?? [], [reports]);

  const deckLayers = useMemo(
    () => [
      // the layer shown, and hidden ones that hold an answer (showing one again is at once); one never shown
      // costs deck.gl nothing (no shaders, no buffers) on a slow PC
      ...ANALYSIS_LAYERS.filter((l) => l.key === analysis || answers[l.key] !== undefined).map((l) =>
        l.layer((answers[l.key] as never) ?? null, { visible: analysis === l.key, points, zoom, colors }),
      ),
      // the leading group opens on where to focus: heat at township zoom, the items themselves from street zoom
      pinsLayer(features, { visible: layers.pins && (mayReport || zoom >= STREET_ZOOM), colors, selectedId: selected, colorBy }),
      labelsLayer(labels, { visible: layers.labels, zoom, fontFamily: FONT_FAMILY }),
      draftLayer(draft, draftCategory ? (colors[draftCategory] ?? [90, 90, 90]) : [90, 90, 90]),
    ],
    [points, features, layers, colors, selected, labels, zoom, draft, draftCategory, colorBy, analysis, answers, mayReport],
  );

  const onClick = useCallback(
    (e: MapClick) => {
      if (placing) {
        setDraft(e.lngLat);
        return;
      }
      if (e.picked?.layer?.id === PINS_LAYER_ID && e.picked.object) {
        setSelected((e.picked.object as { id: string }).id);
      } else {
        setSelected(null);
      }
    },
    [placing],
  );

  const tooltip = (info: PickingInfo): string | null => {
    const o = info.object as Record<string, any> | undefined;
    if (!o) return null;
    const id = info.layer?.id;
    const def = analysisLayerOf(id);
    if (def) return def.tooltip?.(o, answers[def.key] ?? null, i18n) ?? null;
    if (id === PINS_LAYER_ID) {
      const c = categories.find((x) => x.code === o.properties.category);
      return `${c ? name(c) : o.properties.category} · ${t(`status.${o.properties.status}` as MessageKey)}`;
    }
    return null;
  };

  const onCreated = (r: CreatedReport) => {
    const feature = display.geo(toFeature(r));
    setReports((prev) =>
      prev ? { ...prev, numberReturned: prev.numberReturned + 1, features: [feature, ...prev.features] } : prev,
    );
    const where = [r.zone ? name(r.zone) : null, r.village ? name(r.village) : null].filter(Boolean).join(' · ');
    setToast(t('submitted', { place: where }) + (r.nearbyCount ? ` · ${t('nearbyFound', { n: r.nearbyCount })}` : ''));
    setTimeout(() => setToast(null), 5000);
    setPlacing(false);
    setDraft(null);
    setDraftCategory(null);
    setSelected(r.id);
  };

  const onChanged = (d: { id: string; status: string; overdue: boolean }) =>
    setReports((prev) =>
      prev
        ? {
            ...prev,
            features: prev.features.map((f) =>
              f.id === d.id ? { ...f, properties: { ...f.properties, status: d.status as typeof f.properties.status, overdue: d.overdue } } : f,
            ),
          }
        : prev,
    );

  const cancelPlacing = () => {
    setPlacing(false);
    setDraft(null);
    setDraftCategory(null);
  };

  return (
    <div className="review">
      <div className="sidebar">
        <SearchBox
          onItem={(id, at) => {
            cancelPlacing();
            setSelected(id);
            const [x, y] = display.toScreen(at);
            fitTo(mapRef.current, [x - 0.001, y - 0.001, x + 0.001, y + 0.001]);
          }}
          onPlace={(b) => {
            const [x0, y0] = display.toScreen([b[0], b[1]]);
            const [x1, y1] = display.toScreen([b[2], b[3]]);
            fitTo(mapRef.current, [x0 - 0.001, y0 - 0.001, x1 + 0.001, y1 + 0.001]);
          }}
        />
        {!mayReport && <Headline reload={reload} />}
        {!mayReport && layers.pins && zoom < STREET_ZOOM && (
          <p className="muted small" data-testid="pins-hint">
            {t('pinsFromStreet')}
          </p>
        )}
        {mayReport && (
          <button
            type="button"
            className={placing ? 'report-button active' : 'report-button'}
            onClick={() => (placing ? cancelPlacing() : (setPlacing(true), setSelected(null)))}
            data-testid="report-mode"
          >
            {placing ? t('cancel') : `＋ ${t('reportMode')}`}
          </button>
        )}
        <p className="count" data-testid="report-count" aria-live="polite">
          {loadError ? (
            <span className="error">
              {t('loadFailed', { msg: loadError })}{' '}
              <button type="button" className="link" onClick={() => setReload((n) => n + 1)}>
                {t('retry')}
              </button>
            </span>
          ) : reports ? (
            <>
              {t('reportsShown', { n: reports.numberReturned })}
              {reports.truncated && t('reportsTruncated', { n: reports.limit })}
            </>
          ) : (
            t('loading')
          )}
        </p>
        <FilterPanel
          categories={categories}
          filters={filters}
          onFilters={setFilters}
          layers={layers}
          onLayers={setLayers}
          analysis={analysis}
          onAnalysis={setAnalysis}
          today={today}
          areas={areaChoices}
        />
        <section className="panel">
          <WeekPlayer weeks={weeks} value={week} onChange={setWeek} />
        </section>
        <section className="panel" aria-label={t('colorBy')}>
          <h2>{t('colorBy')}</h2>
          <div className="segmented" role="radiogroup">
            {(['category', 'state'] as const).map((m) => (
              <button
                key={m}
                type="button"
                role="radio"
                aria-checked={colorBy === m}
                className={colorBy === m ? 'selected' : ''}
                onClick={() => setColorBy(m)}
                data-testid={`color-by-${m}`}
              >
                {t(m === 'category' ? 'colorByCategory' : 'colorByState')}
              </button>
            ))}
          </div>
        </section>
        <Legend
          categories={categories}
          zones={zones}
          colorBy={colorBy}
          analysis={analysisState}
          shownData={answers[analysis]}
        />
        {patternsError && (
          <p className="error small" role="alert" data-testid="patterns-error">
            {t('patternsFailed', { msg: i18n.said(patternsError) })}
          </p>
        )}
        {patterns && (
          <section className="panel" aria-label={t('timePatterns')}>
            <h2>{t('timePatterns')}</h2>
            <p className="muted small">{t('marketDaysRule', { rule: township.marketDaysText })}</p>
            <TimeMatrix data={patterns} categories={categories} category={filters.categories.length === 1 ? filters.categories[0]! : null} />
          </section>
        )}
      </div>
      <div className="map-wrap">
        <MapView
          style={style}
          layers={deckLayers}
          bounds={township.bbox as [number, number, number, number]}
          cursor={placing ? 'crosshair' : 'default'}
          onClick={onClick}
          onZoom={setZoom}
          onReady={(m) => (mapRef.current = m)}
          tooltip={tooltip}
        />
        <div className="map-buttons">
          <button type="button" onClick={() => fitTo(mapRef.current, township.bbox as BBox)} data-testid="fit-township">
            {t('wholeTownship')}
          </button>
          {zones.length > 0 && (
            <button type="button" onClick={() => fitTo(mapRef.current, townCentre, 40)} data-testid="fit-centre">
              {t('townCentre')}
            </button>
          )}
        </div>
        {placing && !draft && <div className="hint" data-testid="placing-hint">{t('reportModeActive')}</div>}
        {toast && (
          <div className="toast" role="status" data-testid="toast">
            {toast}
          </div>
        )}
        {placing && draft && (
          <NewReportForm
            position={display.toWorld(draft)}
            route={router.route(...display.toWorld(draft))}
            categories={categories}
            category={draftCategory}
            onCategory={setDraftCategory}
            onCreated={onCreated}
            onCancel={cancelPlacing}
          />
        )}
        {!placing && selected && (
          <ReportDetail id={selected} categories={categories} onClose={() => setSelected(null)} onChanged={onChanged} />
        )}
      </div>
    </div>
  );
}

import { GeoJsonLayer } from '@deck.gl/layers';
import { api, unwrap, type Hotspots } from '../../../api.ts';
import type { RGB } from '../../colors.ts';
import { cellFeatures, type CellFeature, type GridFrame } from '../grid-cells.ts';
import { defineAnalysisLayer } from './types.ts';
import { collectionOf } from '../memo.ts';

// Getis-Ord Gi* hot and cold spots over the study area: significant cells by number on the grid, and the spots
// they make named in words.

export const HOTSPOT_LAYER_ID = 'analysis-hotspots';
/** Opacity of the hot-spot cells, so streets and pins still show through. */
export const HOTSPOT_ALPHA = 140;
/** Cells significant only through their neighbours: faint. */
export const NEIGHBOUR_ONLY_ALPHA = 45;
/** How many spots the legend names. */
const SPOTS_LISTED = 5;

/** Hot (+) and cold (−) spot colours by confidence bin, as ArcGIS draws them. */
export const BIN_COLORS: Record<number, RGB> = {
  3: [178, 24, 43],
  2: [239, 138, 98],
  1: [253, 219, 199],
  [-1]: [209, 229, 240],
  [-2]: [103, 169, 207],
  [-3]: [33, 102, 172],
};

export interface HotspotCellProps {
  count: number;
  z: number | null;
  bin: number;
  /** Significant only through its neighbours: the cell itself holds no report. */
  neighbourOnly: boolean;
  /** The spot (1…) the cell belongs to, or null. */
  spot: number | null;
}
export type HotspotCell = CellFeature<HotspotCellProps>;

export interface HotspotAnswerCells {
  grid: GridFrame;
  cells: { index: number[]; count: number[]; z: (number | null)[]; bin: number[] };
  spots: { id: number; cells: number[] }[];
}

export function hotspotCells(a: HotspotAnswerCells): HotspotCell[] {
  const spotOf = new Map<number, number>();
  for (const s of a.spots) for (const c of s.cells) spotOf.set(c, s.id);
  return cellFeatures(a.grid, a.cells.index, (k) => ({
    count: a.cells.count[k]!,
    z: a.cells.z[k] ?? null,
    bin: a.cells.bin[k]!,
    neighbourOnly: a.cells.bin[k]! > 0 && a.cells.count[k] === 0,
    spot: spotOf.get(a.cells.index[k]!) ?? null,
  }));
}

/**
 * Significant cells in ArcGIS's colours. A cell hot only through its neighbours (no report in it) is drawn faint
 * with an outline, so the eye goes to where the reports are.
 */
export function hotspotLayer(cells: readonly HotspotCell[], ui: { visible: boolean }) {
  return new GeoJsonLayer({
    id: HOTSPOT_LAYER_ID,
    visible: ui.visible,
    data: collectionOf(cells) as never,
    stroked: true,
    filled: true,
    pickable: true,
    lineWidthUnits: 'pixels',
    getLineWidth: (f: { properties: HotspotCellProps }) => (f.properties.neighbourOnly ? 1.5 : 0),
    getLineColor: (f: { properties: HotspotCellProps }) => [...(BIN_COLORS[f.properties.bin] ?? [200, 200, 200]), 230] as [number, number, number, number],
    getFillColor: (f: { properties: HotspotCellProps }) =>
      [...(BIN_COLORS[f.properties.bin] ?? [200, 200, 200]), f.properties.neighbourOnly ? NEIGHBOUR_ONLY_ALPHA : HOTSPOT_ALPHA] as [number, number, number, number],
    updateTriggers: { getFillColor: cells, getLineWidth: cells, getLineColor: cells },
  });
}

/** The answer as sent, and its cells as squares placed for the basemap. */
export interface HotspotData {
  answer: Hotspots;
  cells: HotspotCell[];
}

const NO_CELLS: HotspotCell[] = [];

export const hotspots = defineAnalysisLayer<HotspotData>({
  key: 'hotspots',
  label: 'layerHotspots',
  layerId: HOTSPOT_LAYER_ID,
  async load({ categories, period, display }) {
    const answer = await unwrap(api.hotspots.$get({ query: { ...categories, from: period.from, to: period.to } }));
    // without ?all=1 the answer is always the compact one
    if (!('grid' in answer)) throw new Error('hot-spot answer without its grid');
    // cells come by number on the grid's frame: squares made here, then moved for a GCJ-02 basemap like everything else
    return { answer, cells: display.geo({ type: 'FeatureCollection' as const, features: hotspotCells(answer) }).features };
  },
  layer: (data, ui) => hotspotLayer(data?.cells ?? NO_CELLS, { visible: ui.visible }),
  tooltip(o, data, { t }) {
    const z = o.properties.z?.toFixed(2) ?? '—';
    if (o.properties.neighbourOnly) return t('tipCellNeighbourOnly', { z });
    const spot = data?.answer.spots.find((s) => s.id === o.properties.spot);
    return t('tipCell', { count: o.properties.count, z }) + (spot ? ` · ${t('tipSpot', { place: spot.near?.name ?? spot.village ?? '—', reports: spot.reports })}` : '');
  },
  legend({ data, i18n: { t, lang } }) {
    const answer = data?.answer;
    const bins = answer && !answer.legend.coldPossible ? ([3, 2, 1] as const) : ([3, 2, 1, -1, -2, -3] as const);
    return (
      <>
        <h3>{t('layerHotspots')}</h3>
        <ul className="legend-list">
          {bins.map((b) => (
            <li key={b}>
              <span className="swatch" style={{ background: `rgb(${BIN_COLORS[b]!.join(',')})` }} />
              {b > 0 ? t('hotLegend') : t('coldLegend')} {t(Math.abs(b) === 3 ? 'conf99' : Math.abs(b) === 2 ? 'conf95' : 'conf90')}
            </li>
          ))}
          <li>
            <span className="swatch outline" style={{ borderColor: `rgb(${BIN_COLORS[3]!.join(',')})`, background: `rgba(${BIN_COLORS[3]!.join(',')},0.18)` }} />
            {t('neighbourOnlyLegend')}
          </li>
        </ul>
        {answer && (
          <>
            {!answer.legend.coldPossible && (
              <p className="muted small" data-testid="cold-impossible">
                {t('coldImpossible', { z: answer.legend.lowestReachableZ.toFixed(2) })}
              </p>
            )}
            <p className="muted small">{t('cellInfo', { cell: answer.cellSize_m, band: answer.distanceBand_m })}</p>
            <p className="muted small" data-testid="study-area">
              {t('studyArea', { rule: lang === 'en' ? answer.studyArea.rule : answer.studyArea.ruleZh, n: answer.studyArea.outsideReports })}
            </p>
            <h3>{t('spotsTitle')}</h3>
            {answer.spots.length ? (
              <ol className="spot-list" data-testid="hotspot-spots">
                {answer.spots.slice(0, SPOTS_LISTED).map((sp) => {
                  const person = sp.responsible.find((r) => r.person)?.person;
                  return (
                    <li key={sp.id}>
                      <bdi>{[...new Set([sp.near?.name, ...sp.landmarks].filter(Boolean))].slice(0, 2).join('、') || '—'}</bdi>
                      {(sp.village ?? sp.zone) && <> · <bdi>{sp.village ?? sp.zone}</bdi></>} {t('spotReports', { n: sp.reports })}
                      {person && <> · <bdi>{person}</bdi></>}
                    </li>
                  );
                })}
              </ol>
            ) : (
              <p className="muted small">{t('noSpots', { n: 3 })}</p>
            )}
          </>
        )}
      </>
    );
  },
});

import { ScatterplotLayer } from '@deck.gl/layers';
import { api, unwrap, type Chronic } from '../../../api.ts';
import type { RGB } from '../../colors.ts';
import { defineAnalysisLayer } from './types.ts';

// Chronic spots: places that keep coming back week after week, ringed in their main category's colour.

export const CHRONIC_LAYER_ID = 'analysis-chronic';

export type ChronicSpotView = Chronic['spots'][number];

export function chronicLayer(spots: readonly ChronicSpotView[], ui: { visible: boolean; colors: Record<string, RGB> }) {
  return new ScatterplotLayer<ChronicSpotView>({
    id: CHRONIC_LAYER_ID,
    visible: ui.visible,
    data: spots as ChronicSpotView[],
    pickable: true,
    radiusUnits: 'meters',
    getRadius: (d) => Math.max(25, d.radiusM),
    radiusMinPixels: 8,
    stroked: true,
    lineWidthUnits: 'pixels',
    getLineWidth: 2.5,
    getLineColor: (d) => [...(ui.colors[d.dominantCategory] ?? [90, 90, 90]), 255] as [number, number, number, number],
    getFillColor: (d) => [...(ui.colors[d.dominantCategory] ?? [90, 90, 90]), Math.round(40 + 140 * (d.weeksActive / Math.max(1, d.weeks)))] as [number, number, number, number],
    getPosition: (d) => d.centre as [number, number],
    updateTriggers: { getFillColor: ui.colors, getLineColor: ui.colors },
  });
}

const NO_SPOTS: ChronicSpotView[] = [];

export const chronic = defineAnalysisLayer<Chronic>({
  key: 'chronic',
  label: 'layerChronic',
  layerId: CHRONIC_LAYER_ID,
  load: async ({ categories, display }) => display.geo(await unwrap(api.analysis.chronic.$get({ query: categories }))),
  layer: (data, ui) => chronicLayer(data?.spots ?? NO_SPOTS, { visible: ui.visible, colors: ui.colors }),
  tooltip: (o, _data, { t }) => t('tipChronic', { place: o.nearest?.name ?? '—', count: o.count, weeks: o.weeksActive, of: o.weeks }),
  legend: ({ i18n: { t } }) => (
    <>
      <h3>{t('layerChronic')}</h3>
      <p className="muted small">{t('chronicLegend')}</p>
    </>
  ),
});

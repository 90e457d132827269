import { heatmapLayer, HEATMAP_LAYER_ID } from '../heatmap.ts';
import { defineAnalysisLayer } from './types.ts';
import { RampLegend } from './ramp.tsx';

// The leading group's first view: where reports crowd, drawn from every matching report's point.

/** Kernel width on screen: a street block at township zoom. */
export const HEAT_RADIUS_PX = 40;

export const heatmap = defineAnalysisLayer<never>({
  key: 'heatmap',
  label: 'layerHeatmap',
  layerId: HEATMAP_LAYER_ID,
  layer: (_none, ui) => heatmapLayer(ui.points, { visible: ui.visible, radiusPixels: HEAT_RADIUS_PX, zoom: ui.zoom }),
  legend: ({ i18n }) => <RampLegend title="legendHeat" i18n={i18n} />,
});

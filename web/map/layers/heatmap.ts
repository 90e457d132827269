import { HeatmapLayer } from '@deck.gl/aggregation-layers';
import { HEAT_RAMP } from '../colors.ts';
import type { BinaryPoints } from './points.ts';

export const HEATMAP_LAYER_ID = 'reports-heatmap';

export interface HeatmapUi {
  visible: boolean;
  radiusPixels: number;
}

/** Density of the filtered reports; a visual aid, not a statistic. Fed binary positions, no per-point objects. */
export function heatmapLayer(points: BinaryPoints, ui: HeatmapUi) {
  return new HeatmapLayer({
    id: HEATMAP_LAYER_ID,
    visible: ui.visible && points.length > 0,
    data: { length: points.length, attributes: { getPosition: { value: points.positions, size: 2 } } },
    radiusPixels: ui.radiusPixels,
    intensity: 1.5,
    threshold: 0.04,
    colorRange: HEAT_RAMP,
    aggregation: 'SUM',
    opacity: 0.75,
    updateTriggers: { getPosition: points.positions },
  });
}

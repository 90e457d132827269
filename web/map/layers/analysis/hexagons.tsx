import { HexagonLayer } from '@deck.gl/aggregation-layers';
import { HEAT_RAMP } from '../../colors.ts';
import type { BinaryPoints } from '../points.ts';
import { defineAnalysisLayer } from './types.ts';
import { RampLegend } from './ramp.tsx';

// Counts of reports in hexagons, aggregated in the browser from the same points as the heat.

export const HEXAGON_LAYER_ID = 'analysis-hexagons';
/** A hexagon's radius: about a market square. */
export const HEXAGON_RADIUS_M = 120;

// The hexagon layer aggregates on the CPU from [lon, lat] pairs: made once per set of points, and only while shown.
const pairsOf = new WeakMap<Float32Array, [number, number][]>();
function pairs(points: BinaryPoints): [number, number][] {
  let out = pairsOf.get(points.positions);
  if (!out) {
    out = new Array(points.length);
    for (let i = 0; i < points.length; i++) out[i] = [points.positions[i * 2]!, points.positions[i * 2 + 1]!];
    pairsOf.set(points.positions, out);
  }
  return out;
}
const NO_PAIRS: [number, number][] = [];
/** A hexagon's colour value: the logarithm of its count (one function, so deck.gl aggregates once). */
export const logCount = (points: readonly unknown[]) => Math.log(points.length);

/** Counts of reports in hexagons; while hidden it holds no data, so a million points are not aggregated unseen. */
export function hexagonLayer(points: BinaryPoints, ui: { visible: boolean; radiusM: number }) {
  const positions = ui.visible ? pairs(points) : NO_PAIRS;
  return new HexagonLayer<[number, number]>({
    id: HEXAGON_LAYER_ID,
    visible: ui.visible,
    data: positions,
    getPosition: (d) => d,
    radius: ui.radiusM,
    colorRange: HEAT_RAMP,
    // Six equal steps of the count's logarithm (with a market of 3 000: 1–3, 4–14, 15–54 …): on a linear scale one market with a
    // thousand reports pales every street around it into the lowest colour. (Classes by rank were tried: a
    // township where most hexagons hold one report then paints those singletons in the upper colours.)
    getColorValue: logCount,
    colorScaleType: 'quantize',
    coverage: 0.92,
    opacity: 0.7,
    extruded: false,
    pickable: true,
    gpuAggregation: false,
    updateTriggers: { getPosition: positions },
  });
}

export const hexagons = defineAnalysisLayer<never>({
  key: 'hexagons',
  label: 'layerHexagons',
  layerId: HEXAGON_LAYER_ID,
  layer: (_none, ui) => hexagonLayer(ui.points, { visible: ui.visible, radiusM: HEXAGON_RADIUS_M }),
  legend: ({ i18n }) => <RampLegend title="hexLegend" i18n={i18n} />,
  tooltip: (o, _none, { t }) => t('tipHex', { count: o.count ?? o.points?.length ?? 0 }),
});

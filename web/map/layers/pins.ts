import { ScatterplotLayer } from '@deck.gl/layers';
import type { ReportFeature } from '../../api.ts';
import type { RGB } from '../colors.ts';

export const PINS_LAYER_ID = 'reports-pins';
export const DRAFT_LAYER_ID = 'report-draft';

export interface PinsUi {
  visible: boolean;
  /** Category code -> colour. */
  colors: Record<string, RGB>;
  selectedId: string | null;
}

const CLOSED = new Set(['closed', 'rejected', 'duplicate']);

/** One dot per report, coloured by category; open items are solid, finished ones faded. */
export function pinsLayer(reports: readonly ReportFeature[], ui: PinsUi) {
  return new ScatterplotLayer<ReportFeature>({
    id: PINS_LAYER_ID,
    visible: ui.visible,
    data: reports as ReportFeature[],
    pickable: true,
    autoHighlight: true,
    highlightColor: [255, 255, 0, 200],
    radiusUnits: 'pixels',
    getRadius: (d) => (d.id === ui.selectedId ? 9 : 5),
    radiusMinPixels: 3,
    stroked: true,
    lineWidthUnits: 'pixels',
    getLineWidth: (d) => (d.id === ui.selectedId ? 3 : 1),
    getLineColor: (d) => (d.id === ui.selectedId ? [20, 20, 20, 255] : [255, 255, 255, 230]),
    getPosition: (d) => d.geometry.coordinates,
    getFillColor: (d) => {
      const c = ui.colors[d.properties.category] ?? [120, 120, 120];
      return [c[0], c[1], c[2], CLOSED.has(d.properties.status) ? 110 : 235];
    },
    updateTriggers: {
      getFillColor: ui.colors,
      getRadius: ui.selectedId,
      getLineWidth: ui.selectedId,
      getLineColor: ui.selectedId,
    },
  });
}

/** The pin a user is placing, before the report is sent. */
export function draftLayer(position: [number, number] | null, color: RGB) {
  return new ScatterplotLayer<[number, number]>({
    id: DRAFT_LAYER_ID,
    visible: position !== null,
    data: position ? [position] : [],
    radiusUnits: 'pixels',
    getRadius: 10,
    stroked: true,
    lineWidthUnits: 'pixels',
    getLineWidth: 3,
    getLineColor: [20, 20, 20, 255],
    getFillColor: [...color, 255],
    getPosition: (d) => d,
    updateTriggers: { getFillColor: color },
  });
}

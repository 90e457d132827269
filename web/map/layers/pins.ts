import { ScatterplotLayer } from '@deck.gl/layers';
import type { ReportFeature } from '../../api.ts';
import { onceEachBy } from './memo.ts';
import { hexToRgb, pinState, STATE_COLORS, type PinState, type RGB } from '../colors.ts';

export const PINS_LAYER_ID = 'reports-pins';
export const DRAFT_LAYER_ID = 'report-draft';

export interface PinsUi {
  visible: boolean;
  /** Category code -> colour. */
  colors: Record<string, RGB>;
  selectedId: string | null;
  /** Colour pins by category (overdue ones ringed in red) or by where they stand in the loop. */
  colorBy: 'category' | 'state';
}

const STATE_RGB = Object.fromEntries(Object.entries(STATE_COLORS).map(([k, v]) => [k, hexToRgb(v)])) as Record<PinState, RGB>;
const OVERDUE_RING: RGB = STATE_RGB.overdue;

const CLOSED = new Set(['closed', 'rejected', 'duplicate']);

const selectedLast = onceEachBy((reports: readonly ReportFeature[], selectedId: string | null) => {
  const selected = selectedId ? reports.find((r) => r.id === selectedId) : undefined;
  return selected ? [...reports.filter((r) => r !== selected), selected] : (reports as ReportFeature[]);
});

/** One dot per report, coloured by category or state; open items are solid, finished ones faded, late ones ringed. */
export function pinsLayer(reports: readonly ReportFeature[], ui: PinsUi) {
  // The selected pin is drawn last, so no neighbour hides it.
  const data = selectedLast(reports, ui.selectedId ?? null);
  return new ScatterplotLayer<ReportFeature>({
    id: PINS_LAYER_ID,
    visible: ui.visible,
    data,
    pickable: true,
    autoHighlight: true,
    highlightColor: [255, 255, 0, 200],
    radiusUnits: 'pixels',
    getRadius: (d) => (d.id === ui.selectedId ? 9 : 5),
    radiusMinPixels: 3,
    stroked: true,
    lineWidthUnits: 'pixels',
    getLineWidth: (d) => (d.id === ui.selectedId ? 3 : ui.colorBy === 'category' && d.properties.overdue ? 2.5 : 1),
    getLineColor: (d) =>
      d.id === ui.selectedId
        ? [20, 20, 20, 255]
        : ui.colorBy === 'category' && d.properties.overdue
          ? [...OVERDUE_RING, 255]
          : [255, 255, 255, 230],
    getPosition: (d) => d.geometry.coordinates,
    getFillColor: (d) => {
      if (ui.colorBy === 'state') return [...STATE_RGB[pinState(d.properties.status, d.properties.overdue)], 235];
      const c = ui.colors[d.properties.category] ?? [120, 120, 120];
      return [c[0], c[1], c[2], CLOSED.has(d.properties.status) ? 110 : 235];
    },
    updateTriggers: {
      getFillColor: [ui.colors, ui.colorBy],
      getRadius: ui.selectedId,
      getLineWidth: [ui.selectedId, ui.colorBy],
      getLineColor: [ui.selectedId, ui.colorBy],
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

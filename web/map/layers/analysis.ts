import { GeoJsonLayer, ScatterplotLayer } from '@deck.gl/layers';
import { HexagonLayer } from '@deck.gl/aggregation-layers';
import { HEAT_RAMP, type RGB } from '../colors.ts';
import type { BinaryPoints } from './points.ts';
import type { CellFeature, HotspotCellProps } from './grid-cells.ts';

// The analysis layers, one pure factory each: hexagon bins, hot and cold spots, chronic spots, areas compared.

export const HEXAGON_LAYER_ID = 'analysis-hexagons';
export const HOTSPOT_LAYER_ID = 'analysis-hotspots';
export const CHRONIC_LAYER_ID = 'analysis-chronic';
export const AREAS_LAYER_ID = 'analysis-areas';

/** Opacity of the hot-spot cells, so streets and pins still show through. */
export const HOTSPOT_ALPHA = 140;
/** Cells significant only through their neighbours: faint. */
export const NEIGHBOUR_ONLY_ALPHA = 45;

/** Hot (+) and cold (−) spot colours by confidence bin, as ArcGIS draws them. */
export const BIN_COLORS: Record<number, RGB> = {
  3: [178, 24, 43],
  2: [239, 138, 98],
  1: [253, 219, 199],
  [-1]: [209, 229, 240],
  [-2]: [103, 169, 207],
  [-3]: [33, 102, 172],
};

/** Change from the previous week: falling green, steady grey, rising red. */
export const CHANGE_COLORS = { fall: [26, 152, 80] as RGB, steady: [220, 220, 210] as RGB, rise: [215, 48, 39] as RGB, none: [240, 240, 235] as RGB };

/** Rising or falling only when the server's exact test says so; otherwise steady (or nothing in either week). */
export function changeColor(current: number, previous: number, test: { rising?: boolean; falling?: boolean }): RGB {
  if (test.rising) return CHANGE_COLORS.rise;
  if (test.falling) return CHANGE_COLORS.fall;
  return current === 0 && previous === 0 ? CHANGE_COLORS.none : CHANGE_COLORS.steady;
}

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

export type HotspotCell = CellFeature<HotspotCellProps>;

/**
 * Significant cells in ArcGIS's colours. A cell hot only through its neighbours (no report in it) is drawn faint
 * with an outline, so the eye goes to where the reports are.
 */
export function hotspotLayer(cells: readonly HotspotCell[], ui: { visible: boolean }) {
  return new GeoJsonLayer({
    id: HOTSPOT_LAYER_ID,
    visible: ui.visible,
    data: { type: 'FeatureCollection', features: cells } as never,
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

export interface ChronicSpotView {
  centre: [number, number];
  count: number;
  radiusM: number;
  weeksActive: number;
  weeks: number;
  dominantCategory: string;
  nearest: { name: string } | null;
}

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
    getPosition: (d) => d.centre,
    updateTriggers: { getFillColor: ui.colors, getLineColor: ui.colors },
  });
}

export interface AreaTrendFeature {
  type: 'Feature';
  geometry: unknown;
  properties: { id: string; kind: string; nameZh: string; nameEn: string; weekly: number[]; current: number; previous: number; change: number | null; rising?: boolean; falling?: boolean };
}

export function areasLayer(areas: readonly AreaTrendFeature[], ui: { visible: boolean }) {
  // Villages first, zones on top of them: a zone's change shows over its village's.
  const ordered = [...areas].sort((a, b) => (a.properties.kind === 'cleaning_zone' ? 1 : 0) - (b.properties.kind === 'cleaning_zone' ? 1 : 0));
  return new GeoJsonLayer({
    id: AREAS_LAYER_ID,
    visible: ui.visible,
    data: { type: 'FeatureCollection', features: ordered } as never,
    pickable: true,
    stroked: true,
    filled: true,
    getLineColor: [90, 80, 60, 200],
    getLineWidth: 1,
    lineWidthUnits: 'pixels',
    getFillColor: (f: any) => [...changeColor(f.properties.current, f.properties.previous, f.properties), 110] as [number, number, number, number],
    updateTriggers: { getFillColor: areas },
  });
}

import { GeoJsonLayer } from '@deck.gl/layers';
import type { RGB } from '../colors.ts';

// Analysis answers name cells by number on the grid's frame rather than sending polygons (a few KB instead of
// a megabyte): these turn them back into squares for the map, and draw them.

export interface GridFrame {
  west: number;
  south: number;
  dLon: number;
  dLat: number;
  cols: number;
  rows: number;
}

/** Cell number k's square, counter-clockwise from its south-west corner. */
export function cellRing(frame: GridFrame, k: number): [number, number][] {
  const c = k % frame.cols;
  const r = Math.floor(k / frame.cols);
  const w = frame.west + c * frame.dLon;
  const s = frame.south + r * frame.dLat;
  const e = w + frame.dLon;
  const n = s + frame.dLat;
  return [[w, s], [e, s], [e, n], [w, n], [w, s]];
}

export interface CellFeature<P> {
  type: 'Feature';
  geometry: { type: 'Polygon'; coordinates: [number, number][][] };
  properties: P;
}

/** Columns of per-cell values (one array per property, aligned with `index`) as GeoJSON squares. */
export function cellFeatures<P>(frame: GridFrame, index: readonly number[], props: (k: number) => P): CellFeature<P>[] {
  return index.map((cell, k) => ({ type: 'Feature', geometry: { type: 'Polygon', coordinates: [cellRing(frame, cell)] }, properties: props(k) }));
}

export interface HotspotCellProps {
  count: number;
  z: number | null;
  bin: number;
  /** Significant only through its neighbours: the cell itself holds no report. */
  neighbourOnly: boolean;
  /** The spot (1…) the cell belongs to, or null. */
  spot: number | null;
}

export interface HotspotAnswerCells {
  grid: GridFrame;
  cells: { index: number[]; count: number[]; z: (number | null)[]; bin: number[] };
  spots: { id: number; cells: number[] }[];
}

export function hotspotCells(a: HotspotAnswerCells): CellFeature<HotspotCellProps>[] {
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

export const EMERGING_LAYER_ID = 'analysis-emerging';

/** Emerging categories' colours: reds for hot, blues for cold, darker the more it matters now. */
export const EMERGING_COLORS: Record<string, RGB> = {
  intensifying_hot: [103, 0, 13],
  persistent_hot: [203, 24, 29],
  consecutive_hot: [239, 59, 44],
  new_hot: [253, 141, 60],
  diminishing_hot: [252, 187, 161],
  sporadic_hot: [254, 217, 118],
  oscillating_hot: [188, 128, 189],
  historical_hot: [191, 165, 150],
  intensifying_cold: [8, 48, 107],
  persistent_cold: [33, 113, 181],
  consecutive_cold: [66, 146, 198],
  new_cold: [107, 174, 214],
  diminishing_cold: [198, 219, 239],
  sporadic_cold: [158, 202, 225],
  oscillating_cold: [150, 150, 220],
  historical_cold: [160, 170, 190],
};

export interface EmergingCellProps {
  category: string;
  reports: number;
  hotWeeks: number;
  coldWeeks: number;
  tau: number | null;
  trendP: number | null;
}

export interface EmergingAnswerCells {
  grid: GridFrame;
  cells: { index: number[]; category: string[]; reports: number[]; hotWeeks: number[]; coldWeeks: number[]; tau: (number | null)[]; trendP: (number | null)[] };
}

export function emergingCells(a: EmergingAnswerCells): CellFeature<EmergingCellProps>[] {
  return cellFeatures(a.grid, a.cells.index, (k) => ({
    category: a.cells.category[k]!,
    reports: a.cells.reports[k]!,
    hotWeeks: a.cells.hotWeeks[k]!,
    coldWeeks: a.cells.coldWeeks[k]!,
    tau: a.cells.tau[k] ?? null,
    trendP: a.cells.trendP[k] ?? null,
  }));
}

export function emergingLayer(cells: readonly CellFeature<EmergingCellProps>[], ui: { visible: boolean }) {
  return new GeoJsonLayer({
    id: EMERGING_LAYER_ID,
    visible: ui.visible,
    data: { type: 'FeatureCollection', features: cells } as never,
    stroked: false,
    filled: true,
    pickable: true,
    getFillColor: (f: { properties: EmergingCellProps }) => [...(EMERGING_COLORS[f.properties.category] ?? [200, 200, 200]), 170] as [number, number, number, number],
    updateTriggers: { getFillColor: cells },
  });
}

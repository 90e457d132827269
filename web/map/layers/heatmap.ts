import { HeatmapLayer } from '@deck.gl/aggregation-layers';
import { HEAT_RAMP } from '../colors.ts';
import type { BinaryPoints } from './points.ts';
import { onceEach } from './memo.ts';

export const HEATMAP_LAYER_ID = 'reports-heatmap';

export interface HeatmapUi {
  visible: boolean;
  radiusPixels: number;
  /** The map's zoom: points are summed into cells an eighth of the kernel wide at this zoom. */
  zoom: number;
}

/** Points summed into square cells: each cell once, at the mean of its points, weighted by their number. */
export interface BinnedPoints {
  /** cells */
  length: number;
  positions: Float32Array;
  weights: Float32Array;
  /** the points summed */
  points: number;
}

/** Degrees of longitude one screen pixel spans at a zoom (Web Mercator, 512-pixel world at zoom 0 as MapLibre draws). */
export function degreesPerPixel(zoom: number): number {
  return 360 / (512 * 2 ** zoom);
}

/**
 * Sums points into cells `cell` degrees wide. A kernel 40 pixels wide cannot tell points a few pixels apart, so a
 * heatmap of the cells looks the same as one of the points, while the renderer draws thousands of kernels instead of
 * a million (software WebGL on an office PC draws each kernel pixel by pixel).
 */
export function binPoints(points: BinaryPoints, cell: number): BinnedPoints {
  const index = new Map<number, number>();
  const sx: number[] = [];
  const sy: number[] = [];
  const n: number[] = [];
  const p = points.positions;
  for (let i = 0; i < points.length; i++) {
    const x = p[i * 2]!;
    const y = p[i * 2 + 1]!;
    // cells counted from 180° W and 90° S stay positive and below 2²⁶ each way down to a 5e-6° cell
    const key = Math.floor((x + 180) / cell) * 67_108_864 + Math.floor((y + 90) / cell);
    let k = index.get(key);
    if (k === undefined) {
      k = n.length;
      index.set(key, k);
      sx.push(0);
      sy.push(0);
      n.push(0);
    }
    sx[k]! += x;
    sy[k]! += y;
    n[k]! += 1;
  }
  const positions = new Float32Array(n.length * 2);
  const weights = new Float32Array(n.length);
  for (let k = 0; k < n.length; k++) {
    positions[k * 2] = sx[k]! / n[k]!;
    positions[k * 2 + 1] = sy[k]! / n[k]!;
    weights[k] = n[k]!;
  }
  return { length: n.length, positions, weights, points: points.length };
}

// Binned once per set of points and whole zoom level.
const binned = new WeakMap<Float32Array, Map<string, BinnedPoints>>();
function binnedAt(points: BinaryPoints, ui: HeatmapUi): BinnedPoints {
  const level = Math.max(0, Math.floor(ui.zoom));
  const cell = Math.max(5e-6, (degreesPerPixel(level) * ui.radiusPixels) / 8);
  let byCell = binned.get(points.positions);
  if (!byCell) binned.set(points.positions, (byCell = new Map()));
  const key = `${cell}`;
  let out = byCell.get(key);
  if (!out) byCell.set(key, (out = binPoints(points, cell)));
  return out;
}

/** The cells as deck.gl's binary data, one object per set of cells (a new one would aggregate the heat again). */
const heatData = onceEach((cells: BinnedPoints) => ({
  length: cells.length,
  points: cells.points,
  attributes: { getPosition: { value: cells.positions, size: 2 }, getWeight: { value: cells.weights, size: 1 } },
}));

const NOTHING: BinnedPoints = { length: 0, positions: new Float32Array(0), weights: new Float32Array(0), points: 0 };

/** Density of the filtered reports; a visual aid, not a statistic. Fed binary cells, no per-point objects. */
export function heatmapLayer(points: BinaryPoints, ui: HeatmapUi) {
  const cells = ui.visible && points.length > 0 ? binnedAt(points, ui) : NOTHING;
  return new HeatmapLayer({
    id: HEATMAP_LAYER_ID,
    visible: ui.visible && points.length > 0,
    data: heatData(cells),
    radiusPixels: ui.radiusPixels,
    intensity: 1.5,
    threshold: 0.04,
    colorRange: HEAT_RAMP,
    aggregation: 'SUM',
    opacity: 0.75,
    updateTriggers: { getPosition: cells.positions, getWeight: cells.weights },
  });
}

/** How many points the heat layer shows (not cells). */
export function heatmapPoints(layer: { props: { data: unknown } }): number {
  return (layer.props.data as { points?: number } | undefined)?.points ?? 0;
}

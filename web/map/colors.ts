// Colours of the map, shared by the style, the layers and the legend.

export type RGB = [number, number, number];

export function hexToRgb(hex: string): RGB {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return [128, 128, 128];
  return [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)];
}

/** One colour per cleaning zone, by its position in the zone list. */
export const ZONE_COLORS = ['#e6550d', '#3182bd', '#31a354', '#756bb1', '#dd3497', '#8c6d31'];

export const VILLAGE_FILL = '#f3efe3';
export const VILLAGE_LINE = '#8a7f63';
export const UNIT_FILL = '#9e9e9e';
export const TOWNSHIP_LINE = '#5b4636';
export const LAND = '#faf8f2';
export const WATER = '#b9d8ef';
export const WATER_LINE = '#6fa8d6';

/** Heatmap ramp, low to high (yellow to deep red). */
export const HEAT_RAMP: RGB[] = [
  [255, 255, 178],
  [254, 217, 118],
  [254, 178, 76],
  [253, 141, 60],
  [240, 59, 32],
  [189, 0, 38],
];

/** Pin colours when the map shows where each item stands in the loop. */
export const STATE_COLORS = {
  open: '#f28e2b',
  overdue: '#d62728',
  rectified: '#1f77b4',
  closed: '#2ca02c',
  other: '#9e9e9e',
} as const;
export type PinState = keyof typeof STATE_COLORS;

export function pinState(status: string, overdue: boolean): PinState {
  if (overdue) return 'overdue';
  if (status === 'reported' || status === 'notified') return 'open';
  if (status === 'rectified') return 'rectified';
  if (status === 'closed') return 'closed';
  return 'other';
}

import { describe, expect, it } from 'vitest';
import {
  areasLayer,
  AREAS_LAYER_ID,
  BIN_COLORS,
  CHANGE_COLORS,
  changeColor,
  chronicLayer,
  CHRONIC_LAYER_ID,
  hotspotLayer,
  HOTSPOT_ALPHA,
  HOTSPOT_LAYER_ID,
  NEIGHBOUR_ONLY_ALPHA,
  type AreaTrendFeature,
  type ChronicSpotView,
} from '../../web/map/layers/analysis.ts';
import { cellRing, emergingCells, emergingLayer, EMERGING_COLORS, hotspotCells, type GridFrame } from '../../web/map/layers/grid-cells.ts';

// The analysis layers are pure factories: given an API answer they return a deck.gl layer whose data and colour
// accessors are checked here as deck.gl would call them, without a browser.

const frame: GridFrame = { west: 105.9, south: 26.1, dLon: 0.001, dLat: 0.001, cols: 10, rows: 10 };
type Accessor<T> = (d: T, info?: unknown) => unknown;
const call = <T>(layer: { props: Record<string, unknown> }, name: string, d: T) => (layer.props[name] as Accessor<T>)(d, { index: 0, data: [], target: [] });

describe('the hot-spot layer', () => {
  const cells = hotspotCells({
    grid: frame,
    cells: { index: [0, 11, 57], count: [4, 0, 1], z: [3.1, 2.2, -2.0], bin: [3, 2, -2] },
    spots: [{ id: 1, cells: [0, 11] }],
  });

  it('turns cell numbers back into squares on the grid, with their spot', () => {
    expect(cells).toHaveLength(3);
    expect(cells[0]!.geometry.coordinates[0]).toEqual(cellRing(frame, 0));
    // cell 57: column 7, row 5
    const [sw] = cells[2]!.geometry.coordinates[0]!;
    expect(sw![0]).toBeCloseTo(105.907, 9);
    expect(sw![1]).toBeCloseTo(26.105, 9);
    expect(cells.map((c) => c.properties.spot)).toEqual([1, 1, null]);
    expect(cells.map((c) => c.properties.neighbourOnly)).toEqual([false, true, false]);
  });

  it('colours by confidence bin as ArcGIS does, a neighbour-only cell faint and outlined', () => {
    const layer = hotspotLayer(cells, { visible: true }) as unknown as { id: string; props: Record<string, any> };
    expect(layer.id).toBe(HOTSPOT_LAYER_ID);
    expect(layer.props.data.features).toHaveLength(3);
    expect(call(layer, 'getFillColor', cells[0]!)).toEqual([...BIN_COLORS[3]!, HOTSPOT_ALPHA]);
    expect(call(layer, 'getFillColor', cells[1]!)).toEqual([...BIN_COLORS[2]!, NEIGHBOUR_ONLY_ALPHA]);
    expect(call(layer, 'getFillColor', cells[2]!)).toEqual([...BIN_COLORS[-2]!, HOTSPOT_ALPHA]);
    expect(call(layer, 'getLineWidth', cells[1]!)).toBeGreaterThan(0);
    expect(call(layer, 'getLineWidth', cells[0]!)).toBe(0);
    expect(hotspotLayer(cells, { visible: false }).props.visible).toBe(false);
  });
});

describe('the chronic-spot layer', () => {
  const spots: ChronicSpotView[] = [
    { centre: [105.93, 26.14], count: 30, radiusM: 10, weeksActive: 12, weeks: 12, dominantCategory: 'exposed_garbage', nearest: { name: '农贸市场' } },
    { centre: [105.94, 26.15], count: 9, radiusM: 60, weeksActive: 3, weeks: 12, dominantCategory: 'unknown', nearest: null },
  ];
  const layer = chronicLayer(spots, { visible: true, colors: { exposed_garbage: [200, 0, 0] } }) as unknown as { id: string; props: Record<string, any> };

  it('draws each spot at its centre, at least 25 m across', () => {
    expect(layer.id).toBe(CHRONIC_LAYER_ID);
    expect(layer.props.data).toHaveLength(2);
    expect(call(layer, 'getPosition', spots[1]!)).toEqual([105.94, 26.15]);
    expect(call(layer, 'getRadius', spots[0]!)).toBe(25);
    expect(call(layer, 'getRadius', spots[1]!)).toBe(60);
  });

  it('in its main category’s colour, fuller the more weeks it was active', () => {
    expect(call(layer, 'getLineColor', spots[0]!)).toEqual([200, 0, 0, 255]);
    // every week: 40 + 140; a quarter of the weeks: 40 + 35
    expect(call(layer, 'getFillColor', spots[0]!)).toEqual([200, 0, 0, 180]);
    expect(call(layer, 'getFillColor', spots[1]!)).toEqual([90, 90, 90, 75]);
  });
});

describe('the areas-compared layer', () => {
  const area = (id: string, kind: string, current: number, previous: number, test: { rising?: boolean; falling?: boolean } = {}): AreaTrendFeature => ({
    type: 'Feature',
    geometry: { type: 'Polygon', coordinates: [cellRing(frame, 0)] },
    properties: { id, kind, nameZh: id, nameEn: id, weekly: [], current, previous, change: current - previous, ...test },
  });

  it('says rising or falling only when the exact test does, and draws zones over villages', () => {
    expect(changeColor(5, 2, {})).toEqual(CHANGE_COLORS.steady);
    expect(changeColor(5, 2, { rising: true })).toEqual(CHANGE_COLORS.rise);
    expect(changeColor(1, 6, { falling: true })).toEqual(CHANGE_COLORS.fall);
    expect(changeColor(0, 0, {})).toEqual(CHANGE_COLORS.none);
    const areas = [area('zone-1', 'cleaning_zone', 9, 2, { rising: true }), area('v-1', 'village', 1, 1)];
    const layer = areasLayer(areas, { visible: true }) as unknown as { id: string; props: Record<string, any> };
    expect(layer.id).toBe(AREAS_LAYER_ID);
    expect(layer.props.data.features.map((f: AreaTrendFeature) => f.properties.id)).toEqual(['v-1', 'zone-1']);
    expect(call(layer, 'getFillColor', areas[0]!)).toEqual([...CHANGE_COLORS.rise, 110]);
    expect(call(layer, 'getFillColor', areas[1]!)).toEqual([...CHANGE_COLORS.steady, 110]);
  });
});

describe('the emerging hot-spot layer', () => {
  it('draws each category in its colour on the grid', () => {
    const cells = emergingCells({
      grid: frame,
      cells: { index: [3, 4], category: ['intensifying_hot', 'new_cold'], reports: [12, 0], hotWeeks: [10, 0], coldWeeks: [0, 1], tau: [0.5, null], trendP: [0.01, null] },
    });
    expect(cells.map((c) => c.properties)).toEqual([
      { category: 'intensifying_hot', reports: 12, hotWeeks: 10, coldWeeks: 0, tau: 0.5, trendP: 0.01 },
      { category: 'new_cold', reports: 0, hotWeeks: 0, coldWeeks: 1, tau: null, trendP: null },
    ]);
    const layer = emergingLayer(cells, { visible: true }) as unknown as { props: Record<string, any> };
    expect(call(layer, 'getFillColor', cells[0]!)).toEqual([...EMERGING_COLORS.intensifying_hot!, 170]);
    expect(call(layer, 'getFillColor', cells[1]!)).toEqual([...EMERGING_COLORS.new_cold!, 170]);
  });
});

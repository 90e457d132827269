import { describe, expect, it } from 'vitest';
import { areasLayer, AREAS_LAYER_ID, CHANGE_COLORS, changeColor, type AreaTrendFeature } from '../../web/map/layers/analysis/areas.tsx';
import { chronicLayer, CHRONIC_LAYER_ID, type ChronicSpotView } from '../../web/map/layers/analysis/chronic.tsx';
import { BIN_COLORS, hotspotCells, hotspotLayer, HOTSPOT_ALPHA, HOTSPOT_LAYER_ID, NEIGHBOUR_ONLY_ALPHA } from '../../web/map/layers/analysis/hotspots.tsx';
import { emergingCells, emergingLayer, EMERGING_COLORS } from '../../web/map/layers/analysis/emerging.tsx';
import { cellRing, type GridFrame } from '../../web/map/layers/grid-cells.ts';
import { heatmapLayer } from '../../web/map/layers/heatmap.ts';
import { labelsLayer } from '../../web/map/layers/labels.ts';
import { ANALYSIS_LAYERS, analysisLayer, analysisLayerOf } from '../../web/map/layers/analysis/index.ts';
import { zhCN } from '../../web/i18n/zh-CN.ts';
import { en } from '../../web/i18n/en.ts';
import type { I18n } from '../../web/i18n/index.tsx';
import { createElement, Fragment } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';

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
    { zone: null, village: null, categories: { exposed_garbage: 30 }, centre: [105.93, 26.14], count: 30, radiusM: 10, weeksActive: 12, weeks: 12, dominantCategory: 'exposed_garbage', nearest: { name: '农贸市场', kind: 'landmark', distanceM: 12 } },
    { zone: null, village: null, categories: { unknown: 9 }, centre: [105.94, 26.15], count: 9, radiusM: 60, weeksActive: 3, weeks: 12, dominantCategory: 'unknown', nearest: null },
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
  const area = (id: string, kind: AreaTrendFeature['properties']['kind'], current: number, previous: number, test: { rising?: boolean; falling?: boolean } = {}): AreaTrendFeature => ({
    type: 'Feature',
    geometry: { type: 'Polygon', coordinates: [cellRing(frame, 0)] },
    properties: { id, kind, nameZh: id, nameEn: id, weekly: [], current, previous, change: current - previous, changeP: 1, rising: false, falling: false, ...test },
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

describe('the registry of analysis layers', () => {
  const i18n = (lang: 'zh-CN' | 'en'): I18n => {
    const dict = lang === 'en' ? en : zhCN;
    return {
      lang,
      setLang: () => {},
      t: (key, vars) => Object.entries(vars ?? {}).reduce((s, [k, v]) => s.replaceAll(`{${k}}`, String(v)), dict[key]),
      name: (r) => (r ? (lang === 'en' ? r.nameEn : r.nameZh) : ''),
      formatTime: (iso) => iso ?? '—',
      said: (m) => String(m),
    };
  };
  const ui = { visible: true, points: { length: 0, positions: new Float32Array(0) }, zoom: 13, colors: {} };

  it('holds each layer once, named in both languages, its factory drawing under its own id', () => {
    expect(ANALYSIS_LAYERS.map((l) => l.key)).toEqual(['heatmap', 'hexagons', 'hotspots', 'emerging', 'chronic', 'areas']);
    expect(new Set(ANALYSIS_LAYERS.map((l) => l.layerId)).size).toBe(ANALYSIS_LAYERS.length);
    for (const def of ANALYSIS_LAYERS) {
      expect(zhCN[def.label], def.key).toMatch(/\p{Script=Han}/u);
      expect(en[def.label], def.key).toMatch(/^[\x20-\x7e]+$/);
      const layer = def.layer(null, ui);
      expect(layer.id).toBe(def.layerId);
      expect(def.layer(null, { ...ui, visible: false }).props.visible).toBe(false);
      expect(analysisLayerOf(def.layerId)).toBe(def);
    }
    expect(analysisLayer('none')).toBeUndefined();
  });

  it('each layer with an answer of its own loads it; the heat and hexagons draw from the points', () => {
    expect(ANALYSIS_LAYERS.filter((l) => !l.load).map((l) => l.key)).toEqual(['heatmap', 'hexagons']);
  });

  it('says in words what a picked cell is, in the language shown', () => {
    const def = analysisLayer('hotspots')!;
    const answer = { spots: [{ id: 1, near: { name: '农贸市场' }, village: '平寨村', reports: 44 }] };
    const cell = { properties: { count: 7, z: 3.14159, neighbourOnly: false, spot: 1 } };
    expect(def.tooltip!(cell, { answer, cells: [] }, i18n('zh-CN'))).toBe('问题数 7 · z=3.14 · 农贸市场热点区共44条');
    expect(def.tooltip!({ properties: { count: 0, z: 2, neighbourOnly: true, spot: 1 } }, null, i18n('en'))).toContain('only through its neighbours');
    expect(analysisLayer('areas')!.tooltip!({ properties: { nameZh: '平寨村', nameEn: 'Pingzhai', current: 9, previous: 2 } }, null, i18n('en'))).toContain('Pingzhai');
  });

  it('its legend names the spots of the answer, and only hot bins where cold spots cannot appear', () => {
    const def = analysisLayer('hotspots')!;
    const answer = {
      legend: { coldPossible: false, lowestReachableZ: -0.42 },
      cellSize_m: 100,
      distanceBand_m: 300,
      studyArea: { rule: 'within the township', ruleZh: '镇域内', outsideReports: 3 },
      spots: [{ id: 1, near: { name: '农贸市场' }, landmarks: ['中心小学'], village: '平寨村', zone: null, reports: 44, responsible: [{ person: '王保洁' }] }],
    };
    const html = renderToStaticMarkup(createElement(Fragment, null, def.legend!({ data: { answer, cells: [] }, i18n: i18n('zh-CN') })));
    expect(html).toContain('农贸市场、中心小学');
    expect(html).toContain('王保洁');
    expect(html).toContain('镇域内');
    expect(html).toContain('data-testid="cold-impossible"');
    expect(html).not.toContain(zhCN.coldLegend);
    // before the answer: the colours only
    const bare = renderToStaticMarkup(createElement(Fragment, null, def.legend!({ data: null, i18n: i18n('zh-CN') })));
    expect(bare).toContain(zhCN.coldLegend);
    expect(bare).not.toContain('hotspot-spots');
  });
});

describe('layers made again on every render', () => {
  it('hand deck.gl the same data while their input is the same, so it is not processed again', () => {
    const points = { length: 3, positions: new Float32Array([105.93, 26.14, 105.931, 26.141, 105.94, 26.15]) };
    const heat = (zoom: number) => heatmapLayer(points, { visible: true, radiusPixels: 40, zoom }).props.data;
    expect(heat(13.2)).toBe(heat(13.7));
    expect(heat(13.2)).not.toBe(heat(15.1)); // another zoom level: binned anew
    const cells = hotspotCells({ grid: frame, cells: { index: [0], count: [4], z: [3.1], bin: [3] }, spots: [] });
    expect(hotspotLayer(cells, { visible: true }).props.data).toBe(hotspotLayer(cells, { visible: false }).props.data);
    const labels = [{ text: '平寨村', position: [105.93, 26.14] as [number, number], rank: 1, kind: 'village' }] as never;
    const a = labelsLayer(labels, { visible: true, zoom: 13.1, fontFamily: 'sans-serif' }).props;
    const b = labelsLayer(labels, { visible: true, zoom: 13.2, fontFamily: 'sans-serif' }).props;
    expect(b.data).toBe(a.data);
    expect(b.characterSet).toBe(a.characterSet);
  });
});

import { describe, expect, it } from 'vitest';
import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec';
import { buildBasemapStyle, AREA_FILL_LAYER, ZONE_FILL_LAYER } from '../../web/map/basemap.ts';
import { buildPlaceLabels, placeLabels, labelsLayer, interiorPoints, type PlaceLabel } from '../../web/map/layers/labels.ts';
import { binPoints, degreesPerPixel, heatmapLayer, heatmapPoints, HEATMAP_LAYER_ID } from '../../web/map/layers/heatmap.ts';
import { pinsLayer, PINS_LAYER_ID } from '../../web/map/layers/pins.ts';
import { hexagonLayer } from '../../web/map/layers/analysis/hexagons.tsx';
import { decodePoints, encodePoints, gridFor } from '../../server/domain/points.ts';
import { hexToRgb } from '../../web/map/colors.ts';
import { containsPoint } from '../../server/domain/geo.ts';
import { readDemoTown } from '../../server/demo/town.ts';
import type { AreasResponse, Basemap, ReportFeature, Township } from '../../web/api.ts';

// Layer configuration is plain data: checked here without a browser.

const town = readDemoTown();
const areas = {
  type: 'FeatureCollection',
  features: town.areas.map((a) => ({
    type: 'Feature',
    id: a.code,
    geometry: a.geometry,
    properties: { id: a.code, kind: a.kind, code: a.code, nameZh: a.nameZh, nameEn: a.nameEn, responsibleName: null, responsiblePhone: null },
  })),
} as unknown as AreasResponse;
const basemap = {
  type: 'FeatureCollection',
  features: town.features.map((f, i) => ({
    type: 'Feature',
    id: i,
    geometry: f.geometry,
    properties: { layer: f.layer, kind: f.kind, nameZh: f.nameZh, nameEn: f.nameEn },
  })),
} as unknown as Basemap;
const township = { nameEn: 'Naju', boundary: town.boundary } as unknown as Township;

const report = (id: string, category: string, lon: number, lat: number, status = 'reported'): ReportFeature =>
  ({
    type: 'Feature',
    id,
    geometry: { type: 'Point', coordinates: [lon, lat] },
    properties: { id, category, status, overdue: false, zoneId: null, villageId: null, description: null, observedAt: '', deadlineAt: null },
  }) as ReportFeature;

describe('the offline basemap style', () => {
  it('draws only from the township data: no tiles, no glyph server', () => {
    const style = buildBasemapStyle({ township, areas, basemap, showAreas: true });
    expect(style.glyphs).toBeUndefined();
    expect(Object.values(style.sources).every((s) => s.type === 'geojson')).toBe(true);
    expect(style.layers.some((l) => l.type === 'symbol')).toBe(false);
    expect(style.layers.map((l) => l.id)).toEqual(expect.arrayContaining([AREA_FILL_LAYER, ZONE_FILL_LAYER, 'roads', 'township-line']));
  });

  it('is a valid MapLibre style for the demo town and for a new township with no zones, roads or water yet', () => {
    expect(validateStyleMin(buildBasemapStyle({ township, areas, basemap, showAreas: true }))).toEqual([]);
    const bare = buildBasemapStyle({ township, areas: { type: 'FeatureCollection', features: [] } as unknown as AreasResponse, basemap: { ...basemap, features: [] }, showAreas: true });
    expect(validateStyleMin(bare)).toEqual([]);
  });

  it('hides zones and villages when their layer is switched off', () => {
    const style = buildBasemapStyle({ township, areas, basemap, showAreas: false });
    const zone = style.layers.find((l) => l.id === ZONE_FILL_LAYER)!;
    expect(zone.layout).toMatchObject({ visibility: 'none' });
    expect(style.layers.find((l) => l.id === 'roads')!.layout?.visibility).toBeUndefined();
  });
});

describe('place labels', () => {
  const labels = buildPlaceLabels(areas, basemap, 'zh-CN');

  it('labels every village, zone and named landmark, in the chosen language', () => {
    const texts = labels.map((l) => l.text);
    expect(texts).toEqual(expect.arrayContaining(['安章社区', '半边街村', '第三保洁区', '镇政府', '农贸市场']));
    expect(buildPlaceLabels(areas, basemap, 'en').map((l) => l.text)).toContain('Farmers market');
  });

  it('puts a zone label inside its zone, though a corridor of streets has no centre of its own', () => {
    for (const a of town.areas.filter((x) => x.kind === 'cleaning_zone')) {
      const label = labels.find((l) => l.text === a.nameZh)!;
      expect(containsPoint(a.geometry, ...label.position)).toBe(true);
      for (const p of interiorPoints(a.geometry, 8)) expect(containsPoint(a.geometry, ...p)).toBe(true);
    }
  });

  it('never draws two labels over each other, and keeps the higher priority one', () => {
    const a: PlaceLabel = { text: '镇政府', position: [105.9352, 26.1448], kind: 'landmark', priority: 85, minZoom: 0 };
    const b: PlaceLabel = { text: '第二保洁区', position: [105.93521, 26.14481], kind: 'zone', priority: 80, minZoom: 0 };
    expect(placeLabels([b, a], 15).map((l) => l.text)).toEqual(['镇政府']);
    // a lower-priority label with a free alternative moves there instead of vanishing
    const moved = placeLabels([a, { ...b, alternatives: [[105.95, 26.16]] }], 15);
    expect(moved.map((l) => [l.text, l.position])).toEqual([
      ['镇政府', [105.9352, 26.1448]],
      ['第二保洁区', [105.95, 26.16]],
    ]);
    // far apart at a closer zoom, both fit
    expect(placeLabels([a, b], 22)).toHaveLength(2);
  });

  it('shows only village names at township zoom and more as you zoom in, without overlaps', () => {
    const far = placeLabels(labels, 11.5);
    expect(new Set(far.map((l) => l.kind))).toEqual(new Set(['village']));
    const near = placeLabels(labels, 15);
    expect(near.length).toBeGreaterThan(far.length + 8);
    const layer = labelsLayer(labels, { visible: true, zoom: 15, fontFamily: 'sans-serif' });
    expect((layer.props.data as PlaceLabel[]).length).toBe(near.length);
  });
});

describe('report layers', () => {
  const reports = [
    report('a', 'exposed_garbage', 105.93, 26.14),
    report('b', 'illegal_ad', 105.94, 26.15, 'closed'),
  ];

  it('feeds the heatmap the decoded binary points without building objects', () => {
    const grid = gridFor([105.9, 26.1, 106.0, 26.2]);
    const d = decodePoints(encodePoints(grid, ['exposed_garbage'], 2, (i) => [105.93, 105.94][i]!, (i) => [26.14, 26.15][i]!, () => 0));
    const pts = { length: d.count, positions: d.positions };
    const layer = heatmapLayer(pts, { visible: true, radiusPixels: 30, zoom: 16 });
    expect(layer.id).toBe(HEATMAP_LAYER_ID);
    // two points ~1 km apart stay two cells at street zoom, each of weight 1
    expect([...(layer.props.data as any).attributes.getPosition.value]).toEqual([...pts.positions]);
    expect([...(layer.props.data as any).attributes.getWeight.value]).toEqual([1, 1]);
    expect((layer.props.data as any).length).toBe(2);
    expect(heatmapPoints(layer)).toBe(2);
    // and become one cell of weight 2 when the whole county is on screen
    const far = heatmapLayer(pts, { visible: true, radiusPixels: 30, zoom: 5 });
    expect([...(far.props.data as any).attributes.getWeight.value]).toEqual([2]);
    expect(heatmapPoints(far)).toBe(2);
    expect(heatmapLayer({ length: 0, positions: new Float32Array(0) }, { visible: true, radiusPixels: 30, zoom: 12 }).props.visible).toBe(false);
  });

  it('colours pins by category and fades finished items', () => {
    const colors = { exposed_garbage: hexToRgb('#d7301f'), illegal_ad: hexToRgb('#8c2d9e') };
    const layer = pinsLayer(reports, { visible: true, colors, selectedId: null, colorBy: 'category' });
    expect(layer.id).toBe(PINS_LAYER_ID);
    const fill = layer.props.getFillColor as unknown as (d: ReportFeature) => number[];
    expect(fill(reports[0]!)).toEqual([215, 48, 31, 235]);
    expect(fill(reports[1]!)).toEqual([140, 45, 158, 110]);
    const byState = pinsLayer(reports, { visible: true, colors, selectedId: null, colorBy: 'state' });
    const stateFill = byState.props.getFillColor as unknown as (d: ReportFeature) => number[];
    expect(stateFill(reports[0]!)).toEqual([242, 142, 43, 235]); // open
    expect(stateFill(reports[1]!)).toEqual([44, 160, 44, 235]); // closed
    expect(stateFill({ ...reports[0]!, properties: { ...reports[0]!.properties, overdue: true } })).toEqual([214, 39, 40, 235]);
  });

  it('draws the selected pin last, so no neighbour hides it', () => {
    const colors = {};
    const layer = pinsLayer(reports, { visible: true, colors, selectedId: 'a', colorBy: 'state' });
    expect((layer.props.data as ReportFeature[]).map((r) => r.id)).toEqual(['b', 'a']);
  });
});

describe('the hexagon layer', () => {
  const points = { length: 3, positions: new Float32Array([105.93, 26.14, 105.94, 26.15, 105.95, 26.16]) };
  it('holds no points while hidden, so a million reports are not aggregated unseen', () => {
    expect(hexagonLayer(points, { visible: false, radiusM: 120 }).props.data).toHaveLength(0);
  });
  it('holds every point while shown, made once per set of points', () => {
    const a = hexagonLayer(points, { visible: true, radiusM: 120 });
    const b = hexagonLayer(points, { visible: true, radiusM: 200 });
    expect(a.props.data).toEqual([0, 1, 2].map((i) => [points.positions[2 * i], points.positions[2 * i + 1]]));
    expect(b.props.data).toBe(a.props.data);
  });
  it('colours hexagons by the logarithm of their counts, so one crowded market does not pale the rest', () => {
    const layer = hexagonLayer(points, { visible: true, radiusM: 120 });
    const value = layer.props.getColorValue as (objects: unknown[]) => number;
    expect(layer.props.colorScaleType).toBe('quantize');
    expect(layer.props.colorRange).toHaveLength(6);
    // quantised into six equal steps between a single report and a market's 3 000: a street with 20 is in the
    // third colour, where a linear scale would put it in the first
    const cls = (n: number) => Math.min(5, Math.floor((6 * (value(new Array(n)) - value([0]))) / (value(new Array(3000)) - value([0]))));
    expect([1, 3, 20, 3000].map(cls)).toEqual([0, 0, 2, 5]);
    // and the same function every time, so the layer is not aggregated again on each render
    expect(hexagonLayer(points, { visible: true, radiusM: 200 }).props.getColorValue).toBe(value);
  });
});

describe('binning points for the heatmap', () => {
  it('sums points into cells at their mean, losing none', () => {
    const positions = new Float32Array([105.9301, 26.1401, 105.9303, 26.1403, 105.9501, 26.1601, 105.9302, 26.1402]);
    const b = binPoints({ length: 4, positions }, 0.001);
    expect(b.length).toBe(2);
    expect(b.points).toBe(4);
    expect([...b.weights]).toEqual([3, 1]);
    expect(b.positions[0]).toBeCloseTo(105.9302, 5);
    expect(b.positions[1]).toBeCloseTo(26.1402, 5);
    expect([...b.weights].reduce((s, w) => s + w, 0)).toBe(4);
  });
  it('uses cells of an eighth of the kernel at the zoom shown', () => {
    expect(degreesPerPixel(0)).toBeCloseTo(360 / 512, 12);
    expect(degreesPerPixel(13) * 2 ** 13).toBeCloseTo(360 / 512, 12);
  });
});

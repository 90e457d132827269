import type { StyleSpecification, ExpressionSpecification } from 'maplibre-gl';
import type { AreasResponse, Basemap, Township } from '../api.ts';
import { LAND, TOWNSHIP_LINE, UNIT_FILL, VILLAGE_FILL, VILLAGE_LINE, WATER, WATER_LINE, ZONE_COLORS } from './colors.ts';

/**
 * The offline basemap: a MapLibre style built only from the township's own data (boundary,
 * areas, roads, landmarks), so the map draws with no internet. It has no symbol layers and so
 * needs no glyph server; place names are drawn by the deck.gl label layer from the browser's fonts.
 */
export interface BasemapInput {
  township: Township;
  areas: AreasResponse;
  basemap: Basemap;
  showAreas: boolean;
}

export const AREA_FILL_LAYER = 'areas-fill';
export const ZONE_FILL_LAYER = 'zones-fill';

export function zoneColorExpression(zoneCodes: string[]): ExpressionSpecification | string {
  // A township may have no cleaning zones yet (a new one, before its zones are imported): a match needs one arm.
  if (!zoneCodes.length) return '#888888';
  const pairs = zoneCodes.flatMap((code, i) => [code, ZONE_COLORS[i % ZONE_COLORS.length]!]);
  return ['match', ['get', 'code'], ...pairs, '#888888'] as unknown as ExpressionSpecification;
}

export function buildBasemapStyle(input: BasemapInput): StyleSpecification {
  const zoneCodes = input.areas.features
    .filter((f) => f.properties.kind === 'cleaning_zone')
    .map((f) => f.properties.code)
    .sort();
  const visibility = input.showAreas ? 'visible' : 'none';
  const isKind = (...kinds: string[]): ExpressionSpecification => ['in', ['get', 'kind'], ['literal', kinds]];
  const roadKind = (...kinds: string[]): ExpressionSpecification => ['in', ['get', 'kind'], ['literal', kinds]];
  const tiles = input.basemap.tiles;
  // With online or local tiles underneath, their roads and land show through: ours are not drawn over them.
  const ownRoads = tiles ? { visibility: 'none' as const } : {};
  const tileSources: StyleSpecification['sources'] = {};
  const tileLayers: StyleSpecification['layers'] = [];
  if (tiles?.kind === 'raster') {
    tiles.layers.forEach((l, i) => {
      tileSources[`tiles-${i}`] = { type: 'raster', tiles: l.tiles, tileSize: l.tileSize, maxzoom: l.maxzoom, attribution: tiles.attribution };
      tileLayers.push({ id: `tiles-${i}`, type: 'raster', source: `tiles-${i}` });
    });
  } else if (tiles?.kind === 'pmtiles') {
    tileSources['tiles-0'] = { type: 'raster', url: `pmtiles://${window.location.origin}${tiles.url}`, tileSize: 256, attribution: tiles.attribution };
    tileLayers.push({ id: 'tiles-0', type: 'raster', source: 'tiles-0' });
  }
  return {
    version: 8,
    name: `${input.township.nameEn} offline basemap`,
    sources: {
      township: {
        type: 'geojson',
        data: { type: 'Feature', properties: {}, geometry: input.township.boundary as GeoJSON.Geometry },
      },
      areas: { type: 'geojson', data: input.areas as unknown as GeoJSON.FeatureCollection },
      basemap: { type: 'geojson', data: input.basemap as unknown as GeoJSON.FeatureCollection },
      ...tileSources,
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#e4e9e2' } },
      ...tileLayers,
      { id: 'township-land', type: 'fill', source: 'township', layout: { ...ownRoads }, paint: { 'fill-color': LAND } },
      {
        id: AREA_FILL_LAYER,
        type: 'fill',
        source: 'areas',
        filter: isKind('village', 'community'),
        layout: { visibility },
        paint: { 'fill-color': VILLAGE_FILL, 'fill-opacity': 0.6 },
      },
      {
        id: 'villages-line',
        type: 'line',
        source: 'areas',
        filter: isKind('village', 'community'),
        layout: { visibility, 'line-join': 'round' },
        paint: { 'line-color': VILLAGE_LINE, 'line-width': 1.4, 'line-dasharray': [3, 2] },
      },
      {
        id: ZONE_FILL_LAYER,
        type: 'fill',
        source: 'areas',
        filter: isKind('cleaning_zone'),
        layout: { visibility },
        paint: { 'fill-color': zoneColorExpression(zoneCodes), 'fill-opacity': 0.32 },
      },
      {
        id: 'water-fill',
        type: 'fill',
        source: 'basemap',
        filter: ['all', ['==', ['geometry-type'], 'Polygon'], ['==', ['get', 'layer'], 'water']],
        layout: { ...ownRoads },
        paint: { 'fill-color': WATER },
      },
      {
        id: 'water-line',
        type: 'line',
        source: 'basemap',
        filter: ['all', ['==', ['geometry-type'], 'LineString'], ['==', ['get', 'layer'], 'water']],
        layout: { 'line-join': 'round', 'line-cap': 'round', ...ownRoads },
        paint: { 'line-color': WATER_LINE, 'line-width': ['interpolate', ['linear'], ['zoom'], 11, 0.8, 14, 2, 17, 5] },
      },
      {
        id: 'roads-casing',
        type: 'line',
        source: 'basemap',
        filter: ['all', ['==', ['geometry-type'], 'LineString'], ['==', ['get', 'layer'], 'road']],
        layout: { 'line-join': 'round', 'line-cap': 'round', ...ownRoads },
        paint: {
          'line-color': '#a39579',
          'line-width': ['interpolate', ['linear'], ['zoom'], 11, 1.6, 14, 5.5, 17, 15],
        },
      },
      {
        id: 'roads',
        type: 'line',
        source: 'basemap',
        filter: ['all', ['==', ['geometry-type'], 'LineString'], ['==', ['get', 'layer'], 'road']],
        layout: { 'line-join': 'round', 'line-cap': 'round', ...ownRoads },
        paint: {
          'line-color': ['case', roadKind('county'), '#f7c873', roadKind('main'), '#fde9b0', '#ffffff'],
          'line-width': ['interpolate', ['linear'], ['zoom'], 11, 0.8, 14, 3.5, 17, 11],
        },
      },
      {
        id: 'zones-line',
        type: 'line',
        source: 'areas',
        filter: isKind('cleaning_zone'),
        layout: { visibility },
        paint: { 'line-color': zoneColorExpression(zoneCodes), 'line-width': 1.6 },
      },
      {
        id: 'units-fill',
        type: 'fill',
        source: 'areas',
        filter: isKind('unit'),
        layout: { visibility },
        minzoom: 13.5,
        paint: { 'fill-color': UNIT_FILL, 'fill-opacity': 0.35, 'fill-outline-color': '#616161' },
      },
      {
        id: 'township-line',
        type: 'line',
        source: 'township',
        paint: { 'line-color': TOWNSHIP_LINE, 'line-width': 2.5 },
      },
      {
        id: 'landmarks',
        type: 'circle',
        source: 'basemap',
        filter: ['==', ['geometry-type'], 'Point'],
        minzoom: 12.5,
        paint: {
          'circle-radius': 3.5,
          'circle-color': '#5b4636',
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 1.5,
        },
      },
    ],
  };
}

import { createRequire } from 'node:module';
import * as turf from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import type { AreaGeometry, Position } from '../domain/geo.ts';

// A township's own roads, water and landmarks from an OpenStreetMap extract (.osm.pbf or .osm XML, as osmium cuts
// them from a provincial extract) or from GeoJSON (OSM tags, or our own layer/kind/name properties). Parsing is
// osm-read's; what is kept, and under which of the offline basemap's kinds, is decided here.

const require = createRequire(import.meta.url);
const osmRead = require('osm-read') as {
  parse(opts: {
    filePath: string;
    format?: 'xml' | 'pbf';
    node?: (n: { id: string; lat: number; lon: number; tags: Record<string, string> }) => void;
    way?: (w: { id: string; nodeRefs: string[]; tags: Record<string, string> }) => void;
    endDocument: () => void;
    error: (e: unknown) => void;
  }): void;
};

export type BasemapLayer = 'road' | 'water' | 'landmark';

export interface BasemapFeature {
  layer: BasemapLayer;
  /** Road: county, main, street, village, lane; water: river, stream, canal, ditch, water; landmark: government, police, … */
  kind: string;
  nameZh: string | null;
  nameEn: string | null;
  geometry: { type: 'LineString'; coordinates: Position[] } | { type: 'Point'; coordinates: Position } | { type: 'Polygon'; coordinates: Position[][] };
}

/** How far beyond the township's boundary features are kept, so roads do not stop dead at the line. */
export const BASEMAP_MARGIN_M = 300;

const ROAD_KINDS: Record<string, string> = {
  motorway: 'county', trunk: 'county', primary: 'county', motorway_link: 'county', trunk_link: 'county', primary_link: 'county',
  secondary: 'main', tertiary: 'main', secondary_link: 'main', tertiary_link: 'main',
  residential: 'street', living_street: 'street', pedestrian: 'street',
  unclassified: 'village', track: 'village',
  service: 'lane', footway: 'lane', path: 'lane', steps: 'lane', cycleway: 'lane',
};
const WATER_LINES: Record<string, string> = { river: 'river', stream: 'stream', canal: 'canal', ditch: 'ditch', drain: 'ditch' };

/** The landmark kind of a set of OSM tags, or null: the places people describe a spot by. */
function landmarkKind(tags: Record<string, string>): string | null {
  const a = tags.amenity;
  if (a === 'townhall' || tags.office === 'government') return 'government';
  if (a === 'police') return 'police';
  if (a === 'school' || a === 'kindergarten' || a === 'college' || a === 'university') return 'school';
  if (a === 'hospital' || a === 'clinic' || a === 'doctors' || a === 'pharmacy') return 'health';
  if (a === 'marketplace') return 'market';
  if (a === 'bus_station' || tags.highway === 'bus_stop' || tags.public_transport === 'station' || tags.railway === 'station') return 'transport';
  if (a === 'toilets') return 'toilet';
  if (tags.shop === 'supermarket' || tags.shop === 'convenience' || tags.shop === 'mall') return 'supermarket';
  if (a === 'place_of_worship' || tags.building === 'temple' || tags.historic === 'temple') return 'temple';
  if (a === 'bank' || a === 'post_office' || a === 'community_centre' || a === 'library') return 'service';
  if (tags.leisure === 'park' || tags.leisure === 'square' || tags.place === 'square') return 'park';
  if (['village', 'hamlet', 'neighbourhood', 'suburb', 'town', 'isolated_dwelling'].includes(tags.place ?? '')) return 'place';
  return null;
}

const nameOf = (tags: Record<string, string>) => tags['name:zh'] || tags['name:zh-Hans'] || tags.name || null;

/** Our basemap feature for one OSM object's tags and geometry, or null when it is none of roads, water, landmarks. */
export function classifyOsm(tags: Record<string, string>, geometry: BasemapFeature['geometry'], closed: boolean): BasemapFeature | null {
  const nameZh = nameOf(tags);
  const nameEn = tags['name:en'] || null;
  if (geometry.type !== 'Point') {
    const road = tags.highway ? ROAD_KINDS[tags.highway] : undefined;
    if (road && geometry.type === 'LineString' && tags.area !== 'yes') return { layer: 'road', kind: road, nameZh, nameEn, geometry };
    const water = tags.waterway ? WATER_LINES[tags.waterway] : undefined;
    if (water && geometry.type === 'LineString') return { layer: 'water', kind: water, nameZh, nameEn, geometry };
    if (closed && (tags.natural === 'water' || tags.landuse === 'reservoir' || tags.landuse === 'basin' || tags.waterway === 'riverbank')) {
      const ring = geometry.type === 'LineString' ? geometry.coordinates : geometry.coordinates[0]!;
      return { layer: 'water', kind: 'water', nameZh, nameEn, geometry: { type: 'Polygon', coordinates: [ring] } };
    }
  }
  const lm = landmarkKind(tags);
  if (!lm) return null;
  if (geometry.type === 'Point') return { layer: 'landmark', kind: lm, nameZh, nameEn, geometry };
  // A school or a market drawn as an area is shown as one point inside it.
  const ring = geometry.type === 'LineString' ? geometry.coordinates : geometry.coordinates[0]!;
  if (ring.length < 4) return null;
  const at = turf.pointOnFeature(turf.polygon([ring])).geometry.coordinates as Position;
  return { layer: 'landmark', kind: lm, nameZh, nameEn, geometry: { type: 'Point', coordinates: at } };
}

/** Keeps what lies within the margin around the township: points inside it, lines cut into the runs inside it. */
export function clipToTownship(features: BasemapFeature[], boundary: AreaGeometry, marginM = BASEMAP_MARGIN_M): BasemapFeature[] {
  const zone = turf.buffer(turf.feature(boundary as Polygon | MultiPolygon), marginM / 1000, { units: 'kilometers' }) as Feature<Polygon | MultiPolygon>;
  const [minX, minY, maxX, maxY] = turf.bbox(zone);
  const inBox = ([x, y]: Position) => x >= minX && x <= maxX && y >= minY && y <= maxY;
  const inside = (p: Position) => inBox(p) && turf.booleanPointInPolygon(p, zone);
  const out: BasemapFeature[] = [];
  for (const f of features) {
    if (f.geometry.type === 'Point') {
      if (inside(f.geometry.coordinates)) out.push(f);
    } else if (f.geometry.type === 'Polygon') {
      if (f.geometry.coordinates[0]!.some(inBox) && turf.booleanIntersects(turf.polygon(f.geometry.coordinates), zone)) out.push(f);
    } else {
      let run: Position[] = [];
      const flush = () => {
        if (run.length >= 2) out.push({ ...f, geometry: { type: 'LineString', coordinates: run } });
        run = [];
      };
      for (const p of f.geometry.coordinates) {
        if (inside(p)) run.push(p);
        else flush();
      }
      flush();
    }
  }
  return out;
}

/** Reads an OSM extract (.osm.pbf or .osm XML) into basemap features; only nodes within `box` are kept. */
export function readOsmFile(filePath: string, box: [number, number, number, number]): Promise<BasemapFeature[]> {
  const format = /\.pbf$/i.test(filePath) ? 'pbf' : 'xml';
  const nodes = new Map<string, Position>();
  const ways: Array<{ refs: string[]; tags: Record<string, string> }> = [];
  const features: BasemapFeature[] = [];
  const [minX, minY, maxX, maxY] = box;
  return new Promise((resolve, reject) => {
    osmRead.parse({
      filePath,
      format,
      node: (n) => {
        if (n.lon < minX || n.lon > maxX || n.lat < minY || n.lat > maxY) return;
        const at: Position = [Math.round(n.lon * 1e7) / 1e7, Math.round(n.lat * 1e7) / 1e7];
        nodes.set(n.id, at);
        if (Object.keys(n.tags).length) {
          const f = classifyOsm(n.tags, { type: 'Point', coordinates: at }, false);
          if (f) features.push(f);
        }
      },
      way: (w) => {
        if (Object.keys(w.tags).length) ways.push({ refs: w.nodeRefs, tags: w.tags });
      },
      endDocument: () => {
        for (const w of ways) {
          const closed = w.refs.length > 3 && w.refs[0] === w.refs[w.refs.length - 1];
          // Nodes outside the kept box are missing: a way is split where it leaves it.
          let run: Position[] = [];
          const flush = () => {
            if (run.length >= 2) {
              const f = classifyOsm(w.tags, { type: 'LineString', coordinates: run }, closed && run.length === w.refs.length);
              if (f) features.push(f);
            }
            run = [];
          };
          for (const r of w.refs) {
            const p = nodes.get(r);
            if (p) run.push(p);
            else flush();
          }
          flush();
        }
        resolve(features);
      },
      error: (e) => reject(e instanceof Error ? e : new Error(String(e))),
    });
  });
}

/** Basemap features from GeoJSON: OSM tags (an export of OSM data) or our own layer, kind and name properties. */
export function basemapFromGeoJson(doc: unknown): BasemapFeature[] {
  const fc = doc as { features?: Array<{ properties?: Record<string, unknown> | null; geometry?: { type: string; coordinates: unknown } | null }> };
  if (!Array.isArray(fc?.features)) throw new Error('expected a GeoJSON FeatureCollection');
  const out: BasemapFeature[] = [];
  for (const f of fc.features) {
    const p = Object.fromEntries(Object.entries(f.properties ?? {}).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]));
    const g = f.geometry;
    if (!g) continue;
    const parts: BasemapFeature['geometry'][] =
      g.type === 'MultiLineString' ? (g.coordinates as Position[][]).map((c) => ({ type: 'LineString' as const, coordinates: c }))
      : g.type === 'MultiPolygon' ? (g.coordinates as Position[][][]).map((c) => ({ type: 'Polygon' as const, coordinates: c }))
      : g.type === 'MultiPoint' ? (g.coordinates as Position[]).map((c) => ({ type: 'Point' as const, coordinates: c }))
      : ['LineString', 'Polygon', 'Point'].includes(g.type) ? [g as BasemapFeature['geometry']]
      : [];
    for (const geometry of parts) {
      if (p.layer === 'road' || p.layer === 'water' || p.layer === 'landmark') {
        out.push({ layer: p.layer, kind: p.kind || p.layer, nameZh: p.nameZh || p.name_zh || p.name || null, nameEn: p.nameEn || p.name_en || null, geometry });
      } else {
        const hit = classifyOsm(p, geometry, geometry.type === 'Polygon');
        if (hit) out.push(hit);
      }
    }
  }
  return out;
}

// Plain GeoJSON geometry types and small helpers; pure and browser-safe.
import { booleanPointInPolygon } from '@turf/turf';

export type Position = [number, number];
export interface PolygonGeometry {
  type: 'Polygon';
  coordinates: Position[][];
}
export interface MultiPolygonGeometry {
  type: 'MultiPolygon';
  coordinates: Position[][][];
}
export type AreaGeometry = PolygonGeometry | MultiPolygonGeometry;
export type BBox = [minLon: number, minLat: number, maxLon: number, maxLat: number];

/** The rings of a Polygon or MultiPolygon as a list of polygons. */
export function polygonsOf(g: AreaGeometry): Position[][][] {
  return g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
}

export function bboxOf(g: AreaGeometry): BBox {
  let minLon = Infinity;
  let minLat = Infinity;
  let maxLon = -Infinity;
  let maxLat = -Infinity;
  for (const poly of polygonsOf(g)) {
    for (const [lon, lat] of poly[0] ?? []) {
      if (lon < minLon) minLon = lon;
      if (lat < minLat) minLat = lat;
      if (lon > maxLon) maxLon = lon;
      if (lat > maxLat) maxLat = lat;
    }
  }
  return [minLon, minLat, maxLon, maxLat];
}

export function inBBox(b: BBox, lon: number, lat: number): boolean {
  return lon >= b[0] && lon <= b[2] && lat >= b[1] && lat <= b[3];
}

/** Point in Polygon/MultiPolygon, holes respected; a point on an edge counts as inside. */
export function containsPoint(g: AreaGeometry, lon: number, lat: number): boolean {
  return booleanPointInPolygon([lon, lat], g);
}

const M_PER_DEG_LAT = 110_574;
const M_PER_DEG_LON_EQUATOR = 111_320;

/**
 * A local equirectangular plane in metres around an origin: accurate to well under 0.1 %
 * across a township (~20 km), which is all the distances here need.
 */
export interface LocalPlane {
  origin: Position;
  /** Metres per degree of longitude and of latitude. */
  kx: number;
  ky: number;
  toMetres(lon: number, lat: number): Position;
  toLonLat(x: number, y: number): Position;
}

export function localPlane(origin: Position): LocalPlane {
  const kx = M_PER_DEG_LON_EQUATOR * Math.cos((origin[1] * Math.PI) / 180);
  const ky = M_PER_DEG_LAT;
  return {
    origin,
    kx,
    ky,
    toMetres: (lon, lat) => [(lon - origin[0]) * kx, (lat - origin[1]) * ky],
    toLonLat: (x, y) => [origin[0] + x / kx, origin[1] + y / ky],
  };
}

/** Great-circle distance in metres (haversine). */
export function distanceMetres(a: Position, b: Position): number {
  const R = 6_371_008.8;
  const toRad = Math.PI / 180;
  const dLat = (b[1] - a[1]) * toRad;
  const dLon = (b[0] - a[0]) * toRad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * toRad) * Math.cos(b[1] * toRad) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
}

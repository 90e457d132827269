import * as turf from '@turf/turf';
import findIntersections from 'sweepline-intersections';
import type { AreaGeometry, Position } from './geo.ts';
import { outsideChina } from './coords.ts';

// Checks of area boundaries before they are stored: drawn in the editor or read from a file.

export interface GeometryProblem {
  code: 'not_polygon' | 'bad_coordinates' | 'projected_coordinates' | 'ring_not_closed' | 'too_few_points' | 'self_intersection' | 'empty_area';
  message: string;
}

const isPosition = (p: unknown): p is Position =>
  Array.isArray(p) && p.length >= 2 && typeof p[0] === 'number' && typeof p[1] === 'number';

/** What is wrong with a (Multi)Polygon in WGS84 longitude/latitude, in words an office worker can act on; [] when fine. */
export function geometryProblems(g: unknown): GeometryProblem[] {
  const geom = g as { type?: unknown; coordinates?: unknown } | null;
  if (!geom || (geom.type !== 'Polygon' && geom.type !== 'MultiPolygon') || !Array.isArray(geom.coordinates)) {
    return [{ code: 'not_polygon', message: '边界必须是面(Polygon 或 MultiPolygon)。A boundary must be a Polygon or MultiPolygon.' }];
  }
  const polygons = (geom.type === 'Polygon' ? [geom.coordinates] : geom.coordinates) as unknown[];
  const problems: GeometryProblem[] = [];
  for (const poly of polygons) {
    if (!Array.isArray(poly) || poly.length === 0) {
      problems.push({ code: 'too_few_points', message: '面没有边界环。A polygon has no ring.' });
      continue;
    }
    for (const ring of poly as unknown[]) {
      if (!Array.isArray(ring) || !ring.every(isPosition)) {
        problems.push({ code: 'bad_coordinates', message: '坐标必须是[经度, 纬度]数对。Coordinates must be [longitude, latitude] pairs.' });
        continue;
      }
      const pts = ring as Position[];
      if (pts.some(([x, y]) => !Number.isFinite(x) || !Number.isFinite(y))) {
        problems.push({ code: 'bad_coordinates', message: '坐标不是有限数字。A coordinate is not a finite number.' });
      } else if (pts.some(([x, y]) => Math.abs(x) > 180 || Math.abs(y) > 90)) {
        problems.push({
          code: 'projected_coordinates',
          message: '坐标超出经纬度范围,可能是投影坐标(米),请转换为WGS84经纬度。Coordinates are beyond longitude/latitude ranges: they look like projected metres; convert to WGS84.',
        });
      } else if (pts.length < 4) {
        problems.push({ code: 'too_few_points', message: '边界环至少需要4个点(首尾相同)。A ring needs at least 4 positions (first = last).' });
      } else {
        const [a, b] = [pts[0]!, pts[pts.length - 1]!];
        if (a[0] !== b[0] || a[1] !== b[1]) {
          problems.push({ code: 'ring_not_closed', message: '边界环首尾点不一致。A ring does not end where it starts.' });
        }
      }
    }
  }
  if (problems.length) return problems;
  const feature = turf.feature(geom as AreaGeometry);
  // A sweep line (sweepline-intersections, which turf's own validity checks build on) rather than turf.kinks, which
  // compares every pair of segments: a boundary exported with a vertex every metre has 100 000 segments.
  const kinks = findIntersections(geom);
  if (kinks.length) {
    const at = kinks[0]!.map((v) => v.toFixed(6)).join(', ');
    problems.push({ code: 'self_intersection', message: `边界自相交(约在 ${at})。The boundary crosses itself (near ${at}).` });
  }
  if (turf.area(feature) < 1) problems.push({ code: 'empty_area', message: '边界面积为零。The boundary encloses no area.' });
  return problems;
}

/** A township's plausible size: smaller is a village or a plot, larger a county or a prefecture. */
export const TOWNSHIP_MIN_KM2 = 1;
export const TOWNSHIP_MAX_KM2 = 2000;

export interface PlaceProblem {
  code: 'outside_china' | 'axes_swapped' | 'implausible_area';
  message: string;
  /** Refused unless the person says it is right (--force). */
  forcible: boolean;
}

/**
 * What a wrong coordinate-system guess or a wrong feature looks like once in WGS84: a place outside China,
 * longitude and latitude swapped, or an area no township has. Call after geometryProblems found nothing.
 */
/**
 * The sizes an area of each kind can plausibly have, km²: a village of 9 000 km² is a prefecture's boundary
 * under the wrong label, a "unit" of 5 km² is not a shopfront or a school. Generous on purpose: China's largest
 * administrative villages in the west reach hundreds of km².
 */
export const AREA_KM2: Record<'cleaning_zone' | 'village' | 'community' | 'unit', { min: number; max: number; zh: string }> = {
  cleaning_zone: { min: 0.0005, max: 100, zh: '保洁区' },
  village: { min: 0.05, max: 600, zh: '村' },
  community: { min: 0.01, max: 100, zh: '社区' },
  unit: { min: 0.00001, max: 2, zh: '单位' },
};

/** Whether an area's size fits its kind and the township it belongs to, as a message, or null. */
export function areaSizeProblem(kind: keyof typeof AREA_KM2, km2: number, townshipKm2: number): string | null {
  const r = AREA_KM2[kind];
  if (km2 > townshipKm2 * 1.1) return `面积 ${km2.toFixed(2)} km² 比全镇(${townshipKm2.toFixed(1)} km²)还大:是否选错了图层?An area of ${km2.toFixed(2)} km² is larger than the township (${townshipKm2.toFixed(1)} km²): the wrong layer?`;
  if (km2 > r.max || km2 < r.min) {
    return `面积 ${km2 < 0.01 ? km2.toFixed(5) : km2.toFixed(2)} km² 不像一个${r.zh}(${r.min}–${r.max} km²)。An area of ${km2.toFixed(3)} km² is implausible for a ${kind} (${r.min}–${r.max} km²).`;
  }
  return null;
}

export function townshipPlaceProblems(g: AreaGeometry): PlaceProblem[] {
  const [minLon, minLat, maxLon, maxLat] = turf.bbox(g);
  const [lon, lat] = [(minLon + maxLon) / 2, (minLat + maxLat) / 2];
  const inChina = (x: number, y: number) => !outsideChina(x, y);
  if (!inChina(lon, lat)) {
    if (inChina(lat, lon)) {
      return [{ code: 'axes_swapped', forcible: false, message: `经纬度似乎颠倒了(中心 ${lon.toFixed(4)}, ${lat.toFixed(4)}):请按“经度, 纬度”的顺序。Longitude and latitude look swapped (centre ${lon.toFixed(4)}, ${lat.toFixed(4)}).` }];
    }
    return [{ code: 'outside_china', forcible: false, message: `边界落在中国境外(中心 ${lon.toFixed(4)}, ${lat.toFixed(4)}):坐标系可能不对,请用 --crs 指明。The boundary lands outside China (centre ${lon.toFixed(4)}, ${lat.toFixed(4)}): the coordinate system is probably wrong; name it with --crs.` }];
  }
  const km2 = turf.area(turf.feature(g)) / 1e6;
  if (km2 > TOWNSHIP_MAX_KM2 || km2 < TOWNSHIP_MIN_KM2) {
    const what = km2 > TOWNSHIP_MAX_KM2 ? '大于' : '小于';
    const limit = km2 > TOWNSHIP_MAX_KM2 ? TOWNSHIP_MAX_KM2 : TOWNSHIP_MIN_KM2;
    return [{ code: 'implausible_area', forcible: true, message: `面积 ${km2.toFixed(1)} km² ${what} ${limit} km²,不像一个乡镇(确认无误请加 --force)。An area of ${km2.toFixed(1)} km² is implausible for a township (${TOWNSHIP_MIN_KM2}–${TOWNSHIP_MAX_KM2} km²); add --force if it is right.` }];
  }
  return [];
}

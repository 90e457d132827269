import * as turf from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { gcj02ToWgs84 } from '../domain/coords.ts';
import type { AreaGeometry } from '../domain/geo.ts';

// The polygon arithmetic of a boundary import: how much of the file lies outside the township (in WGS84 and as if
// it were GCJ-02), which areas of one layer overlap, and what part of the township no village covers. Pure, and
// run in the worker pool: clipping a file of dense boundaries takes seconds, which would hold every other request.
//
// The arithmetic runs on copies simplified to a metre (1e-5°, well under the 100 m² and 2 000 m² the checks
// report): dense boundaries — a GIS export with a vertex every metre — clip in a fraction of the time, and what
// is stored is the original.

export const SIMPLIFY_DEGREES = 0.00001;

type Area = Feature<Polygon | MultiPolygon>;

const simple = (g: AreaGeometry): Area => turf.simplify(turf.feature(g) as Area, { tolerance: SIMPLIFY_DEGREES, highQuality: false, mutate: false });

function toWgs(f: Area): Area {
  const g = JSON.parse(JSON.stringify(f)) as Area;
  turf.coordEach(g, (c) => {
    const [x, y] = gcj02ToWgs84(c[0]!, c[1]!);
    c[0] = x;
    c[1] = y;
  });
  return g;
}

const where = (f: Feature) => turf.centroid(f).geometry.coordinates.map((v) => v.toFixed(5)).join(', ');

function outsideArea(fs: Area[], township: Area): number {
  if (!fs.length) return 0;
  const all = fs.length === 1 ? fs[0]! : turf.union(turf.featureCollection(fs));
  const out = all ? turf.difference(turf.featureCollection([all as Area, township])) : null;
  return out ? turf.area(out) : 0;
}

const boxesMeet = (a: number[], b: number[]) => a[0]! <= b[2]! && b[0]! <= a[2]! && a[1]! <= b[3]! && b[1]! <= a[3]!;

export interface BoundaryGeometryInput {
  township: AreaGeometry;
  /** Every drawable feature of the file (for the GCJ-02 check). */
  drawable: AreaGeometry[];
  /** The features that passed the row checks, with their layer ('village' for villages and communities). */
  good: Array<{ geometry: AreaGeometry; layer: string | null }>;
}

export interface BoundaryGeometryResult {
  fileArea: number;
  outside: number;
  outsideAsGcj: number;
  /** Pairs of `good` (indices) of one layer that overlap by more than 100 m². */
  overlaps: Array<{ i: number; j: number; area: number; where: string }>;
  /** The part of the township no village covers, when villages are given. */
  gap: { area: number; where: string } | null;
}

export function boundaryGeometry(input: BoundaryGeometryInput): BoundaryGeometryResult {
  const township = simple(input.township);
  const drawable = input.drawable.map(simple);
  const fileArea = drawable.reduce((a, f) => a + turf.area(f), 0);
  const outside = outsideArea(drawable, township);
  // only worth converting when a noticeable part lies outside
  const outsideAsGcj = fileArea > 0 && outside > 0.005 * fileArea ? outsideArea(drawable.map(toWgs), township) : outside;
  const good = input.good.map((g) => ({ f: simple(g.geometry), layer: g.layer }));
  const boxes = good.map((g) => turf.bbox(g.f));
  const overlaps: BoundaryGeometryResult['overlaps'] = [];
  for (let i = 0; i < good.length; i++) {
    for (let j = i + 1; j < good.length; j++) {
      if (good[i]!.layer !== good[j]!.layer || good[i]!.layer === 'unit' || !boxesMeet(boxes[i]!, boxes[j]!)) continue;
      const inter = turf.intersect(turf.featureCollection([good[i]!.f, good[j]!.f]));
      const area = inter ? turf.area(inter) : 0;
      if (area > 100) overlaps.push({ i, j, area, where: where(inter!) });
    }
  }
  const villages = good.filter((g) => g.layer === 'village').map((g) => g.f);
  let gap: BoundaryGeometryResult['gap'] = null;
  if (villages.length) {
    const union = villages.length === 1 ? villages[0]! : turf.union(turf.featureCollection(villages));
    const rest = union ? turf.difference(turf.featureCollection([township, union as Area])) : township;
    gap = rest ? { area: turf.area(rest), where: where(rest) } : { area: 0, where: '' };
  }
  return { fileArea, outside, outsideAsGcj, overlaps, gap };
}

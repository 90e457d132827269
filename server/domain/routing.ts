import { bboxOf, containsPoint, inBBox, type AreaGeometry, type BBox } from './geo.ts';

// Routing: which cleaning zone, village (or community) and unit own a spot. Pure and browser-safe,
// so a phone shows the same answer offline that the server will record.

/** The kinds of area a township is divided into, in the order the product lists them. */
export const AREA_KINDS = ['cleaning_zone', 'village', 'community', 'unit'] as const;
export type RoutableKind = (typeof AREA_KINDS)[number];

export interface RoutableArea {
  id: string;
  kind: RoutableKind;
  code: string;
  nameZh: string;
  nameEn: string;
  geometry: AreaGeometry;
}

export interface RouteResult {
  zone: RoutableArea | null;
  /** The village or community the spot lies in. */
  village: RoutableArea | null;
  unit: RoutableArea | null;
}

export interface Router {
  /** null when the point lies outside the township. */
  route(lon: number, lat: number): RouteResult | null;
  readonly bbox: BBox;
}

interface Indexed {
  area: RoutableArea;
  bbox: BBox;
}

/**
 * Builds a router for one township. Where areas of one kind overlap (a data error the import
 * step reports), the area listed first wins, so the answer is always deterministic.
 */
export function createRouter(boundary: AreaGeometry, areas: readonly RoutableArea[]): Router {
  const bbox = bboxOf(boundary);
  const index = (kinds: RoutableKind[]): Indexed[] =>
    areas.filter((a) => kinds.includes(a.kind)).map((area) => ({ area, bbox: bboxOf(area.geometry) }));
  const zones = index(['cleaning_zone']);
  const villages = index(['village', 'community']);
  const units = index(['unit']);
  const find = (list: Indexed[], lon: number, lat: number): RoutableArea | null =>
    list.find((e) => inBBox(e.bbox, lon, lat) && containsPoint(e.area.geometry, lon, lat))?.area ?? null;

  return {
    bbox,
    route(lon, lat) {
      if (!Number.isFinite(lon) || !Number.isFinite(lat)) return null;
      if (!inBBox(bbox, lon, lat) || !containsPoint(boundary, lon, lat)) return null;
      return { zone: find(zones, lon, lat), village: find(villages, lon, lat), unit: find(units, lon, lat) };
    },
  };
}

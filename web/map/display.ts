import { gcj02ToWgs84, wgs84ToGcj02 } from '../../server/domain/coords.ts';

// Where things are drawn. Storage and the API are WGS84, as phones report; a GCJ-02 basemap (Amap, Tencent)
// draws China's roads a few hundred metres off, so on such a basemap everything of ours is shifted the same way
// for display, and every position read off the map (a click, a drawn boundary) is shifted back before it is sent.

type Pos = [number, number];

export interface Display {
  /** Whether anything is shifted. */
  shifted: boolean;
  toScreen(p: Pos): Pos;
  toWorld(p: Pos): Pos;
  /** A copy of any GeoJSON object (geometry, feature, collection) with every position moved to the screen. */
  geo<T>(g: T): T;
  /** The same, moved back to WGS84 (for geometry drawn on the map). */
  world<T>(g: T): T;
  /** Interleaved lon/lat pairs (the binary points' positions), shifted in place. */
  positions<A extends Float32Array | Float64Array>(xy: A): A;
  bbox(b: [number, number, number, number]): [number, number, number, number];
}

function mapPositions(value: unknown, f: (p: Pos) => Pos): unknown {
  if (Array.isArray(value)) {
    if (value.length >= 2 && typeof value[0] === 'number' && typeof value[1] === 'number') {
      const [x, y] = f([value[0], value[1]]);
      return [x, y, ...value.slice(2)];
    }
    return value.map((v) => mapPositions(v, f));
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // Positions live under "coordinates" (geometries), "centre" (our spot summaries) and "bbox".
      out[k] = k === 'coordinates' || k === 'centre' || k === 'spots' || k === 'geometry' || k === 'geometries' || k === 'features' || k === 'boundary' ? mapPositions(v, f) : v;
    }
    return out;
  }
  return value;
}

export const IDENTITY: Display = {
  shifted: false,
  toScreen: (p) => p,
  toWorld: (p) => p,
  geo: (g) => g,
  world: (g) => g,
  positions: (xy) => xy,
  bbox: (b) => b,
};

const GCJ02: Display = {
  shifted: true,
  toScreen: (p) => wgs84ToGcj02(p[0], p[1]),
  toWorld: (p) => gcj02ToWgs84(p[0], p[1]),
  geo: (g) => mapPositions(g, (p) => wgs84ToGcj02(p[0], p[1])) as typeof g,
  world: (g) => mapPositions(g, (p) => gcj02ToWgs84(p[0], p[1])) as typeof g,
  positions(xy) {
    for (let i = 0; i + 1 < xy.length; i += 2) {
      const [x, y] = wgs84ToGcj02(xy[i]!, xy[i + 1]!);
      xy[i] = x;
      xy[i + 1] = y;
    }
    return xy;
  },
  bbox(b) {
    const [w, s] = wgs84ToGcj02(b[0], b[1]);
    const [e, n] = wgs84ToGcj02(b[2], b[3]);
    return [w, s, e, n];
  },
};

/** How to draw over the configured basemap. */
export function displayFor(tiles: { crs: string } | null | undefined): Display {
  return tiles?.crs === 'gcj02' ? GCJ02 : IDENTITY;
}

/** The township's reference data as drawn: boundary, box, areas and basemap features moved to the screen. */
export function shownData<T extends { township: { boundary: unknown; bbox: number[] }; areas: unknown; basemap: unknown }>(data: T, display: Display): T {
  if (!display.shifted) return data;
  return {
    ...data,
    township: { ...data.township, boundary: display.geo(data.township.boundary), bbox: display.bbox(data.township.bbox as [number, number, number, number]) },
    areas: display.geo(data.areas),
    basemap: display.geo(data.basemap),
  };
}

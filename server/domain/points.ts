// The binary points format for heat layers: a small header, the category codes, then 5 bytes a point.
// Pure and browser-safe: the server writes it, the web app reads it straight into typed arrays.
//
//   offset  size  field
//   0       4     magic "HSPT"
//   4       1     version (1)
//   5       1     number of categories C
//   6       2     reserved (0)
//   8       4     number of points N (uint32)
//   12      8     origin longitude (float64)
//   20      8     origin latitude (float64)
//   28      8     longitude step (float64, degrees per unit)
//   36      8     latitude step (float64)
//   44      …     C category codes: uint8 length + UTF-8 bytes
//   then    5·N   per point: uint16 x, uint16 y (lon = origin + x·step), uint8 category index
// All numbers little-endian.

export const POINTS_MAGIC = 'HSPT';
export const POINTS_VERSION = 1;
export const BYTES_PER_POINT = 5;
const HEADER = 44;

export interface PointsGrid {
  originLon: number;
  originLat: number;
  stepLon: number;
  stepLat: number;
}

/** A quantisation grid over a bounding box: 65 535 steps a side (≈ 0.3 m over a township). */
export function gridFor(bbox: [number, number, number, number]): PointsGrid {
  const [minLon, minLat, maxLon, maxLat] = bbox;
  return { originLon: minLon, originLat: minLat, stepLon: Math.max(1e-9, (maxLon - minLon) / 65535), stepLat: Math.max(1e-9, (maxLat - minLat) / 65535) };
}

/** A point's grid step along one axis: rounded to the nearest step, clamped to the grid (as the store computes it). */
function quantise(value: number, origin: number, step: number): number {
  return Math.max(0, Math.min(65535, Math.floor((value - origin) / step + 0.5)));
}

/** One point as the store packs it: x + y·2¹⁶ + category·2³². */
export function packPoint(grid: PointsGrid, lon: number, lat: number, category: number): number {
  return quantise(lon, grid.originLon, grid.stepLon) + quantise(lat, grid.originLat, grid.stepLat) * 65536 + category * 2 ** 32;
}

export function encodePoints(
  grid: PointsGrid,
  categories: readonly string[],
  count: number,
  lon: (i: number) => number,
  lat: (i: number) => number,
  category: (i: number) => number,
): Uint8Array {
  const packed = new Array<number>(count);
  for (let i = 0; i < count; i++) packed[i] = packPoint(grid, lon(i), lat(i), category(i));
  return encodePackedPoints(grid, categories, packed);
}

/** The payload for points already packed (see packPoint): the low 32 bits are x and y, little-endian, as stored. */
export function encodePackedPoints(grid: PointsGrid, categories: readonly string[], packed: ArrayLike<number>): Uint8Array {
  const enc = new TextEncoder();
  const codes = categories.map((c) => enc.encode(c).subarray(0, 255));
  const size = HEADER + codes.reduce((s, c) => s + 1 + c.length, 0) + packed.length * BYTES_PER_POINT;
  const buf = new Uint8Array(size);
  const v = new DataView(buf.buffer);
  buf.set(enc.encode(POINTS_MAGIC), 0);
  v.setUint8(4, POINTS_VERSION);
  v.setUint8(5, codes.length);
  v.setUint32(8, packed.length, true);
  v.setFloat64(12, grid.originLon, true);
  v.setFloat64(20, grid.originLat, true);
  v.setFloat64(28, grid.stepLon, true);
  v.setFloat64(36, grid.stepLat, true);
  let o = HEADER;
  for (const c of codes) {
    v.setUint8(o++, c.length);
    buf.set(c, o);
    o += c.length;
  }
  for (let i = 0; i < packed.length; i++, o += BYTES_PER_POINT) {
    const p = packed[i]!;
    v.setUint32(o, p >>> 0, true);
    v.setUint8(o + 4, Math.floor(p / 4294967296));
  }
  return buf;
}

export interface DecodedPoints {
  count: number;
  categories: string[];
  /** lon, lat pairs, ready for deck.gl binary attributes. */
  positions: Float32Array;
  category: Uint8Array;
}

export function decodePoints(data: ArrayBuffer | Uint8Array): DecodedPoints {
  const buf = data instanceof Uint8Array ? data : new Uint8Array(data);
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = new TextDecoder().decode(buf.subarray(0, 4));
  if (magic !== POINTS_MAGIC || v.getUint8(4) !== POINTS_VERSION) throw new Error('not a points payload of a version this app reads');
  const nCat = v.getUint8(5);
  const count = v.getUint32(8, true);
  const originLon = v.getFloat64(12, true);
  const originLat = v.getFloat64(20, true);
  const stepLon = v.getFloat64(28, true);
  const stepLat = v.getFloat64(36, true);
  let o = HEADER;
  const dec = new TextDecoder();
  const categories: string[] = [];
  for (let c = 0; c < nCat; c++) {
    const len = v.getUint8(o++);
    categories.push(dec.decode(buf.subarray(o, o + len)));
    o += len;
  }
  const positions = new Float32Array(count * 2);
  const category = new Uint8Array(count);
  for (let i = 0; i < count; i++, o += BYTES_PER_POINT) {
    positions[i * 2] = originLon + v.getUint16(o, true) * stepLon;
    positions[i * 2 + 1] = originLat + v.getUint16(o + 2, true) * stepLat;
    category[i] = v.getUint8(o + 4);
  }
  return { count, categories, positions, category };
}

// Analysis answers name cells by number on the grid's frame rather than sending polygons (a few KB instead of
// a megabyte): these turn them back into squares for the map.

export interface GridFrame {
  west: number;
  south: number;
  dLon: number;
  dLat: number;
  cols: number;
  rows: number;
}

/** Cell number k's square, counter-clockwise from its south-west corner. */
export function cellRing(frame: GridFrame, k: number): [number, number][] {
  const c = k % frame.cols;
  const r = Math.floor(k / frame.cols);
  const w = frame.west + c * frame.dLon;
  const s = frame.south + r * frame.dLat;
  const e = w + frame.dLon;
  const n = s + frame.dLat;
  return [[w, s], [e, s], [e, n], [w, n], [w, s]];
}

export interface CellFeature<P> {
  type: 'Feature';
  geometry: { type: 'Polygon'; coordinates: [number, number][][] };
  properties: P;
}

/** Columns of per-cell values (one array per property, aligned with `index`) as GeoJSON squares. */
export function cellFeatures<P>(frame: GridFrame, index: readonly number[], props: (k: number) => P): CellFeature<P>[] {
  return index.map((cell, k) => ({ type: 'Feature', geometry: { type: 'Polygon', coordinates: [cellRing(frame, cell)] }, properties: props(k) }));
}

// Fixed-distance neighbour search over points in a metric plane, by bucketing into a grid of band-sized squares.

export interface PlanePoints {
  x: Float64Array;
  y: Float64Array;
}

/**
 * For each point, the indices of points within `band` metres (itself included), as a CSR structure:
 * neighbours of i are `index[start[i]] … index[start[i+1]-1]`.
 */
export function neighboursWithin(pts: PlanePoints, band: number): { start: Int32Array; index: Int32Array } {
  const n = pts.x.length;
  const cell = band > 0 ? band : 1;
  let minX = Infinity;
  let minY = Infinity;
  for (let i = 0; i < n; i++) {
    if (pts.x[i]! < minX) minX = pts.x[i]!;
    if (pts.y[i]! < minY) minY = pts.y[i]!;
  }
  const buckets = new Map<number, number[]>();
  const keyOf = (bx: number, by: number) => bx * 1_000_003 + by;
  const bxs = new Int32Array(n);
  const bys = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const bx = Math.floor((pts.x[i]! - minX) / cell);
    const by = Math.floor((pts.y[i]! - minY) / cell);
    bxs[i] = bx;
    bys[i] = by;
    const k = keyOf(bx, by);
    const b = buckets.get(k);
    if (b) b.push(i);
    else buckets.set(k, [i]);
  }
  const band2 = band * band * (1 + 1e-12);
  const start = new Int32Array(n + 1);
  let out = new Int32Array(Math.max(16, n * 9));
  let used = 0;
  for (let i = 0; i < n; i++) {
    start[i] = used;
    const xi = pts.x[i]!;
    const yi = pts.y[i]!;
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        const b = buckets.get(keyOf(bxs[i]! + dx, bys[i]! + dy));
        if (!b) continue;
        for (const j of b) {
          const ddx = pts.x[j]! - xi;
          const ddy = pts.y[j]! - yi;
          if (ddx * ddx + ddy * ddy <= band2) {
            if (used === out.length) {
              const bigger = new Int32Array(out.length * 2);
              bigger.set(out);
              out = bigger;
            }
            out[used++] = j;
          }
        }
      }
    }
  }
  start[n] = used;
  return { start, index: out.subarray(0, used) };
}

/** The distance to each point's k-th nearest other point (Infinity when it has fewer than k others). */
export function kthNeighbourDistance(pts: PlanePoints, k: number, searchBand: number): Float64Array {
  const { start, index } = neighboursWithin(pts, searchBand);
  const out = new Float64Array(pts.x.length);
  const d: number[] = [];
  for (let i = 0; i < pts.x.length; i++) {
    d.length = 0;
    for (let p = start[i]!; p < start[i + 1]!; p++) {
      const j = index[p]!;
      if (j !== i) d.push(Math.hypot(pts.x[j]! - pts.x[i]!, pts.y[j]! - pts.y[i]!));
    }
    d.sort((a, b) => a - b);
    out[i] = d.length >= k ? d[k - 1]! : Infinity;
  }
  return out;
}

/** Neighbour pairs a Gi* over a full grid may hold: about 80 MB of indices and a few seconds on a small machine. */
export const MAX_NEIGHBOUR_PAIRS = 20_000_000;

/**
 * About how many (cell, neighbour) pairs a fixed band makes over n cells of a square grid: each cell sees the
 * cells within the band's circle, itself included, and never more than all n.
 */
export function estimatedPairs(n: number, cellSize: number, band: number): number {
  const perCell = Math.min(n, Math.PI * (band / cellSize) ** 2 + 1);
  return Math.round(n * perCell);
}

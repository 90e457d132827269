import { containsPoint, bboxOf, localPlane, type AreaGeometry, type LocalPlane, type Position } from '../domain/geo.ts';
import { kthNeighbourDistance } from './neighbours.ts';

// The square grid over a study area, in a local metric plane, on which hot spots are computed.

/** Aim for about this many cells over the study area when no cell size is given. */
export const TARGET_CELLS = 5000;
export const MIN_CELL_M = 50;
export const MAX_CELL_M = 1000;
/** The default distance band gives every cell at least this many neighbours besides itself. */
export const MIN_NEIGHBOURS = 8;

export interface StudyGrid {
  plane: LocalPlane;
  cellSize: number;
  /** Grid origin (south-west corner of cell 0,0) in the plane, metres. */
  x0: number;
  y0: number;
  cols: number;
  rows: number;
  /** Cells taking part (any part of them lies in the study area): column and row, and centre in metres. */
  col: Int32Array;
  row: Int32Array;
  x: Float64Array;
  y: Float64Array;
  /** Cell number by col + row * cols, or -1 outside the study area. */
  lookup: Int32Array;
}

/**
 * The documented default cell size: the square root of the study area divided by 5 000 (so about
 * 5 000 cells), rounded to 10 m and kept within 50–1 000 m.
 */
export function defaultCellSize(areaM2: number): number {
  const raw = Math.sqrt(areaM2 / TARGET_CELLS);
  return Math.min(MAX_CELL_M, Math.max(MIN_CELL_M, Math.round(raw / 10) * 10));
}

/** Area of a polygon in a local plane, m² (shoelace over outer rings minus holes). */
export function areaM2(g: AreaGeometry, plane: LocalPlane): number {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  let a = 0;
  for (const poly of polys) {
    poly.forEach((ring, i) => {
      let s = 0;
      for (let k = 0; k < ring.length - 1; k++) {
        const [x1, y1] = plane.toMetres(ring[k]![0], ring[k]![1]);
        const [x2, y2] = plane.toMetres(ring[k + 1]![0], ring[k + 1]![1]);
        s += x1 * y2 - x2 * y1;
      }
      a += (i === 0 ? 1 : -1) * Math.abs(s / 2);
    });
  }
  return a;
}

export function buildGrid(study: AreaGeometry, cellSize?: number): StudyGrid {
  const [minLon, minLat, maxLon, maxLat] = bboxOf(study);
  const plane = localPlane([(minLon + maxLon) / 2, (minLat + maxLat) / 2]);
  const size = cellSize ?? defaultCellSize(areaM2(study, plane));
  const [xa, ya] = plane.toMetres(minLon, minLat);
  const [xb, yb] = plane.toMetres(maxLon, maxLat);
  const x0 = Math.floor(xa / size) * size;
  const y0 = Math.floor(ya / size) * size;
  const cols = Math.ceil((xb - x0) / size);
  const rows = Math.ceil((yb - y0) / size);
  const lookup = new Int32Array(cols * rows).fill(-1);
  const col: number[] = [];
  const row: number[] = [];
  // A cell belongs to the study area when any part of it does: its centre or a corner inside, or a
  // vertex of the boundary inside it. So every report in the area falls in a cell that takes part.
  const corner = new Uint8Array((cols + 1) * (rows + 1));
  for (let r = 0; r <= rows; r++) {
    for (let c = 0; c <= cols; c++) {
      const [lon, lat] = plane.toLonLat(x0 + c * size, y0 + r * size);
      corner[c + r * (cols + 1)] = containsPoint(study, lon, lat) ? 1 : 0;
    }
  }
  const hasVertex = new Uint8Array(cols * rows);
  for (const poly of study.type === 'Polygon' ? [study.coordinates] : study.coordinates) {
    for (const ring of poly) {
      for (const [lon, lat] of ring) {
        const [x, y] = plane.toMetres(lon, lat);
        const c = Math.min(cols - 1, Math.floor((x - x0) / size));
        const r = Math.min(rows - 1, Math.floor((y - y0) / size));
        if (c >= 0 && r >= 0) hasVertex[c + r * cols] = 1;
      }
    }
  }
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const k = (cc: number, rr: number) => corner[cc + rr * (cols + 1)]!;
      const [lon, lat] = plane.toLonLat(x0 + (c + 0.5) * size, y0 + (r + 0.5) * size);
      const inside =
        k(c, r) || k(c + 1, r) || k(c, r + 1) || k(c + 1, r + 1) || hasVertex[c + r * cols] || containsPoint(study, lon, lat);
      if (inside) {
        lookup[c + r * cols] = col.length;
        col.push(c);
        row.push(r);
      }
    }
  }
  return {
    plane,
    cellSize: size,
    x0,
    y0,
    cols,
    rows,
    col: Int32Array.from(col),
    row: Int32Array.from(row),
    x: Float64Array.from(col, (c) => x0 + (c + 0.5) * size),
    y: Float64Array.from(row, (r) => y0 + (r + 0.5) * size),
    lookup,
  };
}

/** The cell a point falls in, or -1 outside the study area's cells. */
export function cellOf(grid: StudyGrid, lon: number, lat: number): number {
  const [x, y] = grid.plane.toMetres(lon, lat);
  const c = Math.floor((x - grid.x0) / grid.cellSize);
  const r = Math.floor((y - grid.y0) / grid.cellSize);
  if (c < 0 || r < 0 || c >= grid.cols || r >= grid.rows) return -1;
  return grid.lookup[c + r * grid.cols]!;
}

/**
 * The documented default distance band: the smallest distance at which every cell of the study area
 * has at least 8 neighbours besides itself (so edge cells are not judged on a handful of neighbours).
 */
export function defaultDistanceBand(grid: StudyGrid): number {
  const d = kthNeighbourDistance({ x: grid.x, y: grid.y }, MIN_NEIGHBOURS, grid.cellSize * 4);
  let band = 0;
  for (const v of d) if (Number.isFinite(v) && v > band) band = v;
  return Math.ceil(band * 1.0001);
}

/** The cell's square as a WGS84 ring (counter-clockwise). */
export function cellRing(grid: StudyGrid, i: number): Position[] {
  const xa = grid.x0 + grid.col[i]! * grid.cellSize;
  const ya = grid.y0 + grid.row[i]! * grid.cellSize;
  const s = grid.cellSize;
  const r = (v: number) => Math.round(v * 1e6) / 1e6;
  const p = (x: number, y: number): Position => {
    const [lon, lat] = grid.plane.toLonLat(x, y);
    return [r(lon), r(lat)];
  };
  return [p(xa, ya), p(xa + s, ya), p(xa + s, ya + s), p(xa, ya + s), p(xa, ya)];
}

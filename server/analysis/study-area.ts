import type { Position } from '../domain/geo.ts';
import type { StudyGrid } from './grid.ts';

// Where problems can happen: the cells near the township's roads and landmarks, as ArcGIS's Optimized Hot Spot
// Analysis takes "bounding polygons defining where incidents are possible". A Gi* over every cell of the
// township, mountains and fields included, tests against reports spread evenly over land where nobody goes, and
// rejects that null wherever people live: "hot" then only means "inhabited". Pure.

/** Cells whose centre lies within this distance of a road or landmark take part, by default. */
export const STUDY_DISTANCE_M = 200;
/** For rates against road length, a cell needs at least this share of its side in road, so one metre of lane is no denominator. */
export const MIN_ROAD_SHARE = 0.5;

export interface PlaceFeatures {
  lines: Position[][];
  points: Position[];
}

/** Distance from (px, py) to the segment a–b, in the plane. */
function segmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2)) : 0;
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** 1 for each cell of the grid whose centre is within `distance` metres of a line or point, else 0. */
export function cellsNear(grid: StudyGrid, features: PlaceFeatures, distance: number): Uint8Array {
  const keep = new Uint8Array(grid.x.length);
  const size = grid.cellSize;
  const visit = (minX: number, minY: number, maxX: number, maxY: number, within: (x: number, y: number) => boolean) => {
    const c0 = Math.max(0, Math.floor((minX - distance - grid.x0) / size));
    const c1 = Math.min(grid.cols - 1, Math.floor((maxX + distance - grid.x0) / size));
    const r0 = Math.max(0, Math.floor((minY - distance - grid.y0) / size));
    const r1 = Math.min(grid.rows - 1, Math.floor((maxY + distance - grid.y0) / size));
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        const i = grid.lookup[c + r * grid.cols]!;
        if (i >= 0 && !keep[i] && within(grid.x[i]!, grid.y[i]!)) keep[i] = 1;
      }
    }
  };
  for (const [lon, lat] of features.points) {
    const [px, py] = grid.plane.toMetres(lon, lat);
    visit(px, py, px, py, (x, y) => Math.hypot(x - px, y - py) <= distance);
  }
  for (const line of features.lines) {
    for (let k = 0; k < line.length - 1; k++) {
      const [ax, ay] = grid.plane.toMetres(line[k]![0], line[k]![1]);
      const [bx, by] = grid.plane.toMetres(line[k + 1]![0], line[k + 1]![1]);
      visit(Math.min(ax, bx), Math.min(ay, by), Math.max(ax, bx), Math.max(ay, by), (x, y) => segmentDistance(x, y, ax, ay, bx, by) <= distance);
    }
  }
  return keep;
}

/** Metres of line in each cell of the grid (lines walked in steps of a twentieth of a cell). */
export function lineLengthPerCell(grid: StudyGrid, lines: readonly Position[][]): Float64Array {
  const out = new Float64Array(grid.x.length);
  const step = grid.cellSize / 20;
  for (const line of lines) {
    for (let k = 0; k < line.length - 1; k++) {
      const [ax, ay] = grid.plane.toMetres(line[k]![0], line[k]![1]);
      const [bx, by] = grid.plane.toMetres(line[k + 1]![0], line[k + 1]![1]);
      const len = Math.hypot(bx - ax, by - ay);
      const parts = Math.max(1, Math.ceil(len / step));
      for (let s = 0; s < parts; s++) {
        const f = (s + 0.5) / parts;
        const c = Math.floor((ax + f * (bx - ax) - grid.x0) / grid.cellSize);
        const r = Math.floor((ay + f * (by - ay) - grid.y0) / grid.cellSize);
        if (c < 0 || r < 0 || c >= grid.cols || r >= grid.rows) continue;
        const i = grid.lookup[c + r * grid.cols]!;
        if (i >= 0) out[i]! += len / parts;
      }
    }
  }
  return out;
}

/** The grid limited to the cells kept: same origin and size, so cell numbers on the full grid still place them. */
export function subsetGrid(grid: StudyGrid, keep: ArrayLike<number>): StudyGrid {
  const idx: number[] = [];
  for (let i = 0; i < grid.x.length; i++) if (keep[i]) idx.push(i);
  const lookup = new Int32Array(grid.cols * grid.rows).fill(-1);
  idx.forEach((i, k) => {
    lookup[grid.col[i]! + grid.row[i]! * grid.cols] = k;
  });
  return {
    ...grid,
    col: Int32Array.from(idx, (i) => grid.col[i]!),
    row: Int32Array.from(idx, (i) => grid.row[i]!),
    x: Float64Array.from(idx, (i) => grid.x[i]!),
    y: Float64Array.from(idx, (i) => grid.y[i]!),
    lookup,
  };
}

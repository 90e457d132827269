import type { PlanePoints } from './neighbours.ts';
import { median } from './stats.ts';

// Kernel density of incidents with the quartic kernel and the ArcGIS default search radius.

/**
 * ArcGIS Kernel Density's default search radius (a spatial variant of Silverman's rule):
 *   r = 0.9 × min(SD, √(1 / ln 2) × Dm) × n^−0.2
 * with SD the standard distance of the points and Dm the median distance to their mean centre.
 */
export function defaultBandwidth(pts: PlanePoints): number {
  const n = pts.x.length;
  if (n < 2) return 0;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += pts.x[i]!;
    my += pts.y[i]!;
  }
  mx /= n;
  my /= n;
  let ss = 0;
  const dist = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const dx = pts.x[i]! - mx;
    const dy = pts.y[i]! - my;
    ss += dx * dx + dy * dy;
    dist[i] = Math.sqrt(dx * dx + dy * dy);
  }
  const sd = Math.sqrt(ss / n);
  const dm = median(dist);
  return 0.9 * Math.min(sd, Math.sqrt(1 / Math.LN2) * dm) * Math.pow(n, -0.2);
}

/** Quartic (biweight) kernel density at each target, per km² — integrates to the number of points. */
export function kernelDensity(points: PlanePoints, targets: PlanePoints, radius: number): Float64Array {
  const out = new Float64Array(targets.x.length);
  if (!(radius > 0) || points.x.length === 0) return out;
  const at = bucketed(points, radius);
  for (let i = 0; i < targets.x.length; i++) out[i] = at(targets.x[i]!, targets.y[i]!);
  return out;
}

/** Peaks are searched on a lattice no coarser than a third of the radius. */
export const LATTICE_PER_RADIUS = 3;
/** ArcGIS's default output cell for Kernel Density: the extent's shorter side ÷ 250. */
export const ARCGIS_CELLS_ON_SHORT_SIDE = 250;
/** The lattice is kept under this many nodes (its step grows, and the answer says so). */
export const MAX_LATTICE_NODES = 4_000_000;

export interface DensityPeak {
  x: number;
  y: number;
  /** Reports per km² at the peak. */
  density: number;
}

/** Points bucketed in radius-sized squares, to evaluate the density (per km²) anywhere: each target looks at its own square and the eight around it. */
function bucketed(points: PlanePoints, radius: number) {
  const buckets = new Map<string, number[]>();
  for (let j = 0; j < points.x.length; j++) {
    const k = `${Math.floor(points.x[j]! / radius)},${Math.floor(points.y[j]! / radius)}`;
    const b = buckets.get(k);
    if (b) b.push(j);
    else buckets.set(k, [j]);
  }
  const r2 = radius * radius;
  const norm = (3 / (Math.PI * r2)) * 1e6;
  return (tx: number, ty: number) => {
    const bx = Math.floor(tx / radius);
    const by = Math.floor(ty / radius);
    let d = 0;
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        const b = buckets.get(`${bx + dx},${by + dy}`);
        if (!b) continue;
        for (const j of b) {
          const ex = points.x[j]! - tx;
          const ey = points.y[j]! - ty;
          const u = (ex * ex + ey * ey) / r2;
          if (u < 1) d += (1 - u) * (1 - u);
        }
      }
    }
    return d * norm;
  };
}

/**
 * The densest spots of the quartic kernel surface. The surface is laid on a lattice over the points' extent no
 * coarser than radius / 3 and than ArcGIS's default output cell (shorter side ÷ 250); every lattice node higher
 * than its eight neighbours starts a climb on the continuous surface (a pattern search halving its step down to a
 * metre) from the highest nodes, and climbs that end within one lattice step of a higher peak are the same peak. Highest first, `top` of
 * them when there are that many.
 */
export function densityPeaks(points: PlanePoints, radius: number, top: number): { peaks: DensityPeak[]; step: number } {
  const n = points.x.length;
  if (!(radius > 0) || n === 0) return { peaks: [], step: 0 };
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    minX = Math.min(minX, points.x[i]!);
    minY = Math.min(minY, points.y[i]!);
    maxX = Math.max(maxX, points.x[i]!);
    maxY = Math.max(maxY, points.y[i]!);
  }
  const shortSide = Math.min(maxX - minX, maxY - minY);
  let step = Math.min(radius / LATTICE_PER_RADIUS, shortSide > 0 ? shortSide / ARCGIS_CELLS_ON_SHORT_SIDE : Infinity);
  const x0 = minX - radius;
  const y0 = minY - radius;
  const span = (v: number) => Math.ceil(v / step) + 1;
  while (span(maxX - minX + 2 * radius) * span(maxY - minY + 2 * radius) > MAX_LATTICE_NODES) step *= 1.25;
  const cols = span(maxX - minX + 2 * radius);
  const rows = span(maxY - minY + 2 * radius);
  // Each point adds its kernel to the lattice nodes within its radius: n × (π r² / step²) additions.
  const lattice = new Float64Array(cols * rows);
  const r2 = radius * radius;
  const reach = Math.ceil(radius / step);
  for (let j = 0; j < n; j++) {
    const pc = Math.round((points.x[j]! - x0) / step);
    const pr = Math.round((points.y[j]! - y0) / step);
    for (let r = Math.max(0, pr - reach); r <= Math.min(rows - 1, pr + reach); r++) {
      const dy = y0 + r * step - points.y[j]!;
      for (let c = Math.max(0, pc - reach); c <= Math.min(cols - 1, pc + reach); c++) {
        const dx = x0 + c * step - points.x[j]!;
        const u = (dx * dx + dy * dy) / r2;
        if (u < 1) lattice[c + r * cols]! += (1 - u) * (1 - u);
      }
    }
  }
  const starts: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = lattice[c + r * cols]!;
      if (v <= 0) continue;
      let peak = true;
      for (let dr = -1; dr <= 1 && peak; dr++) {
        for (let dc = -1; dc <= 1; dc++) {
          if (!dr && !dc) continue;
          const cc = c + dc;
          const rr = r + dr;
          if (cc < 0 || rr < 0 || cc >= cols || rr >= rows) continue;
          const w = lattice[cc + rr * cols]!;
          // ties go to the first node in scan order, so a flat top starts one climb
          if (w > v || (w === v && (rr < r || (rr === r && cc < c)))) {
            peak = false;
            break;
          }
        }
      }
      if (peak) starts.push(c + r * cols);
    }
  }
  starts.sort((a, b) => lattice[b]! - lattice[a]!);
  const at = bucketed(points, radius);
  const climbed: DensityPeak[] = [];
  // A climb gains little over its lattice node (the node is within step/√2 of the top), so only the highest
  // nodes can finish among the top peaks.
  for (const s of starts.slice(0, Math.max(50, top * 4))) {
    let x = x0 + (s % cols) * step;
    let y = y0 + Math.floor(s / cols) * step;
    let best = at(x, y);
    for (let h = step / 2; h >= 0.5; h /= 2) {
      for (let moved = true, guard = 0; moved && guard < 64; guard++) {
        moved = false;
        for (const [dx, dy] of [[h, 0], [-h, 0], [0, h], [0, -h], [h, h], [-h, -h], [h, -h], [-h, h]] as const) {
          const v = at(x + dx, y + dy);
          if (v > best) {
            best = v;
            x += dx;
            y += dy;
            moved = true;
          }
        }
      }
    }
    const same = climbed.find((p) => Math.hypot(p.x - x, p.y - y) < step);
    if (same) {
      if (best > same.density) Object.assign(same, { x, y, density: best });
      continue;
    }
    climbed.push({ x, y, density: best });
  }
  climbed.sort((a, b) => b.density - a.density);
  return { peaks: climbed.slice(0, top), step };
}

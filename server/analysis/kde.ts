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
  // Bucket the points in radius-sized squares; each target looks at its own and the eight around it.
  const buckets = new Map<string, number[]>();
  for (let j = 0; j < points.x.length; j++) {
    const k = `${Math.floor(points.x[j]! / radius)},${Math.floor(points.y[j]! / radius)}`;
    const b = buckets.get(k);
    if (b) b.push(j);
    else buckets.set(k, [j]);
  }
  const r2 = radius * radius;
  const norm = (3 / (Math.PI * r2)) * 1e6;
  for (let i = 0; i < targets.x.length; i++) {
    const tx = targets.x[i]!;
    const ty = targets.y[i]!;
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
    out[i] = d * norm;
  }
  return out;
}

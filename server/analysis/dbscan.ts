import { neighboursWithin, type PlanePoints } from './neighbours.ts';

/**
 * DBSCAN: points with at least `minPts` neighbours within `eps` metres (themselves included) are cores;
 * clusters are cores joined through each other plus the points they reach. Returns a cluster number per
 * point, −1 for noise, clusters numbered 0… in the order they were found.
 */
export function dbscan(pts: PlanePoints, eps: number, minPts: number): Int32Array {
  const n = pts.x.length;
  const { start, index } = neighboursWithin(pts, eps);
  const label = new Int32Array(n).fill(-2); // −2 unvisited, −1 noise
  let cluster = 0;
  const queue: number[] = [];
  for (let i = 0; i < n; i++) {
    if (label[i] !== -2) continue;
    if (start[i + 1]! - start[i]! < minPts) {
      label[i] = -1;
      continue;
    }
    label[i] = cluster;
    queue.length = 0;
    for (let p = start[i]!; p < start[i + 1]!; p++) queue.push(index[p]!);
    while (queue.length) {
      const j = queue.pop()!;
      if (label[j] === -1) label[j] = cluster; // a border point
      if (label[j] !== -2) continue;
      label[j] = cluster;
      if (start[j + 1]! - start[j]! >= minPts) for (let p = start[j]!; p < start[j + 1]!; p++) queue.push(index[p]!);
    }
    cluster++;
  }
  return label;
}

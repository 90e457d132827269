declare module 'sweepline-intersections' {
  /** Points where the geometry's segments cross (or touch), found with a sweep line in O((n + k) log n). */
  export default function findIntersections(geojson: unknown, ignoreSelfIntersections?: boolean): [number, number][];
}

declare module 'shpjs' {
  /** A zipped Shapefile (or a URL) to GeoJSON; several layers give an array. */
  export default function shp(input: ArrayBuffer | Uint8Array | Buffer | string): Promise<unknown>;
  /** The geometries of a .shp, in its own coordinates when no projection is given. */
  export function parseShp(shp: ArrayBuffer | Uint8Array | DataView, prj?: string): unknown[];
  /** The records of a .dbf, decoded with the given encoding (a TextDecoder label). */
  export function parseDbf(dbf: ArrayBuffer | Uint8Array | DataView, encoding?: string): unknown[];
}

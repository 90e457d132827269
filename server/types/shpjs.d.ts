declare module 'shpjs' {
  /** A zipped Shapefile (or a URL) to GeoJSON; several layers give an array. */
  export default function shp(input: ArrayBuffer | Uint8Array | Buffer | string): Promise<unknown>;
}

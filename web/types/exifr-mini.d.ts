// exifr's smallest build (JPEG and TIFF, EXIF segment only): the same API as the package's main entry.
declare module 'exifr/dist/mini.esm.mjs' {
  export * from 'exifr';
  import exifr from 'exifr';
  export default exifr;
}

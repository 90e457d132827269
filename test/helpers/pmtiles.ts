import fs from 'node:fs';

// A PMTiles v3 archive (https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md) in which every tile of
// zooms minZoom…maxZoom is the same image: one directory entry per zoom, run-length covering the whole level.

function varint(n: number, out: number[]): void {
  let v = n;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

/** The first tile id of zoom z (tiles of lower zooms come first on the Hilbert curve). */
const firstIdOf = (z: number) => ((4 ** z - 1) / 3);

export function writeUniformPmtiles(
  file: string,
  tile: Buffer,
  opts: { minZoom: number; maxZoom: number; bounds: [number, number, number, number]; tileType?: number; metadata?: Record<string, unknown> },
): void {
  const zooms = Array.from({ length: opts.maxZoom - opts.minZoom + 1 }, (_, i) => opts.minZoom + i);
  const dir: number[] = [];
  varint(zooms.length, dir);
  let last = 0;
  for (const z of zooms) {
    varint(firstIdOf(z) - last, dir);
    last = firstIdOf(z);
  }
  for (const z of zooms) varint(4 ** z, dir); // run lengths
  for (const _ of zooms) varint(tile.length, dir); // lengths
  for (const _ of zooms) varint(0 + 1, dir); // offsets, stored as offset + 1: every entry points at the one tile
  const root = Buffer.from(dir);
  const metadata = Buffer.from(JSON.stringify(opts.metadata ?? {}));
  const header = Buffer.alloc(127);
  header.write('PMTiles', 0, 'latin1');
  header[7] = 3;
  const rootOffset = 127;
  const metaOffset = rootOffset + root.length;
  const dataOffset = metaOffset + metadata.length;
  const u64 = (at: number, v: number) => header.writeBigUInt64LE(BigInt(v), at);
  u64(8, rootOffset);
  u64(16, root.length);
  u64(24, metaOffset);
  u64(32, metadata.length);
  u64(40, dataOffset);
  u64(48, 0);
  u64(56, dataOffset);
  u64(64, tile.length);
  u64(72, zooms.reduce((a, z) => a + 4 ** z, 0));
  u64(80, zooms.length);
  u64(88, 1);
  header[96] = 1; // clustered
  header[97] = 1; // internal compression: none
  header[98] = 1; // tile compression: none
  header[99] = opts.tileType ?? 2; // png
  header[100] = opts.minZoom;
  header[101] = opts.maxZoom;
  const [w, s, e, n] = opts.bounds;
  header.writeInt32LE(Math.round(w * 1e7), 102);
  header.writeInt32LE(Math.round(s * 1e7), 106);
  header.writeInt32LE(Math.round(e * 1e7), 110);
  header.writeInt32LE(Math.round(n * 1e7), 114);
  header[118] = opts.minZoom;
  header.writeInt32LE(Math.round(((w + e) / 2) * 1e7), 119);
  header.writeInt32LE(Math.round(((s + n) / 2) * 1e7), 123);
  fs.writeFileSync(file, Buffer.concat([header, root, metadata, tile]));
}

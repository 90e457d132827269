import fs from 'node:fs';
import type { Deps } from './context.ts';
import { AppError } from './errors.ts';

/** The local PMTiles basemap file: its size and version tag, and a reader for one byte range of it. */
export async function pmtilesFile(deps: Deps): Promise<{ size: number; etag: string; read(start: number, end: number): fs.ReadStream }> {
  const file = deps.options.pmtilesFile;
  const stat = file ? await fs.promises.stat(file).catch(() => null) : null;
  if (!file || !stat?.isFile()) {
    throw new AppError(404, 'no_pmtiles', 'This deployment serves no PMTiles basemap (set HOTSPOTS_BASEMAP=pmtiles and HOTSPOTS_PMTILES).');
  }
  return { size: stat.size, etag: `"${stat.size}-${stat.mtimeMs}"`, read: (start, end) => fs.createReadStream(file, { start, end }) };
}

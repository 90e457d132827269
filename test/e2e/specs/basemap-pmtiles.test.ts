import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useTownServer } from '../town-server.ts';
import { TownMap, type RGB } from '../driver.ts';
import { writeUniformPmtiles } from '../../helpers/pmtiles.ts';
import { solidPng } from '../tiles.ts';

// A basemap from a local PMTiles file (for a deployment without internet but with a county's imagery): the server
// answers the browser's range requests and MapLibre draws the tiles under the township's data.

const TILE: RGB = [30, 160, 200];
const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hotspots-pmtiles-')), 'county.pmtiles');
afterAll(() => fs.rmSync(path.dirname(file), { recursive: true, force: true }));
{
  // Metadata large enough that the archive is much bigger than the first read a client makes (16 KiB).
  writeUniformPmtiles(file, solidPng(TILE), { minZoom: 0, maxZoom: 16, bounds: [105.7, 25.9, 106.2, 26.4], metadata: { description: '县影像'.repeat(20_000) } });
}

const town = useTownServer({ env: () => ({ HOTSPOTS_BASEMAP: 'pmtiles', HOTSPOTS_PMTILES: file, HOTSPOTS_BASEMAP_ATTRIBUTION: '县影像底图' }) });

describe('a local PMTiles basemap', { timeout: 120_000 }, () => {
  it('is read piece by piece and drawn under the zones and pins', async () => {
    const map = await TownMap.open(town.browser, town.server.url, { as: 'leader' });
    try {
      // The whole township: around it, nothing of ours covers the tiles.
      await map.fitTownship();
      expect(await map.pixelsLike([TILE], 20)).toBeGreaterThan(20_000);
      // The file was read in pieces (header, directory, tiles), never whole: each piece is small.
      const reads = await map.fetchedSizes('/api/basemap/tiles.pmtiles');
      expect(reads.length).toBeGreaterThan(1);
      expect(Math.max(...reads)).toBeLessThan(fs.statSync(file).size);
      expect(await map.attribution()).toContain('县影像底图');
      expect(map.problems).toEqual([]);
    } finally {
      await map.close();
    }
  });
});

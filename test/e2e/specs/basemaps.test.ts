import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTownServer } from '../town-server.ts';
import { TownMap, type RGB } from '../driver.ts';
import { solidTileServer } from '../tiles.ts';

// An online basemap by URL (as 天地图 or OpenStreetMap would be), drawn under the township's data: a local tile
// service stands in for the internet, painting every tile one colour and counting the requests.

const TILE: RGB = [200, 30, 200];
let tiles: Awaited<ReturnType<typeof solidTileServer>>;
beforeAll(async () => {
  tiles = await solidTileServer(TILE);
});
afterAll(() => tiles.close());

const town = useTownServer({ env: () => ({ HOTSPOTS_BASEMAP: 'custom', HOTSPOTS_BASEMAP_URL: tiles.url, HOTSPOTS_BASEMAP_ATTRIBUTION: '测试底图' }) });

describe('an online basemap', { timeout: 120_000 }, () => {
  it('draws the configured tiles under the zones and pins, within the content policy', async () => {
    const map = await TownMap.open(town.browser, town.server.url, { as: 'leader' });
    try {
      await map.settle();
      expect(tiles.requests()).toBeGreaterThan(3);
      // The tiles' colour fills the map where nothing of ours is drawn over it.
      const visible = await map.pixelsLike([TILE], 20);
      expect(visible).toBeGreaterThan(20_000);
      expect(await map.attribution()).toContain('测试底图');
      expect(map.problems).toEqual([]);
    } finally {
      await map.close();
    }
  });
});

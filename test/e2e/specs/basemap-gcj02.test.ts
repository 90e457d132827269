import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTownServer } from '../town-server.ts';
import { TownMap } from '../driver.ts';
import { solidTileServer } from '../tiles.ts';
import { alongRoad, demoTown } from '../../helpers/town.ts';
import { distanceMetres } from '../../../server/domain/geo.ts';
import { wgs84ToGcj02 } from '../../../server/domain/coords.ts';

// A GCJ-02 basemap (as Amap's): everything of ours is drawn shifted onto its roads, and a pin dropped on it is
// stored where it really is, in WGS84.

const { generatorTown } = demoTown();
let tiles: Awaited<ReturnType<typeof solidTileServer>>;
beforeAll(async () => {
  tiles = await solidTileServer([235, 235, 228]);
});
afterAll(() => tiles.close());

const town = useTownServer({ env: () => ({ HOTSPOTS_BASEMAP: 'custom', HOTSPOTS_BASEMAP_URL: tiles.url, HOTSPOTS_BASEMAP_CRS: 'gcj02' }) });

describe('a GCJ-02 basemap', { timeout: 120_000 }, () => {
  it('draws pins at their GCJ-02 place, and stores a dropped pin in WGS84', async () => {
    const map = await TownMap.open(town.browser, town.server.url, { as: 'inspector' });
    try {
      await map.zoomToTownCentre();
      // A spot on a lane of zone 3, as the rectification story uses; dropped where the basemap shows it.
      const [lon, lat] = alongRoad(generatorTown.roads, 'laneA', 1, 0.35);
      const [sx, sy] = wgs84ToGcj02(lon, lat);
      expect(distanceMetres([lon, lat], [sx, sy])).toBeGreaterThan(200);
      await map.dropPin(sx, sy);
      expect(await map.placeShownForPin()).toBe('第三保洁区 · 安章社区');
      const note = `高德底图上报 ${Date.now()}`;
      await map.describeAndSubmit('exposed_garbage', note);
      const d = 0.001;
      const found = await map.getJson(`/api/reports?bbox=${[lon - d, lat - d, lon + d, lat + d].join(',')}&category=exposed_garbage`);
      const mine = found.features.find((f: any) => f.properties.description === note);
      expect(mine, 'the report is stored at the WGS84 spot').toBeDefined();
      // Within the click's pixel (a few metres at this zoom), not the 300–600 m of the shift.
      expect(distanceMetres(mine.geometry.coordinates, [lon, lat])).toBeLessThan(10);
      // The new pin is drawn where it was dropped (the shifted place), in the category's red.
      await map.settle();
      const [r, g, b] = await map.colourAt(sx, sy);
      expect(r).toBeGreaterThan(150);
      expect(g).toBeLessThan(120);
      expect(b).toBeLessThan(120);
      expect(map.problems).toEqual([]);
    } finally {
      await map.close();
    }
  });
});

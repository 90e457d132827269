import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTownServer } from '../town-server.ts';
import { TownMap, type RGB } from '../driver.ts';

// An online basemap by URL (as 天地图 or OpenStreetMap would be), drawn under the township's data: a local tile
// service stands in for the internet, painting every tile one colour and counting the requests.

const TILE: RGB = [200, 30, 200];
let tileServer: http.Server;
let tileRequests = 0;
let tileUrl = '';

function solidPng([r, g, b]: RGB): Buffer {
  const png = new PNG({ width: 256, height: 256 });
  for (let i = 0; i < png.data.length; i += 4) png.data.set([r, g, b, 255], i);
  return PNG.sync.write(png);
}

beforeAll(async () => {
  const body = solidPng(TILE);
  tileServer = http.createServer((req, res) => {
    if (!/^\/tiles\/\d+\/\d+\/\d+\.png$/.test(req.url ?? '')) return res.writeHead(404).end();
    tileRequests++;
    res.writeHead(200, { 'content-type': 'image/png', 'access-control-allow-origin': '*' }).end(body);
  });
  await new Promise<void>((r) => tileServer.listen(0, '127.0.0.1', () => r()));
  tileUrl = `http://127.0.0.1:${(tileServer.address() as AddressInfo).port}/tiles/{z}/{x}/{y}.png`;
});
afterAll(() => new Promise((r) => tileServer.close(r)));

const town = useTownServer({ env: () => ({ HOTSPOTS_BASEMAP: 'custom', HOTSPOTS_BASEMAP_URL: tileUrl, HOTSPOTS_BASEMAP_ATTRIBUTION: '测试底图' }) });

describe('an online basemap', { timeout: 120_000 }, () => {
  it('draws the configured tiles under the zones and pins, within the content policy', async () => {
    const map = await TownMap.open(town.browser, town.server.url, { as: 'leader' });
    try {
      await map.settle();
      expect(tileRequests).toBeGreaterThan(3);
      // The tiles' colour fills the map where nothing of ours is drawn over it.
      const visible = await map.pixelsLike([TILE], 20);
      expect(visible).toBeGreaterThan(20_000);
      expect(await map.page.locator('.maplibregl-ctrl-attrib').textContent()).toContain('测试底图');
      expect(map.problems).toEqual([]);
    } finally {
      await map.close();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { useTownServer } from '../town-server.ts';
import { TownMap, type RGB } from '../driver.ts';
import { alongRoad, demoTown } from '../../helpers/town.ts';

// A leading-group member opens the map of the demo town, sees its zones, villages, pins and heat,
// and drops a pin for a pile of rubbish on a lane of zone 3.

const { generatorTown } = demoTown();

const town = useTownServer();

/** Opens the map in a fresh page for one story and always closes it. */
async function onMap(story: (map: TownMap) => Promise<void>): Promise<void> {
  const map = await TownMap.open(town.browser, town.server.url);
  try {
    await story(map);
  } finally {
    await map.close();
  }
}

const GARBAGE_RED: RGB = [215, 48, 31];
const AD_PURPLE: RGB = [140, 45, 158];
const HEAT: RGB[] = [
  [254, 178, 76],
  [253, 141, 60],
  [240, 59, 32],
  [189, 0, 38],
];

describe('the living map of the demo town', { timeout: 120_000 }, () => {
  it('draws the four cleaning zones and every village of the township', async () => {
    await onMap(async (map) => {
      const drawn = await map.drawnAreas();
      expect(drawn.villages).toHaveLength(9);
      expect(drawn.villages).toEqual(expect.arrayContaining(['安章社区', '半边街村']));
      expect(drawn.zones).toEqual(['第一保洁区', '第三保洁区', '第二保洁区', '第四保洁区']);
      expect(map.problems).toEqual([]);
    });
  });

  it('draws report pins in their category colours and a heatmap where they concentrate', async () => {
    await onMap(async (map) => {
      await map.zoomToTownCentre();
      await map.showAnalysis('none');
      const withPins = await map.pixelsLike([GARBAGE_RED, AD_PURPLE], 24);
      await map.toggleLayer('pins');
      const withoutPins = await map.pixelsLike([GARBAGE_RED, AD_PURPLE], 24);
      expect(withPins).toBeGreaterThan(300);
      expect(withoutPins).toBeLessThan(withPins / 4);

      const noHeat = await map.pixelsLike(HEAT, 18);
      await map.showAnalysis('heatmap');
      const heat = await map.pixelsLike(HEAT, 18);
      expect(heat).toBeGreaterThan(noHeat + 2000);
      expect(await map.reportCountText()).toMatch(/当前显示 \d+ 条问题/);
    });
  });

  it('drops a pin on a lane of zone 3, shows its zone and village before sending, and the server has it', async () => {
    await onMap(async (map) => {
      await map.zoomToTownCentre();
      const [lon, lat] = alongRoad(generatorTown.roads, 'laneB', 1, 0.4);
      const countBefore = await map.reportCountText();
      await map.dropPin(lon, lat);
      expect(await map.placeShownForPin()).toBe('第三保洁区 · 安章社区');
      const note = `e2e 巷道垃圾 ${Date.now()}`;
      const toast = await map.describeAndSubmit('exposed_garbage', note);
      expect(toast).toContain('第三保洁区');
      expect(await map.reportCountText()).not.toBe(countBefore);

      const d = 0.002;
      const body = await map.getJson(`/api/reports?bbox=${[lon - d, lat - d, lon + d, lat + d].join(',')}&category=exposed_garbage`);
      const mine = body.features.filter((f: any) => f.properties.description === note);
      expect(mine).toHaveLength(1);
      const detail = await map.getJson(`/api/reports/${mine[0]!.id}`);
      expect(detail.zone.nameZh).toBe('第三保洁区');
      expect(Math.abs(detail.lon - lon)).toBeLessThan(0.0002);
      expect(Math.abs(detail.lat - lat)).toBeLessThan(0.0002);
      await map.waitForDetails();
      expect(map.problems).toEqual([]);
    });
  });

  it('speaks English on demand', async () => {
    await onMap(async (map) => {
      expect(await map.title()).toContain('创文卫生热点地图');
      await map.switchLanguage();
      expect(await map.title()).toContain('Sanitation hotspot map');
      expect(await map.title()).toContain('Naju Township');
    });
  });
});

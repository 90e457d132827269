import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTownServer } from '../town-server.ts';
import { TownMap, type RGB } from '../driver.ts';
import { alongRoad, demoTown } from '../../helpers/town.ts';
import { hexToRgb, STATE_COLORS } from '../../../web/map/colors.ts';
import { localDate } from '../../../server/domain/calendar.ts';

// The loop the township's plan describes, as its people live it: the inspector reports, the zone's
// cleaner rectifies with a photo and cannot sign off their own work, the office verifies and closes,
// and an item left past its deadline costs the zone a deduction.

const AFTER_PHOTO = path.resolve('test/fixtures/after.jpg');
const { generatorTown } = demoTown();
const DAY = 86_400_000;

let clockOffset = 0;
const town = useTownServer({ now: () => new Date(Date.now() + clockOffset) });

const near = (a: RGB, b: RGB, tol = 40) => a.every((v, i) => Math.abs(v - b[i]!) <= tol);

describe('the rectification loop in the browser', { timeout: 180_000 }, () => {
  it('inspector reports, the cleaner rectifies with a photo, the office verifies, and the pin turns from open to closed', async () => {
    const [lon, lat] = alongRoad(generatorTown.roads, 'laneA', 1, 0.35);
    const map = await TownMap.open(town.browser, town.server.url, { as: 'inspector' });
    try {
      // the inspector drops the pin
      await map.zoomToTownCentre();
      await map.dropPin(lon, lat);
      expect(await map.placeShownForPin()).toBe('第三保洁区 · 安章社区');
      const note = `车站巷口垃圾 ${Date.now()}`;
      await map.describeAndSubmit('exposed_garbage', note);
      const d = 0.001;
      const found = await map.getJson(`/api/reports?bbox=${[lon - d, lat - d, lon + d, lat + d].join(',')}&category=exposed_garbage`);
      const id: string = found.features.find((f: any) => f.properties.description === note).id;
      expect((await map.getJson(`/api/reports/${id}`)).status).toBe('notified');

      // the cleaner of zone 3 finds it among their tasks and rectifies it with a photo
      await map.signOutAndIn('cleaner3');
      await map.openView('tasks');
      await map.openTask(id);
      // the cleaner may also return an item that is not theirs, or ask for more time
      expect(await map.actionsOffered()).toEqual(['rectify', 'return', 'extend']);
      // the rectification goes through the phone's outbox, as it would with no signal
      await map.rectifyTask(id, { photo: AFTER_PHOTO, note: '已清扫' });
      // …and the item moves to the list of those waiting for the office's verification
      await map.taskInGroup('waiting', id);
      await map.openTask(id);
      await map.waitForDetail('status', '已整改待复查');
      expect(await map.detailPhotoCount()).toBe(1);

      // …and may not sign off their own work
      expect(await map.actionsOffered()).toEqual([]);
      const selfVerify = await map.postJson(`/api/reports/${id}/transitions`, { action: 'verify' });
      expect(selfVerify.status).toBe(403);
      map.problems.length = 0; // that refusal is the point, not a fault

      // the office sees it rectified (blue), verifies it, and the pin turns closed (green)
      await map.signOutAndIn('office');
      await map.visit(`/?report=${id}`);
      await map.showAnalysis('none');
      await map.colourPinsBy('state');
      await map.jumpTo(lon, lat, 17);
      await map.waitForDetails();
      expect(near(await map.colourAt(lon, lat), hexToRgb(STATE_COLORS.rectified))).toBe(true);
      expect(await map.actionsOffered()).toEqual(['verify', 'reopen', 'merge']);
      await map.act('verify', { note: '复查合格' });
      await map.waitForDetail('status', '已销号');
      await map.settle();
      expect(near(await map.colourAt(lon, lat), hexToRgb(STATE_COLORS.closed))).toBe(true);
      const history = await map.detailHistory();
      expect(history.join('\n')).toMatch(/上报[\s\S]*通知整改[\s\S]*完成整改[\s\S]*复查合格销号/);
      expect(map.problems).toEqual([]);
    } finally {
      await map.close();
    }
  });

  it('records a deduction for an item left past its deadline, on the item and in the month’s table', async () => {
    const [lon, lat] = alongRoad(generatorTown.roads, 'laneC', 0, 0.5);
    const map = await TownMap.open(town.browser, town.server.url, { as: 'inspector' });
    try {
      const created = await map.postJson('/api/reports', { category: 'exposed_garbage', lon, lat, description: '逾期测试' });
      expect(created.status).toBe(201);
      const id: string = created.body.id;
      await map.signOutAndIn('office');
      await map.openView('ledger');
      // the deduction belongs to the month of the missed deadline
      const month = localDate(created.body.deadlineAt, 'Asia/Shanghai').slice(0, 7);
      const before = await zone3Yuan(map, month);

      clockOffset = 2 * DAY; // two days later: the same-day deadline has long passed
      // Two days idle: the office's desk session has ended, and the office signs in again.
      await map.reloadSignedOut('office');
      await map.ledgerOverdueOnly();
      expect(await map.ledgerRow(id, { open: true })).toContain('逾期');
      await map.waitForDetail('deductions', '扣款50元');

      const after = await zone3Yuan(map, month);
      expect(after).toBeGreaterThanOrEqual(before + 50);
    } finally {
      clockOffset = 0;
      await map.close();
    }
  });
});

/** The deduction (yuan) of zone 3 in the accountability table of a month. */
async function zone3Yuan(map: TownMap, month: string): Promise<number> {
  return Number((await map.scoresRow(month, '第三保洁区'))[4]);
}

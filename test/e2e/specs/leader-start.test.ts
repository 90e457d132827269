import { describe, expect, it } from 'vitest';
import { useTownServer } from '../town-server.ts';
import { TownMap } from '../driver.ts';
import { apiSession } from '../api-session.ts';
import { alongRoad, demoTown } from '../../helpers/town.ts';

// The leading group's start page: the day's and the week's figures first, the map on where to focus (heat at
// township zoom, the items themselves from street zoom), filters by state and by zone or village, and no button
// for what the role may not do.

const { generatorTown } = demoTown();
const SPOT = alongRoad(generatorTown.roads, 'mainStreet', 1, 0.5) as [number, number];
const town = useTownServer();
const db = () => town.server.deps.store.db;

describe('the leading group’s start page', { timeout: 240_000 }, () => {
  it('opens on the figures and the heat, shows pins from street zoom, and narrows by state and area', async () => {
    const inspector = await apiSession(town.server.url, 'inspector');
    const made = await inspector.post('/api/reports', { category: 'illegal_ad', lon: SPOT[0], lat: SPOT[1], description: '领导页测试' });
    expect(made.status).toBe(201);

    const map = await TownMap.open(town.browser, town.server.url, { as: 'leader', width: 1366, height: 768 });
    try {
      // the figures, as counted in the database
      const overdue = await db()
        .selectFrom('reports')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('status', 'in', ['reported', 'notified'])
        .where('deadline_at', '<', new Date().toISOString())
        .executeTakeFirstOrThrow();
      await expect.poll(() => map.headlineFigure('overdue')).toBe(String(overdue.n));
      const h = await map.getJson('/api/headline');
      expect(await map.headlineFigure('today-new')).toBe(String(h.today.new));
      expect(h.today.new).toBeGreaterThan(0);
      // a role that may not report has no button for it
      expect(await map.offered('report-mode')).toEqual({ 'report-mode': 0 });

      // at township zoom the heat, not 500 pins: a click on an item's spot opens nothing
      expect(await map.pinsHint('shown')).toBe(true);
      await map.clickMapAt(SPOT[0], SPOT[1]);
      expect(await map.detailsOpen()).toBe(false);

      // from street zoom, the items themselves
      await map.jumpTo(SPOT[0], SPOT[1], 17);
      expect(await map.pinsHint('gone')).toBe(false);
      await map.openPin(SPOT[0], SPOT[1]);
      await expect.poll(() => map.detail('case-no')).toBe(made.body.caseNo);
      await map.closeDetails();

      // narrowed to closed items of zone 3: the count is the server's for the same filters
      const { from, to } = await map.filterPeriod();
      await map.filterBy({ state: 'closed', area: '第三保洁区' });
      const zone3 = (await map.getJson('/api/areas')).features.find((f: any) => f.properties.code === 'zone-3').id;
      const expected = await map.getJson(`/api/reports?status=closed&zone=${zone3}&from=${from}&to=${to}&limit=5000`);
      expect(expected.numberReturned).toBeGreaterThan(0);
      await expect.poll(() => map.reportCountText()).toContain(`当前显示 ${expected.numberReturned} 条问题`);
      expect(expected.features.every((f: any) => f.properties.status === 'closed')).toBe(true);
      expect(map.problems).toEqual([]);
    } finally {
      await map.close();
    }
  });
});

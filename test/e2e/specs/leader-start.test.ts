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
    const page = map.page;
    try {
      // the figures, as counted in the database
      await page.locator('[data-testid=headline]').waitFor();
      const overdue = await db()
        .selectFrom('reports')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('status', 'in', ['reported', 'notified'])
        .where('deadline_at', '<', new Date().toISOString())
        .executeTakeFirstOrThrow();
      await expect.poll(() => page.textContent('[data-testid=headline-overdue]')).toBe(String(overdue.n));
      const h = await map.getJson('/api/headline');
      expect(await page.textContent('[data-testid=headline-today-new]')).toBe(String(h.today.new));
      expect(h.today.new).toBeGreaterThan(0);
      // a role that may not report has no button for it
      expect(await page.locator('[data-testid=report-mode]').count()).toBe(0);

      // at township zoom the heat, not 500 pins: a click on an item's spot opens nothing
      await page.locator('[data-testid=pins-hint]').waitFor();
      const px = await page.evaluate(([x, y]) => window.__hotspots!.map.project([x, y]), SPOT);
      const box = (await page.locator('[data-testid=map]').boundingBox())!;
      await page.mouse.click(box.x + px.x, box.y + px.y);
      await map.settle();
      expect(await page.locator('[data-testid=report-detail]').count()).toBe(0);

      // from street zoom, the items themselves
      await page.evaluate(([x, y]) => window.__hotspots!.map.jumpTo({ center: [x, y], zoom: 17 }), SPOT);
      await map.settle();
      await page.locator('[data-testid=pins-hint]').waitFor({ state: 'detached' });
      await map.openPin(SPOT[0], SPOT[1]);
      await expect.poll(() => page.textContent('[data-testid=detail-case-no]')).toBe(made.body.caseNo);
      await page.click('[data-testid=report-detail] button[aria-label]');

      // narrowed to closed items of zone 3: the count is the server's for the same filters
      const from = await page.inputValue('[data-testid=filter-from]');
      const to = await page.inputValue('[data-testid=filter-to]');
      await page.selectOption('[data-testid=filter-state]', 'closed');
      await page.selectOption('[data-testid=filter-area]', { label: '第三保洁区' });
      const zone3 = (await map.getJson('/api/areas')).features.find((f: any) => f.properties.code === 'zone-3').id;
      const expected = await map.getJson(`/api/reports?status=closed&zone=${zone3}&from=${from}&to=${to}&limit=5000`);
      expect(expected.numberReturned).toBeGreaterThan(0);
      await expect.poll(() => page.textContent('[data-testid=report-count]')).toContain(`当前显示 ${expected.numberReturned} 条问题`);
      expect(expected.features.every((f: any) => f.properties.status === 'closed')).toBe(true);
      expect(map.problems).toEqual([]);
    } finally {
      await map.close();
    }
  });
});

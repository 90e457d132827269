import { describe, expect, it } from 'vitest';
import { useTownServer } from '../town-server.ts';
import { TownMap } from '../driver.ts';
import { apiSession } from '../api-session.ts';
import { alongRoad, demoTown } from '../../helpers/town.ts';
import type { Page } from '../helper.ts';

// A case's steps in the browser: the office dispatches an item to another zone, that zone's cleaner returns it as
// not theirs; the right cleaner asks for more time, the office approves, and refuses the second request; the
// office parks the item, restores it, and urges.

const { generatorTown } = demoTown();
const SPOT = alongRoad(generatorTown.roads, 'laneB', 1, 0.3) as [number, number];
const town = useTownServer();
const db = () => town.server.deps.store.db;
const row = (id: string) => db().selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

/** Takes a step from the open item panel, with a reason when one is asked for. */
async function step(page: Page, action: string, fill: (p: Page) => Promise<void> = async () => {}) {
  await page.click(`[data-testid=detail-actions] [data-testid=action-${action}]`);
  await page.locator('[data-testid=action-form]').waitFor();
  await fill(page);
  await page.click('[data-testid=action-submit]');
  await page.locator('[data-testid=action-form]').waitFor({ state: 'detached' });
}

describe('the steps of a case, in the browser', { timeout: 300_000 }, () => {
  it('dispatch, return, extension approved and refused, park and restore, urge', async () => {
    const inspector = await apiSession(town.server.url, 'inspector');
    const made = await inspector.post('/api/reports', { category: 'road_stall', lon: SPOT[0], lat: SPOT[1], description: '巷口占道 流转测试' });
    expect(made.status).toBe(201);
    const { id, caseNo } = made.body as { id: string; caseNo: string };
    expect(made.body.responsibleArea.code).toBe('zone-3');

    const office = await TownMap.open(town.browser, town.server.url, { as: 'office', path: '/ledger', width: 1366, height: 768 });
    const openItem = async () => {
      await office.page.fill('[data-testid=ledger-search]', caseNo);
      await office.page.press('[data-testid=ledger-search]', 'Enter');
      await office.page.locator(`[data-testid=ledger-row][data-report-id="${id}"]`).click();
      await expect.poll(() => office.page.textContent('[data-testid=detail-case-no]')).toBe(caseNo);
      await office.page.locator('[data-testid=detail-actions]').waitFor();
    };
    const cleanerItem = async (username: string) => {
      const phone = await TownMap.open(town.browser, town.server.url, { as: username, path: '/tasks', width: 360, height: 640 });
      await phone.page.click(`[data-testid=task-item][data-report-id="${id}"]`);
      await phone.page.click('[data-testid=task-details]');
      await phone.page.locator('[data-testid=detail-actions]').waitFor();
      return phone;
    };
    try {
      // the office sends it to zone 1
      await openItem();
      await step(office.page, 'dispatch', async (p) => {
        await p.selectOption('[data-testid=dispatch-area]', { label: '第一保洁区' });
        await p.fill('[data-testid=action-note]', '属第一保洁区');
      });
      await expect.poll(async () => (await office.page.textContent('[data-testid=detail-assignee]')) ?? '').toContain('第一保洁区');
      expect((await row(id)).responsible_area_id).not.toBe(made.body.responsibleArea.id);

      // zone 1's cleaner returns it: not theirs
      const cleaner1 = await cleanerItem('cleaner1');
      await step(cleaner1.page, 'return', (p) => p.fill('[data-testid=action-note]', '在第三保洁区一侧'));
      await expect.poll(async () => (await row(id)).status).toBe('reported');
      expect((await row(id)).assignee_id).toBeNull();
      await cleaner1.page.reload();
      await cleaner1.page.locator('[data-testid=tasks]').waitFor();
      await expect.poll(() => cleaner1.page.locator(`[data-testid=task-item][data-report-id="${id}"]`).count()).toBe(0);
      expect(cleaner1.problems).toEqual([]);
      await cleaner1.close();

      // back to zone 3
      await office.page.reload();
      await office.page.locator('[data-testid=ledger-search]').waitFor();
      await openItem();
      await step(office.page, 'dispatch', (p) => p.selectOption('[data-testid=dispatch-area]', { label: '第三保洁区' }).then(() => {}));
      await expect.poll(async () => (await row(id)).status).toBe('notified');

      // zone 3's cleaner asks for two more days
      const cleaner3 = await cleanerItem('cleaner3');
      const day = new Date(Date.now() + 2 * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
      await step(cleaner3.page, 'extend', async (p) => {
        await p.fill('[data-testid=extend-until]', day);
        await p.fill('[data-testid=action-note]', '摊主外出,需协调');
      });
      await cleaner3.page.locator('[data-testid=detail-extension]').waitFor();
      const asked = (await row(id)).extension_until!;
      // the end of that working day, 17:30 in the township
      expect(new Date(Date.parse(asked) + 8 * 3_600_000).toISOString().slice(0, 16)).toBe(`${day}T17:30`);

      // the office approves
      await office.page.reload();
      await office.page.locator('[data-testid=ledger-search]').waitFor();
      await openItem();
      await office.page.locator('[data-testid=detail-extension]').waitFor();
      await step(office.page, 'approve_extension');
      await expect.poll(async () => (await row(id)).deadline_at).toBe(asked);
      await office.page.locator('[data-testid=detail-extension]').waitFor({ state: 'detached' });

      // a second request, refused with a reason: the deadline stays
      const later = new Date(Date.now() + 5 * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
      await cleaner3.page.reload();
      await cleaner3.page.click(`[data-testid=task-item][data-report-id="${id}"]`);
      await cleaner3.page.click('[data-testid=task-details]');
      await step(cleaner3.page, 'extend', async (p) => {
        await p.fill('[data-testid=extend-until]', later);
        await p.fill('[data-testid=action-note]', '还需三天');
      });
      expect(cleaner3.problems).toEqual([]);
      await cleaner3.close();
      await office.page.reload();
      await office.page.locator('[data-testid=ledger-search]').waitFor();
      await openItem();
      await step(office.page, 'refuse_extension', (p) => p.fill('[data-testid=action-note]', '已延期一次'));
      await expect.poll(async () => (await row(id)).extension_until).toBeNull();
      expect((await row(id)).deadline_at).toBe(asked);

      // parked while it cannot be solved in time, then restored
      await step(office.page, 'park', (p) => p.fill('[data-testid=action-note]', '需拆违后处理'));
      await office.page.locator('[data-testid=detail-parked]').waitFor();
      expect(await row(id)).toMatchObject({ deadline_at: null, parked_deadline_at: asked });
      await step(office.page, 'restore');
      await office.page.locator('[data-testid=detail-parked]').waitFor({ state: 'detached' });
      expect((await row(id)).parked_at).toBeNull();
      expect((await row(id)).deadline_at).not.toBeNull();

      // and urged
      await step(office.page, 'urge', (p) => p.fill('[data-testid=action-note]', '今天下班前完成'));
      await expect.poll(async () => (await office.page.textContent('[data-testid=detail-history]')) ?? '').toContain('催办');
      const steps = await db().selectFrom('report_events').select('type').where('report_id', '=', id).orderBy('id').execute();
      expect(steps.map((s) => s.type)).toEqual(['created', 'notify', 'dispatch', 'return', 'dispatch', 'extend', 'approve_extension', 'extend', 'refuse_extension', 'park', 'restore', 'urge']);
      const history = (await office.page.textContent('[data-testid=detail-history]')) ?? '';
      expect(history).not.toMatch(/event\.|approve_extension|refuse_extension/);
      expect(office.problems).toEqual([]);
    } finally {
      await office.close();
    }
  });
});

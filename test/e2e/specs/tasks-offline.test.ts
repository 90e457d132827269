import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTownServer } from '../town-server.ts';
import { fieldPhone, outboxItems, tooSmall, waitForOfflineCopy } from '../field-phone.ts';
import { apiSession } from '../api-session.ts';
import { alongRoad, demoTown } from '../../helpers/town.ts';
import { TASK_GROUPS } from '../../../server/domain/task-order.ts';

// A cleaner in zone 3 on a phone with no signal in the lane: the task list opens from the phone, the day's work
// comes first, and the rectification with its after-photo is queued and sent once, even when its answer is lost.

const { generatorTown } = demoTown();
const SPOT = alongRoad(generatorTown.roads, 'laneA', 1, 0.4) as [number, number];
const AFTER = path.resolve('test/fixtures/after.jpg');

const town = useTownServer();
const db = () => town.server.deps.store.db;

describe('the tasks view on a cleaner\'s phone', { timeout: 240_000 }, () => {
  it('opens offline after one visit, puts today\'s work first, and sends an offline rectification exactly once', async () => {
    const inspector = await apiSession(town.server.url, 'inspector');
    // a road stall is due 4 hours after it is reported: within the day's work whatever the hour this runs
    const made = await inspector.post('/api/reports', { category: 'road_stall', lon: SPOT[0], lat: SPOT[1], description: '巷口摊点 离线整改' });
    expect(made.status).toBe(201);
    const id: string = made.body.id;
    expect(made.body.status).toBe('notified');
    const next = await inspector.post('/api/reports', { category: 'road_stall', lon: SPOT[0] + 0.00002, lat: SPOT[1], description: '巷口另一处摊点' });
    expect(next.status).toBe(201);
    const neighbour: string = next.body.id;

    const { context, page, errors } = await fieldPhone(town.browser, town.server.url, { as: 'cleaner3', path: '/tasks', serviceWorkers: 'allow' });
    try {
      // the service worker holds the shell, the tasks view's code and the list
      await waitForOfflineCopy(page, ['/index.html', '/api/tasks', '/api/township'], 'TasksView');

      // the day's work first: the new item is due within 4 hours; groups in the order urgent, later, backlog, waiting
      await page.locator(`[data-testid=task-group-urgent] [data-testid=task-item][data-report-id="${id}"]`).waitFor();
      const groups = await page.locator('[data-testid^=task-group-]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.replace('task-group-', '')));
      expect(groups[0]).toBe('urgent');
      expect(groups).toEqual(TASK_GROUPS.filter((g) => groups.includes(g)));

      // a tap on its dot on the map picks the item in the list, even with another item's dot two metres away
      // (their fingertip-sized tap areas overlap; the nearer dot wins, not the one drawn on top)
      const tapDot = async (reportId: string) => {
        // once the map has settled (it fits itself to the items as the list and the page's layout arrive)
        const dot = page.locator(`[data-testid=marker][data-id="${reportId}"]`);
        let box = (await dot.boundingBox())!;
        await expect
          .poll(async () => {
            const now = (await dot.boundingBox())!;
            const still = Math.abs(now.x - box.x) < 0.5 && Math.abs(now.y - box.y) < 0.5;
            box = now;
            return still;
          })
          .toBe(true);
        await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
        await expect.poll(() => page.getAttribute(`[data-testid=task-item][data-report-id="${reportId}"]`, 'class')).toContain('selected');
      };
      await page.locator(`[data-testid=marker][data-id="${neighbour}"]`).waitFor();
      await tapDot(id);
      await tapDot(neighbour);
      await tapDot(id);

      await context.setOffline(true);
      await page.reload();
      await page.locator(`[data-testid=task-item][data-report-id="${id}"]`).waitFor({ timeout: 90_000 });

      // the first answer to reach the phone is lost after the server took the rectification
      let posts = 0;
      await page.route('**/api/reports/*/transitions', async (route) => {
        posts++;
        const response = await route.fetch();
        if (posts === 1) return route.abort('connectionreset');
        return route.fulfill({ response });
      });
      await page.click(`[data-testid=task-item][data-report-id="${id}"]`);
      await page.click('[data-testid=task-rectify]');
      await page.setInputFiles('[data-testid=rectify-photo]', AFTER);
      await page.locator('[data-testid=rectify-form] [data-testid=photo-previews] img').waitFor();
      await page.fill('[data-testid=rectify-note]', '已清扫干净');
      await page.click('[data-testid=rectify-submit]');
      await page.locator('[data-testid=tasks-saved]').waitFor();
      const small = await tooSmall(page, '.tasks-list');
      expect([...new Set(small)].slice(0, 20)).toEqual([]);
      expect((await outboxItems(page)).map((i) => i.state)).toEqual(['waiting']);
      expect((await db().selectFrom('reports').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status).toBe('notified');

      await context.setOffline(false);
      await page.evaluate(() => window.dispatchEvent(new Event('online')));
      await page.locator('[data-testid=outbox-item][data-kind=rectify][data-state=sent]').waitFor({ timeout: 90_000 });
      expect(posts).toBeGreaterThanOrEqual(2);
      const row = await db().selectFrom('reports').select(['status', 'rectified_by']).where('id', '=', id).executeTakeFirstOrThrow();
      expect(row.status).toBe('rectified');
      const cleaner = await db().selectFrom('users').select('id').where('username', '=', 'cleaner3').executeTakeFirstOrThrow();
      expect(row.rectified_by).toBe(cleaner.id);
      const rectifications = await db().selectFrom('report_events').select(['note']).where('report_id', '=', id).where('type', '=', 'rectify').execute();
      expect(rectifications).toEqual([{ note: '已清扫干净' }]);
      const after = await db().selectFrom('report_photos').select('photo_id').where('report_id', '=', id).where('kind', '=', 'after').execute();
      expect(after).toHaveLength(1);
      // and it now waits for the office, at the end of the list
      await page.locator(`[data-testid=task-group-waiting] [data-testid=task-item][data-report-id="${id}"]`).waitFor({ timeout: 30_000 });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

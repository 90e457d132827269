import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTownServer } from '../town-server.ts';
import { Phone } from '../driver.ts';
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

    const p = await Phone.open(town.browser, town.server.url, { as: 'cleaner3', path: '/tasks', serviceWorkers: 'allow' });
    try {
      // the service worker holds the shell, the tasks view's code and the list
      await p.offlineCopy(['/index.html', '/api/tasks', '/api/township'], 'TasksView');

      // the day's work first: the new item is due within 4 hours; groups in the order urgent, later, backlog, waiting
      await p.waitForTask(id, 'urgent');
      const groups = await p.taskGroups();
      expect(groups[0]).toBe('urgent');
      expect(groups).toEqual(TASK_GROUPS.filter((g) => groups.includes(g)));

      // a tap on its dot on the map picks the item in the list, even with another item's dot two metres away
      // (their fingertip-sized tap areas overlap; the nearer dot wins, not the one drawn on top)
      await p.tapDot(id);
      await p.tapDot(neighbour);
      await p.tapDot(id);

      await p.offline(true);
      await p.reload({ timeout: 90_000 });
      await p.waitForTask(id, undefined, 90_000);

      // the first answer to reach the phone is lost after the server took the rectification
      const posts = await p.loseAnswers('**/api/reports/*/transitions', (n) => n === 0);
      await p.rectify(id, AFTER, '已清扫干净');
      const small = await p.tooSmall('.tasks-list');
      expect([...new Set(small)].slice(0, 20)).toEqual([]);
      expect((await p.outboxItems()).map((i) => i.state)).toEqual(['waiting']);
      expect((await db().selectFrom('reports').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status).toBe('notified');

      await p.backOnline();
      await p.waitForOutbox({ kind: 'rectify', state: 'sent', timeout: 90_000 });
      expect(posts()).toBeGreaterThanOrEqual(2);
      const row = await db().selectFrom('reports').select(['status', 'rectified_by']).where('id', '=', id).executeTakeFirstOrThrow();
      expect(row.status).toBe('rectified');
      const cleaner = await db().selectFrom('users').select('id').where('username', '=', 'cleaner3').executeTakeFirstOrThrow();
      expect(row.rectified_by).toBe(cleaner.id);
      const rectifications = await db().selectFrom('report_events').select(['note']).where('report_id', '=', id).where('type', '=', 'rectify').execute();
      expect(rectifications).toEqual([{ note: '已清扫干净' }]);
      const after = await db().selectFrom('report_photos').select('photo_id').where('report_id', '=', id).where('kind', '=', 'after').execute();
      expect(after).toHaveLength(1);
      // and it now waits for the office, at the end of the list
      await p.waitForTask(id, 'waiting', 30_000);
      expect(p.errors).toEqual([]);
    } finally {
      await p.close();
    }
  });
});

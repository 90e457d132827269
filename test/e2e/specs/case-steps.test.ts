import { describe, expect, it } from 'vitest';
import { useTownServer } from '../town-server.ts';
import { TownMap } from '../driver.ts';
import { apiSession } from '../api-session.ts';
import { alongRoad, demoTown } from '../../helpers/town.ts';

// A case's steps in the browser: the office dispatches an item to another zone, that zone's cleaner returns it as
// not theirs; the right cleaner asks for more time, the office approves, and refuses the second request; the
// office parks the item, restores it, and urges.

const { generatorTown } = demoTown();
const SPOT = alongRoad(generatorTown.roads, 'laneB', 1, 0.3) as [number, number];
const town = useTownServer();
const db = () => town.server.deps.store.db;
const row = (id: string) => db().selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

describe('the steps of a case, in the browser', { timeout: 300_000 }, () => {
  it('dispatch, return, extension approved and refused, park and restore, urge', async () => {
    const inspector = await apiSession(town.server.url, 'inspector');
    const made = await inspector.post('/api/reports', { category: 'road_stall', lon: SPOT[0], lat: SPOT[1], description: '巷口占道 流转测试' });
    expect(made.status).toBe(201);
    const { id, caseNo } = made.body as { id: string; caseNo: string };
    expect(made.body.responsibleArea.code).toBe('zone-3');

    const office = await TownMap.open(town.browser, town.server.url, { as: 'office', path: '/ledger', width: 1366, height: 768 });
    const openItem = async () => {
      await office.reload();
      await office.findInLedger(caseNo, id);
    };
    const cleanerItem = async (username: string) => {
      const phone = await TownMap.open(town.browser, town.server.url, { as: username, path: '/tasks', width: 360, height: 640 });
      await phone.openTask(id);
      return phone;
    };
    try {
      // the office sends it to zone 1
      await office.findInLedger(caseNo, id);
      await office.act('dispatch', { area: '第一保洁区', note: '属第一保洁区' });
      await expect.poll(() => office.detail('assignee')).toContain('第一保洁区');
      expect((await row(id)).responsible_area_id).not.toBe(made.body.responsibleArea.id);

      // zone 1's cleaner returns it: not theirs
      const cleaner1 = await cleanerItem('cleaner1');
      await cleaner1.act('return', { note: '在第三保洁区一侧' });
      await expect.poll(async () => (await row(id)).status).toBe('reported');
      expect((await row(id)).assignee_id).toBeNull();
      await cleaner1.reload();
      await expect.poll(() => cleaner1.taskListed(id)).toBe(0);
      expect(cleaner1.problems).toEqual([]);
      await cleaner1.close();

      // back to zone 3
      await openItem();
      await office.act('dispatch', { area: '第三保洁区' });
      await expect.poll(async () => (await row(id)).status).toBe('notified');

      // zone 3's cleaner asks for two more days
      const cleaner3 = await cleanerItem('cleaner3');
      const day = new Date(Date.now() + 2 * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
      await cleaner3.act('extend', { until: day, note: '摊主外出,需协调' });
      await cleaner3.detail('extension');
      const asked = (await row(id)).extension_until!;
      // the end of that working day, 17:30 in the township
      expect(new Date(Date.parse(asked) + 8 * 3_600_000).toISOString().slice(0, 16)).toBe(`${day}T17:30`);

      // the office approves
      await openItem();
      await office.detail('extension');
      await office.act('approve_extension');
      await expect.poll(async () => (await row(id)).deadline_at).toBe(asked);
      await office.waitForDetail('extension', { gone: true });

      // a second request, refused with a reason: the deadline stays
      const later = new Date(Date.now() + 5 * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
      await cleaner3.reload();
      await cleaner3.openTask(id);
      await cleaner3.act('extend', { until: later, note: '还需三天' });
      expect(cleaner3.problems).toEqual([]);
      await cleaner3.close();
      await openItem();
      await office.act('refuse_extension', { note: '已延期一次' });
      await expect.poll(async () => (await row(id)).extension_until).toBeNull();
      expect((await row(id)).deadline_at).toBe(asked);

      // parked while it cannot be solved in time, then restored
      await office.act('park', { note: '需拆违后处理' });
      await office.detail('parked');
      expect(await row(id)).toMatchObject({ deadline_at: null, parked_deadline_at: asked });
      await office.act('restore');
      await office.waitForDetail('parked', { gone: true });
      expect((await row(id)).parked_at).toBeNull();
      expect((await row(id)).deadline_at).not.toBeNull();

      // and urged
      await office.act('urge', { note: '今天下班前完成' });
      await expect.poll(() => office.detail('history')).toContain('催办');
      const steps = await db().selectFrom('report_events').select('type').where('report_id', '=', id).orderBy('id').execute();
      expect(steps.map((s) => s.type)).toEqual(['created', 'notify', 'dispatch', 'return', 'dispatch', 'extend', 'approve_extension', 'extend', 'refuse_extension', 'park', 'restore', 'urge']);
      const history = await office.detail('history');
      expect(history).not.toMatch(/event\.|approve_extension|refuse_extension/);
      expect(office.problems).toEqual([]);
    } finally {
      await office.close();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { useTownServer } from '../town-server.ts';
import { TownMap } from '../driver.ts';
import { apiSession } from '../api-session.ts';
import { alongRoad, demoTown } from '../../helpers/town.ts';

// The office's rules and an urgent case in the browser: the administrator gives road stalls an urgent limit of one
// hour and changes the score's weights; the office marks a day off; an item returned as nobody's is notified to a
// named cleaner as urgent, shows 紧急 in its panel and in the ledger's urgent filter; the rates show re-inspection
// and returns and link the month's report.

const { generatorTown } = demoTown();
const SPOT = alongRoad(generatorTown.roads, 'laneB', 1, 0.6) as [number, number];
const town = useTownServer();
const db = () => town.server.deps.store.db;
const HOUR = 3_600_000;

describe('the rules and an urgent case, in the browser', { timeout: 300_000 }, () => {
  it('sets the limits and weights, marks a day off, and notifies a named person of an urgent item', async () => {
    const admin = await TownMap.open(town.browser, town.server.url, { as: 'admin', path: '/admin', width: 1366, height: 768 });
    try {
      await admin.adminTab('rules');
      await admin.setLimit('road_stall', { urgent: '1' });
      await expect.poll(async () => (await db().selectFrom('categories').select('urgent_hours').where('code', '=', 'road_stall').executeTakeFirstOrThrow()).urgent_hours).toBe(1);
      await admin.setWeights({ close: '1', onTime: '1', rework: '0' });
      await expect.poll(async () => JSON.parse((await db().selectFrom('townships').select('evaluation').executeTakeFirstOrThrow()).evaluation ?? 'null')?.weights).toEqual({ close: 1, onTime: 1, rework: 0 });
      await expect.poll(() => admin.weightsMessage()).toBe('已保存');
      // on a slow line, what is typed while the answer is on its way stays as typed
      const fast = await admin.slowAnswers('**/api/township/evaluation', 800);
      await admin.setWeights({ verifyHours: '30' });
      await admin.setWeights({ verifyHours: '36' }, { save: false });
      await expect.poll(async () => JSON.parse((await db().selectFrom('townships').select('evaluation').executeTakeFirstOrThrow()).evaluation ?? 'null')?.verifyHours).toBe(30);
      await expect.poll(() => admin.weightsMessage()).toBe('已保存');
      expect(await admin.weight('verifyHours')).toBe('36');
      await fast();
      // a refused value is said in the UI's language, and the form keeps what was typed
      await admin.setWeights({ close: '0', onTime: '0' });
      await expect.poll(() => admin.weightsMessage()).toMatch(/权重/);
      expect(await admin.weight('close')).toBe('0');
      expect(admin.problems.filter((p) => !p.includes('400'))).toEqual([]);
    } finally {
      await admin.close();
    }

    const office = await TownMap.open(town.browser, town.server.url, { as: 'office', path: '/admin', width: 1366, height: 768 });
    try {
      await office.adminTab('rules');
      // the office reads the limits but may not change them
      expect(await office.limitEditable('road_stall')).toBe(false);
      await office.markDay('2026-12-31', 'holiday', '镇庆');
      await expect.poll(() => office.ownDays()).toContain('2026-12-31');
      expect((await db().selectFrom('calendar_days').selectAll().where('day', '=', '2026-12-31').executeTakeFirstOrThrow()).kind).toBe('holiday');

      // an item its zone gave back: nobody answers for it now
      const inspector = await apiSession(town.server.url, 'inspector');
      const made = await inspector.post('/api/reports', { category: 'road_stall', lon: SPOT[0], lat: SPOT[1], description: '桥头占道 紧急测试' });
      expect(made.status).toBe(201);
      const { id, caseNo } = made.body as { id: string; caseNo: string };
      const cleaner3 = await apiSession(town.server.url, 'cleaner3');
      expect((await cleaner3.post(`/api/reports/${id}/transitions`, { action: 'return', note: '不属本区' })).status).toBe(200);
      const cleaner3Id = (await cleaner3.get('/api/auth/me')).body.user.id as string;

      await office.visit('/ledger');
      await office.findInLedger(caseNo, id);
      await office.act('notify', { person: cleaner3Id, urgent: true });
      const row = await db().selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: 'notified', urgency: 'urgent', assignee_id: cleaner3Id });
      const left = Date.parse(row.deadline_at!) - Date.parse(row.updated_at);
      expect(left).toBe(1 * HOUR);
      expect(await office.detail('urgent')).toBe('紧急');

      // the ledger's urgent filter holds it, marked
      await office.searchLedger('');
      await office.ledgerUrgentOnly();
      await expect.poll(async () => (await office.ledgerSize()).rows).toBe(1);
      expect(await office.urgentMark(id)).toBe('紧急');

      // the rates: re-inspection on time, returns, and the month's report as a PDF
      await office.ledgerTab('rates');
      const rates = await office.ratesShown();
      expect(rates.returns).toContain('第三保洁区');
      expect(rates.weights).toContain('50%');
      const pdf = await office.download(rates.pdf);
      expect(pdf.status).toBe(200);
      expect(pdf.head.slice(0, 5)).toBe('%PDF-');
      expect(office.problems).toEqual([]);
    } finally {
      await office.close();
    }
  });
});

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
      await admin.page.click('[data-testid=admin-tab-rules]');
      const stall = admin.page.locator('[data-testid=limit-road_stall]');
      await stall.locator('[data-testid=limit-urgent]').fill('1');
      await stall.locator('[data-testid=limit-save]').click();
      await expect.poll(async () => (await db().selectFrom('categories').select('urgent_hours').where('code', '=', 'road_stall').executeTakeFirstOrThrow()).urgent_hours).toBe(1);
      await admin.page.fill('[data-testid=weight-close]', '1');
      await admin.page.fill('[data-testid=weight-onTime]', '1');
      await admin.page.fill('[data-testid=weight-rework]', '0');
      await admin.page.click('[data-testid=weights-save]');
      await expect.poll(async () => JSON.parse((await db().selectFrom('townships').select('evaluation').executeTakeFirstOrThrow()).evaluation ?? 'null')?.weights).toEqual({ close: 1, onTime: 1, rework: 0 });
      await expect.poll(() => admin.page.textContent('[data-testid=weights-message]')).toBe('已保存');
      // on a slow line, what is typed while the answer is on its way stays as typed
      await admin.page.route('**/api/township/evaluation', async (route) => {
        await new Promise((r) => setTimeout(r, 800));
        await route.continue();
      });
      await admin.page.fill('[data-testid=weight-verifyHours]', '30');
      await admin.page.click('[data-testid=weights-save]');
      await admin.page.fill('[data-testid=weight-verifyHours]', '36');
      await expect.poll(async () => JSON.parse((await db().selectFrom('townships').select('evaluation').executeTakeFirstOrThrow()).evaluation ?? 'null')?.verifyHours).toBe(30);
      await expect.poll(() => admin.page.textContent('[data-testid=weights-message]')).toBe('已保存');
      expect(await admin.page.inputValue('[data-testid=weight-verifyHours]')).toBe('36');
      await admin.page.unroute('**/api/township/evaluation');
      // a refused value is said in the UI's language, and the form keeps what was typed
      await admin.page.fill('[data-testid=weight-close]', '0');
      await admin.page.fill('[data-testid=weight-onTime]', '0');
      await admin.page.click('[data-testid=weights-save]');
      await expect.poll(() => admin.page.textContent('[data-testid=weights-message]')).toMatch(/权重/);
      expect(await admin.page.inputValue('[data-testid=weight-close]')).toBe('0');
      expect(admin.problems.filter((p) => !p.includes('400'))).toEqual([]);
    } finally {
      await admin.close();
    }

    const office = await TownMap.open(town.browser, town.server.url, { as: 'office', path: '/admin', width: 1366, height: 768 });
    try {
      await office.page.click('[data-testid=admin-tab-rules]');
      // the office reads the limits but may not change them
      expect(await office.page.locator('[data-testid=limit-road_stall] [data-testid=limit-urgent]').isDisabled()).toBe(true);
      await office.page.fill('[data-testid=calendar-day]', '2026-12-31');
      await office.page.selectOption('[data-testid=calendar-kind]', 'holiday');
      await office.page.fill('[data-testid=calendar-note]', '镇庆');
      await office.page.click('[data-testid=calendar-save]');
      await expect.poll(() => office.page.textContent('[data-testid=calendar-own]')).toContain('2026-12-31');
      expect((await db().selectFrom('calendar_days').selectAll().where('day', '=', '2026-12-31').executeTakeFirstOrThrow()).kind).toBe('holiday');

      // an item its zone gave back: nobody answers for it now
      const inspector = await apiSession(town.server.url, 'inspector');
      const made = await inspector.post('/api/reports', { category: 'road_stall', lon: SPOT[0], lat: SPOT[1], description: '桥头占道 紧急测试' });
      expect(made.status).toBe(201);
      const { id, caseNo } = made.body as { id: string; caseNo: string };
      const cleaner3 = await apiSession(town.server.url, 'cleaner3');
      expect((await cleaner3.post(`/api/reports/${id}/transitions`, { action: 'return', note: '不属本区' })).status).toBe(200);
      const cleaner3Id = (await cleaner3.get('/api/auth/me')).body.user.id as string;

      await office.page.goto(`${town.server.url}/ledger`);
      await office.page.fill('[data-testid=ledger-search]', caseNo);
      await office.page.press('[data-testid=ledger-search]', 'Enter');
      await office.page.locator(`[data-testid=ledger-row][data-report-id="${id}"]`).click();
      await office.page.locator('[data-testid=detail-actions] [data-testid=action-notify]').click();
      await office.page.locator('[data-testid=dispatch-person] option', { hasText: '第三保洁区' }).first().waitFor({ state: 'attached' });
      await office.page.selectOption('[data-testid=dispatch-person]', cleaner3Id);
      await office.page.check('[data-testid=urgency-urgent]');
      await office.page.click('[data-testid=action-submit]');
      await office.page.locator('[data-testid=action-form]').waitFor({ state: 'detached' });
      const row = await db().selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: 'notified', urgency: 'urgent', assignee_id: cleaner3Id });
      const left = Date.parse(row.deadline_at!) - Date.parse(row.updated_at);
      expect(left).toBe(1 * HOUR);
      await office.page.locator('[data-testid=detail-urgent]').waitFor();
      expect(await office.page.textContent('[data-testid=detail-urgent]')).toBe('紧急');

      // the ledger's urgent filter holds it, marked
      await office.page.fill('[data-testid=ledger-search]', '');
      await office.page.press('[data-testid=ledger-search]', 'Enter');
      await office.page.check('[data-testid=ledger-urgent]');
      await expect.poll(() => office.page.locator('[data-testid=ledger-row]').count()).toBe(1);
      expect(await office.page.textContent(`[data-testid=ledger-row][data-report-id="${id}"] [data-testid=urgent-mark]`)).toBe('紧急');

      // the rates: re-inspection on time, returns, and the month's report as a PDF
      await office.page.click('[data-testid=tab-rates]');
      await office.page.locator('[data-testid=inspection-table]').waitFor();
      const returns = await office.page.textContent('[data-testid=returns-table]');
      expect(returns).toContain('第三保洁区');
      expect(await office.page.textContent('[data-testid=rates-weights]')).toContain('50%');
      const href = await office.page.getAttribute('[data-testid=period-report-pdf]', 'href');
      const pdf = await office.page.request.get(`${town.server.url}${href}`);
      expect(pdf.status()).toBe(200);
      expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
      expect(office.problems).toEqual([]);
    } finally {
      await office.close();
    }
  });
});

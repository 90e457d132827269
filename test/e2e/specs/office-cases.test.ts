import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as XLSX from 'xlsx';
import { describe, expect, it } from 'vitest';
import { useTownServer } from '../town-server.ts';
import { TownMap } from '../driver.ts';
import { apiSession } from '../api-session.ts';
import { alongRoad, demoTown } from '../../helpers/town.ts';

// The campaign office works by case number: it finds an item by the number read out on the phone, in the ledger
// and on the map, sees the ledger's true size and how late each item is, takes the overdue list out as a file that
// holds exactly that list, and never has a panel covered by the map. The administrator reads the audit log and
// the form's refusals in words.

const { generatorTown } = demoTown();
const SPOT = alongRoad(generatorTown.roads, 'mainStreet', 2, 0.45) as [number, number];
const town = useTownServer();
const db = () => town.server.deps.store.db;
const LATE = /^逾期(\d+天)?\d+小时$/;

describe('the office and its case numbers', { timeout: 240_000 }, () => {
  it('finds an item by its number in the ledger and on the map, and exports the overdue list exactly as shown', async () => {
    const inspector = await apiSession(town.server.url, 'inspector');
    const made = await inspector.post('/api/reports', { category: 'illegal_ad', lon: SPOT[0], lat: SPOT[1], description: '电杆上的小广告 东门' });
    expect(made.status).toBe(201);
    const caseNo: string = made.body.caseNo;
    expect(caseNo).toMatch(/^NJ-\d{4}-\d{6}$/);

    const map = await TownMap.open(town.browser, town.server.url, { as: 'office', path: '/ledger', width: 1366, height: 768 });
    const page = map.page;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-'));
    try {
      // the true size of the ledger, not the page
      await page.locator('[data-testid=ledger-row]').first().waitFor();
      const all = Number((await db().selectFrom('reports').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      expect(all).toBeGreaterThan(1000);
      await expect.poll(() => page.getAttribute('[data-testid=ledger-total]', 'data-total')).toBe(String(all));
      expect(await page.locator('[data-testid=ledger-total]').textContent()).toContain(`共${all}条`);

      // the number as read out on the phone: lower case, without the prefix and its zeros
      const [, year, n] = caseNo.split('-');
      await page.fill('[data-testid=ledger-search]', `${year}-${Number(n)}`);
      await page.press('[data-testid=ledger-search]', 'Enter');
      await expect.poll(() => page.locator('[data-testid=ledger-row]').count()).toBe(1);
      await page.locator(`[data-testid=ledger-row][data-report-id="${made.body.id}"]`).click();
      await expect.poll(() => page.textContent('[data-testid=detail-case-no]')).toBe(caseNo);
      await page.click('[data-testid=report-detail] button[aria-label]');
      await page.fill('[data-testid=ledger-search]', '');

      // the overdue list, longest late first, with days and hours; its total counted independently
      await page.check('[data-testid=ledger-overdue]');
      const now = new Date().toISOString();
      const overdue = await db()
        .selectFrom('reports')
        .select('id')
        .where('status', 'in', ['reported', 'notified'])
        .where('deadline_at', '<', now)
        .execute();
      expect(overdue.length).toBeGreaterThan(10);
      await expect.poll(() => page.getAttribute('[data-testid=ledger-total]', 'data-total')).toBe(String(overdue.length));
      const states = await page.locator('[data-testid=ledger-state]').allTextContents();
      expect(states.length).toBe(overdue.length);
      for (const s of states) expect(s).toMatch(LATE);
      const hours = states.map((s) => {
        const m = /^逾期(?:(\d+)天)?(\d+)小时$/.exec(s)!;
        return Number(m[1] ?? 0) * 24 + Number(m[2]);
      });
      expect(hours).toEqual([...hours].sort((a, b) => b - a));

      // the file holds the rows on screen, not the whole ledger
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-xlsx]')]);
      const file = path.join(dir, 'overdue.xlsx');
      await download.saveAs(file);
      const book = XLSX.read(fs.readFileSync(file), { type: 'buffer' });
      const rows = XLSX.utils.sheet_to_json<Record<string, unknown>>(book.Sheets[book.SheetNames[0]!]!);
      expect(new Set(rows.map((r) => r['编号 id']))).toEqual(new Set(overdue.map((r) => r.id)));
      const [csv] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=ledger-csv]')]);
      const csvFile = path.join(dir, 'overdue.csv');
      await csv.saveAs(csvFile);
      expect(fs.readFileSync(csvFile, 'utf8').trim().split('\n').length - 1).toBe(overdue.length);

      // two of them urged at once
      const two = await page.locator('[data-testid=ledger-row]').evaluateAll((rows) => rows.slice(0, 2).map((r) => r.getAttribute('data-report-id')!));
      for (const id of two) await page.check(`[data-testid=ledger-row][data-report-id="${id}"] [data-testid=tick]`);
      await page.click('[data-testid=bulk-urge]');
      await expect.poll(() => page.textContent('[data-testid=bulk-said]')).toBe('已处理 2 条,未能处理 0 条');
      const urged = await db().selectFrom('report_events').select('report_id').where('type', '=', 'urge').where('report_id', 'in', two).execute();
      expect(urged.map((u) => u.report_id).sort()).toEqual([...two].sort());

      // in English, the same lateness in English words
      await page.click("[data-testid=lang-switch]");
      await expect.poll(async () => (await page.locator('[data-testid=ledger-state]').first().textContent()) ?? '').toMatch(/h overdue$/);

      // on the map, on a phone: the search box finds it by number, and its panel lies above everything the map
      // draws (names, pins, the zoom buttons beside its ✕)
      await page.click("[data-testid=lang-switch]");
      await page.setViewportSize({ width: 360, height: 640 });
      await map.openView('map');
      await page.fill('[data-testid=map-search]', caseNo.toLowerCase());
      await page.locator(`[data-testid=search-item][data-report-id="${made.body.id}"]`).click();
      await expect.poll(() => page.textContent('[data-testid=detail-case-no]')).toBe(caseNo);
      await map.settle();
      const covered = await page.evaluate(() => {
        const panel = document.querySelector('[data-testid=report-detail]')!;
        const spots = [...panel.querySelectorAll('dd, dt, button, h2')].map((el) => {
          const r = el.getBoundingClientRect();
          return { el, x: r.left + r.width / 2, y: r.top + r.height / 2 };
        });
        // what shows of the panel (it scrolls within its own box): nothing of the map lies over it
        const p = panel.getBoundingClientRect();
        const shown = spots.filter((s) => s.y > p.top && s.y < Math.min(p.bottom, window.innerHeight) && s.x > p.left && s.x < p.right);
        if (shown.length < 5) return [`only ${shown.length} rows of the panel show`];
        return shown.filter((s) => !panel.contains(document.elementFromPoint(s.x, s.y))).map((s) => s.el.textContent);
      });
      expect(covered).toEqual([]);
      expect(map.problems).toEqual([]);
    } finally {
      await map.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps a refused form as typed, says why in Chinese, and shows the audit log in words', async () => {
    const map = await TownMap.open(town.browser, town.server.url, { as: 'admin', path: '/admin', width: 1366, height: 768 });
    const page = map.page;
    try {
      await page.click('[data-testid=admin-tab-people]');
      await page.fill('[data-testid=person-username]', 'zhangsan');
      await page.fill('[data-testid=person-password]', 'Qingjie-2026-Dongmen');
      await page.click('[data-testid=person-add]');
      const said = (await page.locator('[data-testid=people-error]').textContent()) ?? '';
      expect(said).toContain('姓名');
      expect(said).not.toMatch(/[A-Za-z]{3,}/);
      expect(await page.inputValue('[data-testid=person-username]')).toBe('zhangsan');
      expect(await page.inputValue('[data-testid=person-password]')).toBe('Qingjie-2026-Dongmen');

      await page.fill('[data-testid=person-name]', '张三');
      await page.click('[data-testid=person-add]');
      await expect.poll(() => page.inputValue('[data-testid=person-username]')).toBe('');
      expect(await db().selectFrom('users').select('display_name').where('username', '=', 'zhangsan').executeTakeFirst()).toEqual({ display_name: '张三' });

      await page.click('[data-testid=admin-tab-audit]');
      const created = page.locator('[data-testid=audit-row][data-action="user.create"]').first();
      await created.waitFor();
      expect(await created.textContent()).toContain('新增人员');
      expect(await created.locator('[data-testid=audit-changes]').textContent()).toContain('张三');
      const table = (await page.textContent('[data-testid=audit-table]')) ?? '';
      // no raw action keys (user.create, auth.login, …) in the Chinese UI
      expect(table).not.toMatch(/\b(auth|user|area|category|webhook|township)\.[a-z_]+\b/);
      // the browser logs the refused form's answer (400); nothing else went wrong
      expect(map.problems.filter((p) => !p.includes('status of 400'))).toEqual([]);
    } finally {
      await map.close();
    }
  });
});

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
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-'));
    try {
      // the true size of the ledger, not the page
      const all = Number((await db().selectFrom('reports').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      expect(all).toBeGreaterThan(1000);
      await expect.poll(async () => (await map.ledgerSize()).total).toBe(String(all));
      expect((await map.ledgerSize()).said).toContain(`共${all}条`);

      // the number as read out on the phone: lower case, without the prefix and its zeros
      const [, year, n] = caseNo.split('-');
      await map.searchLedger(`${year}-${Number(n)}`);
      await expect.poll(async () => (await map.ledgerSize()).rows).toBe(1);
      await map.ledgerRow(made.body.id, { open: true });
      await expect.poll(() => map.detail('case-no')).toBe(caseNo);
      await map.closeDetails();
      await map.searchLedger('');

      // the overdue list, longest late first, with days and hours; its total counted independently
      await map.ledgerOverdueOnly();
      const now = new Date().toISOString();
      const overdue = await db()
        .selectFrom('reports')
        .select('id')
        .where('status', 'in', ['reported', 'notified'])
        .where('deadline_at', '<', now)
        .execute();
      expect(overdue.length).toBeGreaterThan(10);
      await expect.poll(async () => (await map.ledgerSize()).total).toBe(String(overdue.length));
      const states = await map.ledgerStates();
      expect(states.length).toBe(overdue.length);
      for (const s of states) expect(s).toMatch(LATE);
      const hours = states.map((s) => {
        const m = /^逾期(?:(\d+)天)?(\d+)小时$/.exec(s)!;
        return Number(m[1] ?? 0) * 24 + Number(m[2]);
      });
      expect(hours).toEqual([...hours].sort((a, b) => b - a));

      // the file holds the rows on screen, not the whole ledger
      const file = path.join(dir, 'overdue.xlsx');
      await map.downloadLedger('xlsx', file);
      const book = XLSX.read(fs.readFileSync(file), { type: 'buffer' });
      const rows = XLSX.utils.sheet_to_json<Record<string, unknown>>(book.Sheets[book.SheetNames[0]!]!);
      expect(new Set(rows.map((r) => r['编号 id']))).toEqual(new Set(overdue.map((r) => r.id)));
      const csvFile = path.join(dir, 'overdue.csv');
      await map.downloadLedger('csv', csvFile);
      expect(fs.readFileSync(csvFile, 'utf8').trim().split('\n').length - 1).toBe(overdue.length);

      // two of them urged at once
      const two = (await map.ledgerIds()).slice(0, 2);
      await map.urgeAtOnce(two, '已处理 2 条,未能处理 0 条');
      const urged = await db().selectFrom('report_events').select('report_id').where('type', '=', 'urge').where('report_id', 'in', two).execute();
      expect(urged.map((u) => u.report_id).sort()).toEqual([...two].sort());

      // in English, the same lateness in English words
      await map.switchLanguage();
      await expect.poll(async () => (await map.ledgerStates())[0] ?? '').toMatch(/h overdue$/);

      // on the map, on a phone: the search box finds it by number, and its panel lies above everything the map
      // draws (names, pins, the zoom buttons beside its ✕)
      await map.switchLanguage();
      await map.resize(360, 640);
      await map.openView('map');
      await map.searchMapFor(caseNo.toLowerCase(), made.body.id);
      await expect.poll(() => map.detail('case-no')).toBe(caseNo);
      await map.settle();
      expect(await map.detailCovered()).toEqual([]);
      expect(map.problems).toEqual([]);
    } finally {
      await map.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps a refused form as typed, says why in Chinese, and shows the audit log in words', async () => {
    const map = await TownMap.open(town.browser, town.server.url, { as: 'admin', path: '/admin', width: 1366, height: 768 });
    try {
      await map.adminTab('people');
      await map.addPerson({ username: 'zhangsan', password: 'Qingjie-2026-Dongmen' });
      const said = await map.personRefusal();
      expect(said).toContain('姓名');
      expect(said).not.toMatch(/[A-Za-z]{3,}/);
      expect(await map.personForm()).toMatchObject({ username: 'zhangsan', password: 'Qingjie-2026-Dongmen' });

      await map.addPerson({ name: '张三' });
      await expect.poll(async () => (await map.personForm()).username).toBe('');
      expect(await db().selectFrom('users').select('display_name').where('username', '=', 'zhangsan').executeTakeFirst()).toEqual({ display_name: '张三' });

      await map.adminTab('audit');
      const created = await map.auditEntry('user.create');
      expect(created.text).toContain('新增人员');
      expect(created.changes).toContain('张三');
      const table = created.table;
      // no raw action keys (user.create, auth.login, …) in the Chinese UI
      expect(table).not.toMatch(/\b(auth|user|area|category|webhook|township)\.[a-z_]+\b/);
      // the browser logs the refused form's answer (400); nothing else went wrong
      expect(map.problems.filter((p) => !p.includes('status of 400'))).toEqual([]);
    } finally {
      await map.close();
    }
  });
});

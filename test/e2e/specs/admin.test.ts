import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTownServer } from '../town-server.ts';
import { TownMap } from '../driver.ts';
import { totp } from '../../helpers/totp.ts';

// The campaign office at its desk: moves a zone's boundary on the map, checks a spreadsheet before importing it,
// and takes the ledger out as Excel.

const town = useTownServer();

describe('the office’s tools', { timeout: 180_000 }, () => {
  it('drags a vertex of a zone boundary, saves it, and the server has the new boundary', async () => {
    const map = await TownMap.open(town.browser, town.server.url, { as: 'office', path: '/admin' });
    try {
      const page = map.page;
      const zone = (await map.getJson('/api/areas?kind=cleaning_zone')).features.find((f: any) => f.properties.code === 'zone-3');
      const ring = (zone.geometry.type === 'Polygon' ? zone.geometry.coordinates[0] : zone.geometry.coordinates[0][0]) as [number, number][];
      await map.editArea(zone.id);
      const vertex = ring[0]!;
      const px = await page.evaluate(([x, y]) => window.__hotspots!.map.project([x, y]), vertex);
      const box = (await page.locator('[data-testid=map]').boundingBox())!;
      await page.mouse.move(box.x + px.x, box.y + px.y);
      await page.mouse.down();
      for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + px.x + i * 6, box.y + px.y + i * 3);
      await page.mouse.up();
      await page.click('[data-testid=area-save]');
      await page.locator('[data-testid=area-message].ok').waitFor();
      expect(await page.locator('[data-testid=area-message]').textContent()).toMatch(/已保存/);

      const after = (await map.getJson('/api/areas?kind=cleaning_zone')).features.find((f: any) => f.properties.code === 'zone-3');
      const moved = (after.geometry.type === 'Polygon' ? after.geometry.coordinates[0] : after.geometry.coordinates[0][0]) as [number, number][];
      // The dragged corner moved east and south by tens of metres; the rest of the ring stayed.
      const shifted = moved.filter((p, i) => Math.abs(p[0] - ring[i]![0]) > 1e-5 || Math.abs(p[1] - ring[i]![1]) > 1e-5);
      expect(shifted.length).toBeGreaterThanOrEqual(1);
      expect(shifted.length).toBeLessThanOrEqual(2); // the first vertex, and the ring's closing copy of it
      expect(moved[0]![0]).toBeGreaterThan(vertex[0]);
      expect(moved[0]![1]).toBeLessThan(vertex[1]);
      const audit = await town.server.store.db.selectFrom('audit_log').select(['action', 'actor_name', 'target']).where('action', '=', 'area.update').execute();
      expect(audit).toEqual([{ action: 'area.update', actor_name: 'office', target: 'area:zone-3' }]);
      expect(map.problems).toEqual([]);
    } finally {
      await map.close();
    }
  });

  it('checks a spreadsheet row by row, imports it once it is right, and exports the ledger as Excel', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotspots-import-'));
    const map = await TownMap.open(town.browser, town.server.url, { as: 'office', path: '/admin' });
    try {
      const page = map.page;
      await page.click('[data-testid=admin-tab-import]');
      const bad = path.join(dir, '台账.csv');
      fs.writeFileSync(bad, '经度,纬度,类别,发现时间,描述\n105.9341,26.1421,暴露垃圾,2026-11-20 09:30,导入检查\nabc,26.1,暴露垃圾,2026-11-20 09:30,坏\n105.934,26.142,外星垃圾,2026-11-20 09:30,类别\n');
      await page.setInputFiles('[data-testid=import-file]', bad);
      await page.click('[data-testid=import-check]');
      await page.locator('[data-testid=import-problems]').waitFor();
      const lines = await page.locator('[data-testid=import-problems] tbody tr td:first-child').allTextContents();
      expect(lines).toEqual(['3', '4']);
      expect(await page.locator('[data-testid=import-run]').isDisabled()).toBe(true);

      const good = path.join(dir, '台账-改.csv');
      fs.writeFileSync(good, '经度,纬度,类别,发现时间,描述\n105.9341,26.1421,暴露垃圾,2026-11-20 09:30,导入检查\n105.9342,26.1422,野广告,2026-11-21 10:00,电杆小广告\n');
      await page.setInputFiles('[data-testid=import-file]', good);
      await page.click('[data-testid=import-check]');
      await page.locator('[data-testid=import-summary]').waitFor();
      expect(await page.locator('[data-testid=import-run]').isEnabled()).toBe(true);
      await page.click('[data-testid=import-run]');
      await page.locator('[data-testid=import-summary] strong').waitFor();
      const found = await map.getJson('/api/reports?bbox=105.934,26.142,105.9343,26.1423&limit=100');
      expect(found.features.map((f: any) => f.properties.description)).toEqual(expect.arrayContaining(['导入检查', '电杆小广告']));

      await page.click('[data-testid=nav-ledger]');
      await page.locator('[data-testid=export-xlsx]').waitFor();
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-xlsx]')]);
      expect(download.suggestedFilename()).toMatch(/^reports-.*\.xlsx$/);
      const file = path.join(dir, 'out.xlsx');
      await download.saveAs(file);
      expect(fs.readFileSync(file).subarray(0, 2).toString()).toBe('PK');
      expect(map.problems).toEqual([]);
    } finally {
      await map.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the administrator’s second factor', { timeout: 180_000 }, () => {
  it('turns it on in the admin view, and then signs in with the authenticator’s code', async () => {
    const map = await TownMap.open(town.browser, town.server.url, { as: 'admin', path: '/admin' });
    try {
      const page = map.page;
      await page.click('[data-testid=admin-tab-people]');
      await page.click('[data-testid=second-factor-start]');
      const secret = ((await page.locator('[data-testid=second-factor-secret]').textContent()) ?? '').replace(/\s/g, '');
      await page.fill('[data-testid=second-factor-code]', totp(secret, new Date()));
      await page.click('[data-testid=second-factor-confirm]');
      await page.locator('[data-testid=second-factor-codes] li').first().waitFor();
      expect(await page.locator('[data-testid=second-factor-codes] li').count()).toBe(10);

      await page.click('[data-testid=sign-out]');
      await page.fill('[data-testid=login-username]', 'admin');
      await page.fill('[data-testid=login-password]', 'demo');
      await page.click('[data-testid=login-submit]');
      await page.locator('[data-testid=login-code]').waitFor();
      await page.fill('[data-testid=login-code]', totp(secret, new Date()));
      await page.click('[data-testid=login-submit]');
      await page.locator('[data-testid=sign-out]').waitFor();
      // The browser logs the first step's expected 401 (second_factor_required) as a failed load; nothing else.
      expect(map.problems.filter((p) => !/status of 401/.test(p))).toEqual([]);
      expect(map.problems.filter((p) => /status of 401/.test(p))).toHaveLength(1);
    } finally {
      await map.close();
    }
  });
});

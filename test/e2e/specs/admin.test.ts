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
      const zone = (await map.getJson('/api/areas?kind=cleaning_zone')).features.find((f: any) => f.properties.code === 'zone-3');
      const ring = (zone.geometry.type === 'Polygon' ? zone.geometry.coordinates[0] : zone.geometry.coordinates[0][0]) as [number, number][];
      await map.editArea(zone.id);
      const vertex = ring[0]!;
      expect(await map.dragVertexAndSave(vertex, 60, 30)).toMatch(/已保存/);

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
      await map.adminTab('import');
      const bad = path.join(dir, '台账.csv');
      fs.writeFileSync(bad, '经度,纬度,类别,发现时间,描述\n105.9341,26.1421,暴露垃圾,2026-11-20 09:30,导入检查\nabc,26.1,暴露垃圾,2026-11-20 09:30,坏\n105.934,26.142,外星垃圾,2026-11-20 09:30,类别\n');
      expect(await map.checkImport(bad)).toEqual({ refusedLines: ['3', '4'], mayImport: false });

      const good = path.join(dir, '台账-改.csv');
      fs.writeFileSync(good, '经度,纬度,类别,发现时间,描述\n105.9341,26.1421,暴露垃圾,2026-11-20 09:30,导入检查\n105.9342,26.1422,野广告,2026-11-21 10:00,电杆小广告\n');
      expect(await map.checkImport(good)).toEqual({ refusedLines: [], mayImport: true });
      await map.runImport();
      const found = await map.getJson('/api/reports?bbox=105.934,26.142,105.9343,26.1423&limit=100');
      expect(found.features.map((f: any) => f.properties.description)).toEqual(expect.arrayContaining(['导入检查', '电杆小广告']));

      await map.openView('ledger');
      const file = path.join(dir, 'out.xlsx');
      expect(await map.exportLedgerXlsx(file)).toMatch(/^reports-.*\.xlsx$/);
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
      await map.adminTab('people');
      const { secret, recoveryCodes } = await map.turnOnSecondFactor((s) => totp(s, new Date()));
      expect(recoveryCodes).toBe(10);
      await map.signInWithCode('admin', 'demo', () => totp(secret, new Date()));
      // The browser logs the first step's expected 401 (second_factor_required) as a failed load; nothing else.
      expect(map.problems.filter((p) => !/status of 401/.test(p))).toEqual([]);
      expect(map.problems.filter((p) => /status of 401/.test(p))).toHaveLength(1);
    } finally {
      await map.close();
    }
  });
});

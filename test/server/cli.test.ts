import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { startServer } from '../../server/server.ts';
import * as turf from '@turf/turf';
import gcoord from 'gcoord';
import * as XLSX from 'xlsx';
import { beijingDistricts, district, osmPbf, shapefile } from '../helpers/gis.ts';

const run = promisify(execFile);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotspots-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const user = (args: string[], env: Record<string, string> = {}) =>
  run(process.execPath, ['--import', 'tsx', 'server/cli/user.ts', ...args], {
    env: { ...process.env, HOTSPOTS_DATA_DIR: dir, ...env },
  });

async function signIn(username: string, password: string): Promise<number> {
  const s = await startServer(loadConfig({ PORT: '0', HOTSPOTS_DATA_DIR: dir }), () => {});
  try {
    const r = await fetch(`${s.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    return r.status;
  } finally {
    await s.close();
  }
}

// Each command starts a process of its own (tsx compiling on the way): a few seconds each on a loaded 2-core machine.
describe('npm run user', { timeout: 120_000 }, () => {
  it('adds a person who can then sign in, changes a password, and refuses bad input', async () => {
    await (await startServer(loadConfig({ PORT: '0', HOTSPOTS_DATA_DIR: dir }), () => {})).close();
    const added = await user(['add', 'zhang', '--role', 'office', '--name', '张主任', '--password', 'first-pass-1']);
    expect(added.stdout).toContain('Added zhang (office)');
    expect(await signIn('zhang', 'first-pass-1')).toBe(200);

    await user(['passwd', 'zhang'], { HOTSPOTS_PASSWORD: 'second-pass-2' });
    expect(await signIn('zhang', 'first-pass-1')).toBe(401);
    expect(await signIn('zhang', 'second-pass-2')).toBe(200);

    await expect(user(['add', 'li', '--role', 'cleaner', '--password', 'long-enough'])).rejects.toMatchObject({
      stderr: expect.stringContaining('--area'),
    });
    await expect(user(['add', 'wang', '--role', 'office', '--password', 'short'])).rejects.toMatchObject({
      stderr: expect.stringContaining('at least 10 characters'),
    });
    // Long and varied enough, but among the first guesses.
    await expect(user(['add', 'wang', '--role', 'office', '--password', 'Password123!'])).rejects.toMatchObject({
      stderr: expect.stringContaining('too easy to guess'),
    });
    const list = await user(['list']);
    expect(list.stdout).toMatch(/zhang\toffice\t张主任/);
  });
});

describe('npm run import', { timeout: 120_000 }, () => {
  const importCli = (args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'server/cli/import.ts', ...args], { env: { ...process.env, HOTSPOTS_DATA_DIR: dir, DATABASE_URL: '' } });

  it('dry-runs a file row by row, refuses it while a row is wrong, and imports it whole once right', async () => {
    await (await startServer(loadConfig({ PORT: '0', HOTSPOTS_DATA_DIR: dir }), () => {})).close();
    const file = path.join(dir, 'ledger.csv');
    const rows = Array.from({ length: 2500 }, (_, i) => `${(105.93 + (i % 50) * 0.0001).toFixed(5)},${(26.14 + Math.floor(i / 50) * 0.0001).toFixed(5)},weeds,2026-11-2${i % 9} 08:00,导入 ${i}`);
    fs.writeFileSync(file, ['lon,lat,category,observed_at,description', ...rows, '999,26.1,weeds,2026-11-20 08:00,坏的一行'].join('\n'));
    const dry = await importCli(['reports', file]);
    expect(dry.stdout).toContain('line 2502:');
    expect(dry.stdout).toContain('2501 rows: 2500 to import, 0 already there, 1 with problems.');
    await expect(importCli(['reports', file, '--commit'])).rejects.toMatchObject({ stderr: expect.stringContaining('Nothing imported') });

    fs.writeFileSync(file, ['lon,lat,category,observed_at,description', ...rows].join('\n'));
    const done = await importCli(['reports', file, '--commit']);
    expect(done.stdout).toContain('Imported 2500 reports.');
    expect(done.stderr).toMatch(/importing .*100% \(2500\/2500\)/);
    const again = await importCli(['reports', file]);
    expect(again.stdout).toContain('2500 rows: 0 to import, 2500 already there');
  }, 120_000);

  it('reads dates as township time and GCJ-02 points with --crs gcj02, on a server whose clock is in another zone', async () => {
    // Points as WeChat or Amap gives them, shifted by gcoord (not by our own conversion), dates as Excel writes them.
    const wgs = [105.93512, 26.14231] as [number, number];
    const [glon, glat] = gcoord.transform(wgs, gcoord.WGS84, gcoord.GCJ02) as [number, number];
    const csvFile = path.join(dir, 'wechat.csv');
    fs.writeFileSync(csvFile, `经度,纬度,类别,发现时间,描述\n${glon},${glat},暴露垃圾,2026/11/29 8:30,微信群里报的\n`);
    const book = XLSX.utils.book_new();
    // A date cell holds the wall-clock time as written (SheetJS writes this process's local reading of the Date).
    XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet([['lon', 'lat', 'category', 'observed_at', 'description'], [glon, glat, 'illegal_ad', new Date(2026, 10, 29, 16, 20), '表格里的日期']], { cellDates: true }), 'Sheet1');
    const xlsxFile = path.join(dir, 'wechat.xlsx');
    fs.writeFileSync(xlsxFile, XLSX.write(book, { type: 'buffer', bookType: 'xlsx' }));
    const elsewhere = (args: string[]) =>
      run(process.execPath, ['--import', 'tsx', 'server/cli/import.ts', ...args], { env: { ...process.env, HOTSPOTS_DATA_DIR: dir, DATABASE_URL: '', TZ: 'America/New_York' } });
    await expect(elsewhere(['reports', csvFile, '--crs', 'bd09'])).rejects.toMatchObject({ stderr: expect.stringContaining('--crs gcj02') });
    const csvDone = await elsewhere(['reports', csvFile, '--crs', 'gcj02', '--commit']);
    expect(csvDone.stdout).toContain('GCJ-02, converted to WGS84');
    expect(csvDone.stdout).toContain('Imported 1 reports.');
    expect((await elsewhere(['reports', xlsxFile, '--crs', 'gcj02', '--commit'])).stdout).toContain('Imported 1 reports.');

    const s = await startServer(loadConfig({ PORT: '0', HOTSPOTS_DATA_DIR: dir }), () => {});
    try {
      const login = await fetch(`${s.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'office', password: 'demo' }) });
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      const ledger = await (await fetch(`${s.url}/api/reports?limit=5000&from=2026-11-29&to=2026-11-29`, { headers: { cookie } })).json();
      const found = (d: string) => ledger.features.find((f: { properties: { description: string } }) => f.properties.description === d);
      for (const [description, at] of [['微信群里报的', '2026-11-29T00:30:00.000Z'], ['表格里的日期', '2026-11-29T08:20:00.000Z']] as const) {
        const f = found(description);
        expect(f, description).toBeDefined();
        expect(f.properties.observedAt, description).toBe(at);
        expect(turf.distance(f.geometry.coordinates, wgs, { units: 'meters' }), description).toBeLessThan(1);
      }
    } finally {
      await s.close();
    }
  }, 120_000);
});

describe('a real township from nothing, by the command line alone', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'hotspots-realtown-'));
  afterAll(() => fs.rmSync(home, { recursive: true, force: true }));
  const env = { ...process.env, HOTSPOTS_DATA_DIR: home, DATABASE_URL: '', HOTSPOTS_DEMO: '0' };
  const npm = (script: string, args: string[]) => run(process.execPath, ['--import', 'tsx', `server/cli/${script}.ts`, ...args], { env });
  const failing = (script: string, args: string[]) => npm(script, args).then(
    (r) => {
      throw new Error(`expected a refusal, got ${r.stdout}`);
    },
    (e: { stdout: string; stderr: string }) => e,
  );

  it('adds two townships of a county, their people, villages and basemap, and serves them', async () => {
    const bj = beijingDistricts().path;
    expect((await npm('township', ['list'])).stdout).toContain('No townships yet');
    const none = await failing('import', ['boundaries', bj]);
    expect(none.stderr).toContain('npm run township -- add');

    const ask = await failing('township', ['add', bj, '--code', 'dongcheng', '--name-zh', '东城区']);
    expect(ask.stdout).toMatch(/18 features:[\s\S]*16 {2}东城区 {2}25\.37 km²/);
    expect(ask.stdout).toContain('Nothing changed');
    const dry = await npm('township', ['add', bj, '--code', 'dongcheng', '--name-zh', '东城区', '--pick', 'name=东城区']);
    expect(dry.stdout).toContain('feature 16 of 18: 东城区');
    expect(dry.stdout).toContain('Dry run: nothing changed');
    expect((await npm('township', ['list'])).stdout).toContain('No townships yet');
    expect((await npm('township', ['add', bj, '--code', 'dongcheng', '--name-zh', '东城区', '--name-en', 'Dongcheng', '--pick', 'name=东城区', '--commit'])).stdout).toContain('Created township 东城区 (dongcheng)');
    expect((await npm('township', ['add', bj, '--code', 'xicheng', '--name-zh', '西城区', '--pick', 'name=西城区', '--commit'])).stdout).toContain('Created township 西城区 (xicheng)');
    expect((await npm('township', ['list'])).stdout).toMatch(/dongcheng\t东城区\tDongcheng[\s\S]*xicheng\t西城区/);

    expect((await npm('user', ['add', 'dc-admin', '--role', 'admin', '--township', 'dongcheng', '--password', 'Dongcheng-pass-1'])).stdout).toContain('Added dc-admin (admin) to 东城区');
    expect((await npm('user', ['add', 'boss', '--role', 'county_leader', '--password', 'Leading-group-1'])).stdout).toContain('to the county');
    expect((await failing('user', ['add', 'x', '--role', 'admin', '--password', 'long-enough-1'])).stderr).toContain('--township');

    // The villages as the county bureau sends them: a Shapefile in a Gauss-Krüger zone, GB18030 text, no .cpg.
    const t = district('东城区');
    const [minX, minY, maxX, maxY] = turf.bbox(t.geometry);
    const half = (a: number, b: number) => turf.intersect(turf.featureCollection([turf.feature(t.geometry), turf.bboxPolygon([a, minY - 0.01, b, maxY + 0.01])]))!.geometry;
    const mid = (minX + maxX) / 2;
    const villages = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { code: 'w', kind: 'village', name: '西片村', 责任人: '王村长' }, geometry: half(minX - 0.01, mid) },
        { type: 'Feature', properties: { code: 'e', kind: 'community', name: '东片社区', 责任人: '李主任' }, geometry: half(mid, maxX + 0.01) },
      ],
    };
    const shp = shapefile(home, 'villages', villages, 4548, { encoding: 'GB18030', keepCpg: false });
    expect((await failing('import', ['boundaries', shp])).stderr).toContain('dongcheng, xicheng');
    const check = await npm('import', ['boundaries', shp, '--township', 'dongcheng']);
    expect(check.stdout).toContain('coordinate system: EPSG:4548 CGCS2000 / 3-degree Gauss-Kruger CM 117E');
    expect(check.stdout).toContain('read as GB18030');
    expect(check.stdout).toMatch(/feature 1 w \(village\) 西片村: insert/);
    expect((await npm('import', ['boundaries', shp, '--township', 'dongcheng', '--commit'])).stdout).toContain('Inserted 2, updated 0 areas');

    const [x, y] = turf.pointOnFeature(t.geometry).geometry.coordinates as [number, number];
    const pbf = osmPbf(home, 'dongcheng', `<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="test">
  <node id="1" version="1" lat="${y}" lon="${x - 0.005}"/><node id="2" version="1" lat="${y}" lon="${x + 0.005}"/>
  <node id="3" version="1" lat="${y + 0.001}" lon="${x}"><tag k="amenity" v="marketplace"/><tag k="name" v="东城农贸市场"/></node>
  <way id="4" version="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="residential"/></way>
</osm>`);
    const map = await npm('import', ['basemap', pbf, '--township', 'dongcheng']);
    expect(map.stdout).toContain('road: street 1');
    expect(map.stdout).toContain('landmark: market 1');
    expect(map.stdout).toContain('unnamed roads: 1');
    expect((await npm('import', ['basemap', pbf, '--township', 'dongcheng', '--commit'])).stdout).toContain('Replaced 0 basemap features with 2');

    const s = await startServer(loadConfig({ PORT: '0', HOTSPOTS_DATA_DIR: home, HOTSPOTS_DEMO: '0' }), () => {});
    try {
      const login = await fetch(`${s.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'dc-admin', password: 'Dongcheng-pass-1' }) });
      expect(login.status).toBe(200);
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      const basemap = (await (await fetch(`${s.url}/api/basemap`, { headers: { cookie } })).json()) as { features: Array<{ properties: { nameZh: string | null } }> };
      expect(basemap.features.map((f) => f.properties.nameZh)).toContain('东城农贸市场');
      const areas = (await (await fetch(`${s.url}/api/areas`, { headers: { cookie } })).json()) as { features: Array<{ properties: { nameZh: string; responsibleName: string } }> };
      expect(areas.features.map((f) => [f.properties.nameZh, f.properties.responsibleName]).sort()).toEqual([['东片社区', '李主任'], ['西片村', '王村长']]);
    } finally {
      await s.close();
    }
  }, 180_000);
});

import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import * as XLSX from 'xlsx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieOf, demoApp, type Client, type TestApp } from '../../helpers/app.ts';
import { DIALECTS } from '../../helpers/stores.ts';
import { shapefile, tmpDir, zipShapefile } from '../../helpers/gis.ts';
import { sweepOverdue } from '../../../server/services/lifecycle.ts';
import { withTownship } from '../../../server/services/context.ts';
import { readLocalTime } from '../../../server/exchange/reports-table.ts';

// The office's own files: CSVs saved by Excel or WPS on Chinese Windows (GB18030), Excel's "Unicode text" (UTF-16,
// tab-separated), workbooks with real date cells, dates typed the Excel way, categories by code or by name, and
// open items whose deadline passed before they were imported. Files made here by iconv and SheetJS, not by us.

const dir = tmpDir('hotspots-office-files-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const iconv = (text: string, to: string) => {
  const src = path.join(dir, `in-${Date.now()}-${Math.random()}.txt`);
  fs.writeFileSync(src, text, 'utf8');
  return execFileSync('iconv', ['-f', 'UTF-8', '-t', to, src]);
};
// 2026-11-29 08:30 township time (UTC+8) is 00:30 UTC
const EXPECTED = '2026-11-29T00:30:00.000Z';

describe('times as offices type them', () => {
  it('reads local times in the township zone, Excel day numbers included, and refuses what is no date', () => {
    const tz = 'Asia/Shanghai';
    expect(new Date(readLocalTime('2026/11/29 8:30', tz)!).toISOString()).toBe(EXPECTED);
    expect(new Date(readLocalTime('2026-11-29 08:30:00', tz)!).toISOString()).toBe(EXPECTED);
    expect(new Date(readLocalTime('2026-11-29 16:20', tz)!).toISOString()).toBe('2026-11-29T08:20:00.000Z');
    expect(new Date(readLocalTime('2026-11-29T08:30:00+08:00', tz)!).toISOString()).toBe(EXPECTED);
    // Excel's day number for 2026-11-29 08:30: days since 1899-12-30
    const serial = (Date.UTC(2026, 10, 29, 8, 30) - Date.UTC(1899, 11, 30)) / 86_400_000;
    expect(new Date(readLocalTime(String(serial), tz)!).toISOString()).toBe(EXPECTED);
    for (const bad of ['2026-02-30', '2026/13/01 8:00', '2026-11-29 25:00', 'yesterday', '123']) expect(readLocalTime(bad, tz), bad).toBeNull();
  });
});

describe.each(DIALECTS)('office files into the ledger (%s)', (dialect) => {
  let app: TestApp;
  let office: Client;
  beforeAll(async () => {
    app = await demoApp(dialect, { scale: 0 });
    office = await app.as('office');
  });
  afterAll(async () => {
    await app?.drop();
  });
  const upload = (body: Buffer, name: string, query = 'dryRun=0') => office.upload(`/api/import/reports?${query}`, body, name, 'application/octet-stream');
  const observedOf = async (description: string) => {
    const list = (await office.call('GET', '/api/reports?limit=1000&status=reported,notified,rectified,closed')).body.features;
    const f = list.find((x: any) => x.properties.description === description);
    expect(f, description).toBeTruthy();
    return (await office.call('GET', `/api/reports/${f.id}`)).body;
  };

  it('reads a CSV saved as GB18030 on Chinese Windows, with Excel-style dates and category codes under 类别', async () => {
    const csv = '类别,经度,纬度,发现时间,描述\r\nroad_stall,105.934,26.142,2026/11/29 8:30,菜市场门口占道(GB18030)\r\n暴露垃圾,105.9345,26.1425,2026/11/29 16:20,垃圾桶满溢𠀀\r\n';
    const bytes = iconv(csv, 'GB18030');
    // the bytes are not UTF-8: a reader that assumed so would see no numbers at all
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const dry = await upload(bytes, 'ledger.csv', 'dryRun=1');
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(dry.body.errors).toEqual([]);
    expect((await upload(bytes, 'ledger.csv')).body.imported).toBe(2);
    const stall = await observedOf('菜市场门口占道(GB18030)');
    expect(stall.category).toBe('road_stall');
    expect(stall.observedAt).toBe(EXPECTED);
    const garbage = await observedOf('垃圾桶满溢𠀀');
    expect(garbage.category).toBe('exposed_garbage');
    expect(garbage.observedAt).toBe('2026-11-29T08:20:00.000Z');
  });

  it('reads Excel’s "Unicode text": UTF-16 with a byte-order mark, tab-separated', async () => {
    const text = '类别\t经度\t纬度\t发现时间\t描述\r\nweeds\t105.9341\t26.1421\t2026-11-28 09:00\t路边杂草(UTF-16)\r\n';
    const bytes = iconv(text, 'UTF-16');
    expect(bytes[0] === 0xff || bytes[0] === 0xfe).toBe(true);
    const r = await upload(bytes, 'ledger.txt', 'dryRun=0&format=csv');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.imported).toBe(1);
    expect((await observedOf('路边杂草(UTF-16)')).observedAt).toBe('2026-11-28T01:00:00.000Z');
  });

  it('reads a workbook written by SheetJS with date cells and day numbers as township time', async () => {
    const serial = (Date.UTC(2026, 10, 29, 8, 30) - Date.UTC(1899, 11, 30)) / 86_400_000;
    const ws = XLSX.utils.aoa_to_sheet([
      ['类别代码', '经度', '纬度', '发现时间', '描述'],
      ['illegal_ad', 105.9342, 26.1422, { t: 'n', v: serial, z: 'yyyy-mm-dd hh:mm' }, '电线杆小广告(日期格)'],
      ['illegal_ad', 105.9343, 26.1423, serial, '电线杆小广告(数字)'],
    ] as never);
    const wb = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(wb, ws, '台账');
    const bytes = XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer;
    const r = await upload(bytes, 'ledger.xlsx');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.imported).toBe(2);
    expect((await observedOf('电线杆小广告(日期格)')).observedAt).toBe(EXPECTED);
    expect((await observedOf('电线杆小广告(数字)')).observedAt).toBe(EXPECTED);
  });

  it('does not charge open items whose deadline passed before the import, unless asked, and says so in the dry run', async () => {
    const rows = (tag: string) =>
      `类别,经度,纬度,发现时间,描述\r\n` +
      [0, 1, 2].map((k) => `exposed_garbage,${105.9346 + k * 0.0001},26.1426,2026-11-20 09:00,${tag}${k}`).join('\r\n') +
      '\r\n';
    const dry = await upload(Buffer.from(rows('旧账')), 'old.csv', 'dryRun=1');
    expect(dry.body.pastDeadline).toMatchObject({ rows: 3, treatment: 'waive' });
    expect(dry.body.pastDeadline.message).toContain('not charged');
    expect((await upload(Buffer.from(rows('旧账')), 'old.csv')).body.imported).toBe(3);
    const charged = await upload(Buffer.from(rows('照扣')), 'old.csv', 'dryRun=0&pastDeadlines=charge');
    expect(charged.body.pastDeadline).toMatchObject({ rows: 3, treatment: 'charge' });
    const t = (await office.call('GET', '/api/township')).body;
    await withTownship(t.id, () => sweepOverdue(app.deps));
    const deducted = async (tag: string) => {
      let n = 0;
      for (let k = 0; k < 3; k++) {
        const r = await observedOf(`${tag}${k}`);
        if (r.events.some((e: any) => e.type === 'overdue')) n++;
      }
      return n;
    };
    expect(await deducted('旧账')).toBe(0);
    expect(await deducted('照扣')).toBe(3);
  });

  it('exports workbooks SheetJS reads as real dates in township time, numbers as numbers, text without a visible apostrophe', async () => {
    const inspector = await app.as('inspector');
    const made = await inspector.call('POST', '/api/reports', { category: 'illegal_ad', lon: 105.9347, lat: 26.1427, description: '+86 138 0000 0000 小广告', capturedAt: '2026-11-29T08:30:00+08:00' });
    expect(made.status).toBe(201);
    const cookie = await cookieOf(app, 'office');
    const res = await app.app.request('/api/export/reports.xlsx?category=illegal_ad', { headers: { cookie } });
    const wb = XLSX.read(new Uint8Array(await res.arrayBuffer()), { type: 'array', cellDates: true, UTC: true } as never);
    const ws = wb.Sheets[wb.SheetNames[0]!]!;
    const rows = XLSX.utils.sheet_to_json<unknown[]>(ws, { header: 1, raw: true });
    const header = rows[0] as string[];
    const col = (name: string) => header.findIndex((h) => h.endsWith(name));
    const at = rows.findIndex((r) => (r as unknown[])[col('description')] === '+86 138 0000 0000 小广告');
    expect(at).toBeGreaterThan(0);
    const addr = (c: number) => XLSX.utils.encode_cell({ r: at, c });
    // the text cell is text, shown as typed
    expect(ws[addr(col('description'))]).toMatchObject({ t: 's', v: '+86 138 0000 0000 小广告' });
    // the time is a date cell, 08:30 as the township saw it
    const when = ws[addr(col('observed_at'))];
    expect(when.t).toBe('d');
    expect((when.v as Date).toISOString()).toBe('2026-11-29T08:30:00.000Z');
    expect(ws[addr(col('lon'))].t).toBe('n');

    const week = '2026-W48';
    const brief = await app.app.request(`/api/briefings/${week}.xlsx`, { headers: { cookie } });
    expect(brief.status).toBe(200);
    const bw = XLSX.read(new Uint8Array(await brief.arrayBuffer()), { type: 'array' });
    // every cell that reads as a number or a percentage is stored as one; a case number (编号) stays text even when
    // its eight hex digits happen to be all decimal, or a leading zero would be lost
    const idColumns = (sheet: XLSX.WorkSheet) => {
      const cols = new Set<number>();
      const header = XLSX.utils.sheet_to_json<unknown[]>(sheet, { header: 1, raw: true });
      header.forEach((row) => (row as unknown[]).forEach((v, c) => { if (v === '编号' || v === '案件编号') cols.add(c); }));
      return cols;
    };
    let checked = 0;
    for (const name of bw.SheetNames) {
      const sheet = bw.Sheets[name]!;
      const ids = idColumns(sheet);
      for (const [ref, cell] of Object.entries(sheet)) {
        if (ref.startsWith('!')) continue;
        const c = cell as XLSX.CellObject;
        if (ids.has(XLSX.utils.decode_cell(ref).c)) {
          if (c.v !== '编号' && c.v !== '案件编号') expect(c.t, `${name}!${ref}`).toBe('s');
          continue;
        }
        if (c.t === 's') expect(String(c.v), `${name}!${ref}`).not.toMatch(/^-?\d+(\.\d+)?%?$/);
        if (c.t === 'n') checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('refuses area sizes no area of that kind has: a prefecture labelled as a village, a unit of several km²', async () => {
    const t = (await office.call('GET', '/api/township')).body;
    const [w, so, e, n] = t.bbox as [number, number, number, number];
    const cx = (w + e) / 2;
    const cy = (so + n) / 2;
    const square = (half: number) => [[[cx - half, cy - half], [cx + half, cy - half], [cx + half, cy + half], [cx - half, cy + half], [cx - half, cy - half]]];
    const fc = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { code: 'prefecture', kind: 'village', name_zh: '某某市' }, geometry: { type: 'Polygon', coordinates: square(0.5) } },
        { type: 'Feature', properties: { code: 'big-unit', kind: 'unit', name_zh: '某单位' }, geometry: { type: 'Polygon', coordinates: square(0.012) } },
      ],
    };
    const r = await office.upload('/api/import/boundaries?dryRun=1', Buffer.from(JSON.stringify(fc)), 'areas.geojson', 'application/geo+json');
    const byCode = new Map((r.body.rows ?? r.body.error?.details?.rows ?? []).map((x: any) => [x.code, x.problems.join(' ')]));
    expect(byCode.get('prefecture')).toContain('larger than the township');
    expect(byCode.get('big-unit')).toContain('implausible for a unit');
  });

  it('checks a dense surveyed boundary file (a vertex every metre or so, 2 MB) as it checks the plain one', async () => {
    const areas = JSON.parse(fs.readFileSync('data/demo-town/areas.geojson', 'utf8'));
    const shp = shapefile(dir, `dense-${dialect}`, areas, 4490, { segmentize: 0.000012 });
    expect(fs.statSync(shp).size).toBeGreaterThan(2_000_000);
    const r = await office.upload('/api/import/boundaries?dryRun=1', zipShapefile(shp), 'areas.zip', 'application/zip');
    expect(r.status, JSON.stringify(r.body).slice(0, 400)).toBe(200);
    expect(r.body.fileProblems).toEqual([]);
    expect(r.body.rows.every((x: any) => x.problems.length === 0)).toBe(true);
    expect(r.body.updated).toBe(areas.features.length);
  });
});

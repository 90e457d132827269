import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as XLSX from 'xlsx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/stores.ts';
import { cookieOf, demoApp, expectError, type Client, type TestApp } from '../helpers/app.ts';
import { monthsOf } from '../../server/services/period-reports.ts';
import { lastDay, periodWords } from '../../server/briefing/period.ts';

// The monthly, quarterly and yearly evaluation reports: the same figures as the 标准考核 tab, read back from the page,
// from the PDF (by poppler's pdftotext) and from the workbook (by SheetJS, not the library that wrote it).

function pdfToText(pdf: Buffer): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'period-')), 'r.pdf');
  fs.writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

const pct = (v: number | null) => (v === null ? '—' : `${v.toFixed(2)}%`);

describe('the periods of a report', () => {
  it('names a month, a quarter and a year, and lists the months of each', () => {
    expect(periodWords('2026-11')).toBe('2026年11月');
    expect(periodWords('2026-Q4')).toBe('2026年第四季度');
    expect(periodWords('2026')).toBe('2026年');
    expect(monthsOf('2026-Q4')).toEqual(['2026-10', '2026-11', '2026-12']);
    expect(monthsOf('2026')).toHaveLength(12);
    expect(monthsOf('2026-11')).toEqual([]);
    expect(lastDay('2027-01-01')).toBe('2026-12-31');
  });
});

describe.each(DIALECTS)('the evaluation reports over %s', (dialect) => {
  let app: TestApp;
  let leader: Client;
  const file = async (name: string) => {
    const res = await app.app.request(`/api/period-reports/${name}`, { headers: { cookie: await cookieOf(app, 'leader') } });
    expect(res.status, name).toBe(200);
    return { type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
  };

  beforeAll(async () => {
    app = await demoApp(dialect, { scale: 0.3 });
    leader = await app.as('leader');
  });
  afterAll(async () => {
    await app?.drop();
  });

  it('holds the rates the 标准考核 tab shows, per area, person and category', async () => {
    const report = (await leader.call('GET', '/api/period-reports/2026-11.json')).body;
    const byArea = (await leader.call('GET', '/api/rates?period=2026-11')).body;
    const byPerson = (await leader.call('GET', '/api/rates?period=2026-11&by=person')).body;
    expect(report.kind).toBe('month');
    expect(report.total).toEqual(byArea.total);
    expect(report.total.due).toBeGreaterThan(20);
    expect(report.byArea).toEqual(byArea.rows);
    expect(report.byPerson).toEqual(byPerson.rows);
    expect(report.inspection).toEqual(byArea.inspection);
    expect(report.months).toEqual([]);
  });

  it('adds up a quarter month by month', async () => {
    const q = (await leader.call('GET', '/api/period-reports/2026-Q4.json')).body;
    expect(q.kind).toBe('quarter');
    expect(q.months.map((m: any) => m.period)).toEqual(['2026-10', '2026-11', '2026-12']);
    for (const k of ['due', 'parked', 'closed', 'closedOnTime', 'reworked']) expect(q.months.reduce((s: number, m: any) => s + m.rates[k], 0)).toBe(q.total[k]);
  });

  it('writes the page, the PDF and the workbook with those figures', async () => {
    const report = (await leader.call('GET', '/api/period-reports/2026-11.json')).body;
    const html = await file('2026-11.html');
    expect(html.type).toMatch(/text\/html/);
    const page = html.bytes.toString('utf8');
    expect(page).toContain('城乡环境卫生考核月报(2026年11月)');
    expect(page).toContain('2026-11-01 至 2026-11-30');
    const areaRows = /<table data-table="areas">.*?<tbody>(.*?)<\/tbody>/s.exec(page)![1]!.match(/<tr>/g)!.length;
    expect(areaRows).toBe(report.byArea.length);

    const pdf = await file('2026-11.pdf');
    expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfToText(pdf.bytes).replace(/\s+/g, ' ');
    expect(text).toContain('城乡环境卫生考核月报');
    expect(text).toContain('按期结案率');
    expect(text).toContain(pct(report.total.onTimeRate));
    expect(text).toContain(report.byArea[0].name.nameZh);

    const xlsx = await file('2026-11.xlsx');
    const wb = XLSX.read(xlsx.bytes, { type: 'buffer' });
    expect(wb.SheetNames).toEqual(expect.arrayContaining(['主要指标', '责任区域考核(得分由低到高)', '责任人考核', '分类考核', '计算方法']));
    const headline = XLSX.utils.sheet_to_json<(string | number)[]>(wb.Sheets['主要指标']!, { header: 1 });
    const cell = (label: string) => headline.find((r) => r[0] === label)?.[1];
    expect(cell('应结案数')).toBe(report.total.due);
    // percentages are numbers in the workbook (93.72 % is 0.9372)
    expect(cell('结案率')).toBeCloseTo(report.total.closeRate / 100, 6);
    expect(cell('等级')).toBe(report.total.grade);
    const areas = XLSX.utils.sheet_to_json<(string | number)[]>(wb.Sheets['责任区域考核(得分由低到高)']!, { header: 1 });
    expect(areas.slice(1).map((r) => r[0])).toEqual(report.byArea.map((r: any) => r.name.nameZh));
  });

  it('refuses a period that is not one in words, and people outside the leading group and the office', async () => {
    const bad = await leader.call('GET', '/api/period-reports/2026-Q5.pdf');
    expectError(bad, 400, 'invalid_input');
    expect(bad.body.error.message).toMatch(/报告为/);
    expectError(await (await app.as('cleaner1')).call('GET', '/api/period-reports/2026-11.json'), 403);
  });
});

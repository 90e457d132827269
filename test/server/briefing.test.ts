import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/stores.ts';
import { cookieOf, demoApp, NOW, type Client, type TestApp } from '../helpers/app.ts';
import { demoTown } from '../helpers/town.ts';
import { runScheduledBriefing, weekBounds } from '../../server/services/briefings.ts';

const { generatorTown } = demoTown();
const WEEK = '2026-W47';

function pdfToText(pdf: Buffer): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'briefing-')), 'b.pdf');
  fs.writeFileSync(file, pdf);
  try {
    return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  } catch (err) {
    throw new Error(`pdftotext is needed to read the PDF back: apt-get install -y poppler-utils (${(err as Error).message})`);
  }
}

describe.each(DIALECTS)('the weekly briefing over %s', (dialect) => {
  let app: TestApp;
  let office: Client;
  let recurrenceId: string | null = null;
  beforeAll(async () => {
    app = await demoApp(dialect);
    office = await app.as('office');
    // an inspector in the week reports flyposting at the bus station again: a recurrence
    const inspector = await app.as('inspector');
    app.clock.now = new Date('2026-11-21T02:00:00.000Z');
    const [lon, lat] = generatorTown.landmarks['busStation']!;
    const r = await inspector.call('POST', '/api/reports', { category: 'illegal_ad', lon, lat });
    recurrenceId = r.body.recurrenceOf ? r.body.id : null;
    app.clock.now = new Date(NOW);
  });
  afterAll(async () => {
    await app?.drop();
  });

  async function scalar(q: ReturnType<typeof sql<{ n: number | string }>>): Promise<number> {
    const r = await q.execute(app.deps.store.db);
    return Number(r.rows[0]!.n);
  }

  it('has headline figures that equal independent queries over the same data', async () => {
    const res = await office.call('GET', `/api/briefings/${WEEK}.json`);
    expect(res.status).toBe(200);
    const h = res.body.headline.current;
    const { from, to } = weekBounds(WEEK, 'Asia/Shanghai');
    const db = app.deps.store.db;
    const newReports = await scalar(sql`SELECT count(*) AS n FROM reports WHERE observed_at >= ${from} AND observed_at < ${to} AND status <> 'duplicate'`);
    const closed = await scalar(sql`SELECT count(*) AS n FROM report_events WHERE type = 'verify' AND at >= ${from} AND at < ${to}`);
    const freshClosed = await scalar(sql`SELECT count(*) AS n FROM reports r WHERE r.observed_at >= ${from} AND r.observed_at < ${to}
      AND r.status <> 'duplicate' AND EXISTS (SELECT 1 FROM report_events e WHERE e.report_id = r.id AND e.type = 'verify' AND e.at < ${to})`);
    const overdue = await scalar(sql`SELECT count(*) AS n FROM reports r WHERE r.deadline_at < ${to} AND r.observed_at < ${to}
      AND r.status NOT IN ('duplicate', 'rejected')
      AND NOT EXISTS (SELECT 1 FROM report_events e WHERE e.report_id = r.id AND e.type IN ('rectify', 'reject', 'merge') AND e.at < ${to})`);
    const recurrences = await scalar(sql`SELECT count(*) AS n FROM reports WHERE observed_at >= ${from} AND observed_at < ${to}
      AND status <> 'duplicate' AND recurrence_of IS NOT NULL`);
    const durations = (
      await sql<{ seen: string; closed: string }>`SELECT r.observed_at AS seen, e.at AS closed FROM report_events e JOIN reports r ON r.id = e.report_id
        WHERE e.type = 'verify' AND e.at >= ${from} AND e.at < ${to}`.execute(db)
    ).rows
      .map((r) => (new Date(r.closed).getTime() - new Date(r.seen).getTime()) / 3600_000)
      .sort((a, b) => a - b);
    const mid = durations.length / 2;
    const medianHours = durations.length % 2 ? durations[Math.floor(mid)]! : (durations[mid - 1]! + durations[mid]!) / 2;

    expect(newReports).toBeGreaterThan(50);
    expect(h.newReports).toBe(newReports);
    expect(h.closed).toBe(closed);
    expect(h.closureRate).toBeCloseTo(freshClosed / newReports, 10);
    expect(h.medianHoursToClose).toBeCloseTo(medianHours, 1);
    expect(h.overdue).toBe(overdue);
    expect(h.recurrences).toBe(recurrences);
    expect(recurrenceId).not.toBeNull();
    expect(recurrences).toBeGreaterThanOrEqual(1);
    expect(res.body.byArea.reduce((s: number, a: any) => s + a.count, 0)).toBeGreaterThan(0);
  });

  it('says where to focus next week, each sentence with numbers shown above', async () => {
    const b = (await office.call('GET', `/api/briefings/${WEEK}.json`)).body;
    expect(b.hotSpots.length).toBeGreaterThan(0);
    expect(b.hotSpots[0].place.near).toBeTruthy();
    expect(b.focus.length).toBeGreaterThan(0);
    for (const f of b.focus) expect(f.text).toMatch(/\d/);
    // stalls on market days: more than chance by the exact test, so said
    const market = b.focus.find((f: any) => f.rule.startsWith('赶集日显著偏多'));
    expect(market.text).toContain('占道经营');
    // every hot spot listed holds reports: never "0 problems"
    for (const h of b.hotSpots) expect(h.reports).toBeGreaterThanOrEqual(3);
    // the twelve weeks' trend: the market is a lasting hot spot
    expect(b.emerging.length).toBeGreaterThan(0);
    expect(b.emerging.every((e: any) => e.weeks === 12 && e.hotWeeks >= 1 && e.place.village)).toBe(true);
  });

  it('renders the page, the PDF (with its text in Chinese), the CSV and the workbook', async () => {
    const b = (await office.call('GET', `/api/briefings/${WEEK}.json`)).body;
    const html = await office.call('GET', `/api/briefings/${WEEK}.html`);
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(html.body).toContain(`data-figure="newReports">${b.headline.current.newReports}<`);
    expect(html.body).toContain('<svg');

    const pdfRes = await app.app.request(`/api/briefings/${WEEK}.pdf`, { headers: { cookie: await cookieOf(app, 'office') } });
    expect(pdfRes.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await pdfRes.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfToText(pdf);
    for (const word of ['纳具镇创文卫生热点周报', '第三保洁区', '安章社区', '半边街村', '下周工作重点']) expect(text).toContain(word);
    expect(text).toContain(String(b.headline.current.newReports));
    expect(text).toContain(String(b.headline.current.overdue));

    const csv = await office.call('GET', `/api/briefings/${WEEK}.csv`);
    expect((csv.body as string).charCodeAt(0)).toBe(0xfeff);
    expect(csv.body).toContain('保洁区与村(社区)排名');

    const xlsxRes = await app.app.request(`/api/briefings/${WEEK}.xlsx`, { headers: { cookie: await cookieOf(app, 'office') } });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await xlsxRes.arrayBuffer()) as never);
    expect(wb.worksheets.map((w) => w.name)).toEqual(expect.arrayContaining(['主要指标', '保洁区与村(社区)排名', '逾期未整改清单']));
    expect(wb.getWorksheet('主要指标')!.getRow(2).getCell(2).value).toBe(b.headline.current.newReports);
  });

  it('reads the same when a past week is generated again', async () => {
    const before = (await office.call('GET', `/api/briefings/${WEEK}.json`)).body;
    app.clock.advance(3 * 86_400_000);
    office = await app.signInAgain('office'); // three days later: a new desk session
    const again = await office.call('POST', `/api/briefings/${WEEK}/regenerate`);
    expect(again.status).toBe(200);
    const after = (await office.call('GET', `/api/briefings/${WEEK}.json`)).body;
    expect(after.generatedAt).not.toBe(before.generatedAt);
    expect({ ...after, generatedAt: null }).toEqual({ ...before, generatedAt: null });
    const list = (await office.call('GET', '/api/briefings')).body.briefings;
    expect(list.map((x: any) => x.week)).toContain(WEEK);
    expect((await (await app.as('leader')).call('POST', `/api/briefings/${WEEK}/regenerate`)).status).toBe(403);
    app.clock.now = new Date(NOW);
  });

  it('archives last week on Monday after the set hour, once, however many servers try', async () => {
    app.clock.now = new Date('2026-11-29T23:59:00.000Z'); // Monday 07:59 local: too early
    expect(await runScheduledBriefing(app.deps, 8)).toBeNull();
    app.clock.now = new Date('2026-12-01T00:01:00.000Z'); // Tuesday 08:01 local: W48 is due
    const results = await Promise.all([runScheduledBriefing(app.deps, 8), runScheduledBriefing(app.deps, 8)]);
    expect(results.filter((r) => r === '2026-W48')).toHaveLength(1);
    expect(await runScheduledBriefing(app.deps, 8)).toBeNull();
    app.clock.now = new Date(NOW);
  });
});


/**
 * npm run bench — prints the product's speed figures as one table and writes them to var/bench/latest.json
 * (one flat object of numbers). Medians over repeated runs; absolute times on a shared machine are noisy.
 *
 *   BENCH_REPORTS   reports in the database for the server figures (default 1 000 000)
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../server/config.ts';
import { startServer } from '../../server/server.ts';
import { giStar } from '../../server/analysis/getis-ord.ts';
import { generateReports } from '../../server/demo/generator.ts';
import { generatorTownFrom, readDemoTown } from '../../server/demo/town.ts';
import { createRouter, type RoutableArea } from '../../server/domain/routing.ts';
import { currentTownship, townshipRouter } from '../../server/services/context.ts';
import { insertReportEvents, insertReports } from '../../server/store/reports.ts';
import { observedAt } from '../../server/domain/reports.ts';
import { isoWeek, localDate, weekStartUtc } from '../../server/domain/calendar.ts';

const figures: Record<string, number> = {};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const time = async (runs: number, f: () => unknown | Promise<unknown>) => {
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    await f();
    t.push(performance.now() - s);
  }
  return median(t);
};
const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

// ---- Gi* over 100 000 cells with about 40 neighbours each, neighbour search included
{
  const side = 317;
  const n = side * side - 489; // 100 000
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = (i % side) * 100;
    y[i] = Math.floor(i / side) * 100;
    v[i] = (i * 2654435761) % 7;
  }
  // π·r² / cell² ≈ 40 cells within 357 m of 100 m cells
  const band = 357;
  giStar({ x, y }, v, band); // warm up
  figures.gi_100k_ms = Math.round(await time(5, () => giStar({ x, y }, v, band)));
  log(`Gi* 100k cells: ${figures.gi_100k_ms} ms`);
}

// ---- what a phone downloads for the field view (gzip), from the build manifest
{
  const dist = path.resolve('dist/web');
  const manifestFile = path.join(dist, '.vite/manifest.json');
  if (!fs.existsSync(manifestFile)) throw new Error('Build the web app first: npm run build');
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Record<string, { file: string; imports?: string[]; isEntry?: boolean; src?: string }>;
  const seen = new Set<string>();
  const walk = (key: string) => {
    if (seen.has(key) || !manifest[key]) return;
    seen.add(key);
    for (const i of manifest[key]!.imports ?? []) walk(i);
  };
  walk('index.html');
  walk(Object.keys(manifest).find((k) => k.endsWith('views/FieldView.tsx'))!);
  const files = [...seen].map((k) => manifest[k]!.file).filter((f) => f.endsWith('.js'));
  const gz = (f: string) => zlib.gzipSync(fs.readFileSync(path.join(dist, f)), { level: 9 }).length;
  const bundle = files.reduce((s, f) => s + gz(f), 0);
  // a map worker counts too when the field view's code would start one
  const workers = fs.readdirSync(path.join(dist, 'assets')).filter((f) => f.startsWith('maplibre-gl-worker'));
  const startsWorker = files.some((f) => workers.some((w) => fs.readFileSync(path.join(dist, f), 'utf8').includes(w)));
  const worker = startsWorker ? workers.reduce((s, f) => s + gz(`assets/${f}`), 0) : 0;
  figures.field_js_gzip_kb = Math.round((bundle + worker) / 1024);
  log(`field view JavaScript: ${files.length} files, ${figures.field_js_gzip_kb} KB gzip${startsWorker ? ' with the map worker' : ' (no map library)'}`);
}

// ---- the server over a database of N reports
{
  const N = Number(process.env.BENCH_REPORTS ?? 1_000_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotspots-bench-'));
  const server = await startServer(loadConfig({ PORT: '0', HOST: '127.0.0.1', HOTSPOTS_DATA_DIR: dir }), () => {});
  try {
    const deps = server.deps;
    const t = await currentTownship(deps);
    const { areas } = await townshipRouter(deps, t);
    const town = readDemoTown();
    const router = createRouter(town.boundary, areas as RoutableArea[]);
    const days = 365;
    const have = 1615;
    log(`generating ${N - have} reports…`);
    // About 17 reports a day at scale 1: generate, then top up with further seeds until N is reached.
    const gen: ReturnType<typeof generateReports> = [];
    for (let seed = 7; gen.length < N - have; seed++) {
      const scale = (N - have - gen.length) / (16.5 * days);
      for (const g of generateReports(generatorTownFrom(town, router), { seed, end: new Date().toISOString(), days, scale })) gen.push(g);
    }
    gen.length = N - have;
    log(`generated ${gen.length}; inserting…`);
    const s = performance.now();
    const CHUNK = 20_000;
    for (let i = 0; i < gen.length; i += CHUNK) {
      const rows = gen.slice(i, i + CHUNK).map((g) => benchRow(g, t.id, router));
      await deps.store.db.transaction().execute((trx) => insertReports(trx, rows));
    }
    const inserted = gen.length;
    log(`inserted ${inserted} in ${((performance.now() - s) / 1000).toFixed(1)} s`);
    figures.reports_in_db = inserted + have;

    const cookie = await signIn(server.url, 'leader');
    const get = async (p: string) => {
      const r = await fetch(`${server.url}${p}`, { headers: { cookie } });
      if (r.status !== 200) throw new Error(`${p}: ${r.status}`);
      return r.arrayBuffer();
    };
    await get('/api/hotspots');
    figures.hotspots_1m_ms = Math.round(await time(5, () => get('/api/hotspots')));
    log(`GET /api/hotspots over ${figures.reports_in_db} reports: ${figures.hotspots_1m_ms} ms`);
  } finally {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function signIn(url: string, username: string): Promise<string> {
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'demo' }),
  });
  return login.headers.get('set-cookie')!.split(';')[0]!;
}

/** A generated report as a row, routed, for bulk loading. */
function benchRow(g: ReturnType<typeof generateReports>[number], townshipId: string, router: ReturnType<typeof createRouter>) {
  const r = router.route(g.lon, g.lat);
  return {
    id: g.id,
    township_id: townshipId,
    category_code: g.category,
    lon: g.lon,
    lat: g.lat,
    accuracy_m: g.accuracyM,
    description: null,
    status: g.status,
    zone_id: r?.zone?.id ?? null,
    village_id: r?.village?.id ?? null,
    unit_id: r?.unit?.id ?? null,
    reporter_id: null,
    duplicate_of: null,
    captured_at: g.capturedAt,
    received_at: g.receivedAt,
    observed_at: observedAt(g.capturedAt, g.receivedAt),
    deadline_at: g.deadlineAt,
    closed_at: g.closedAt,
    updated_at: g.receivedAt,
    idempotency_key: null,
    assignee_id: null,
    responsible_area_id: r?.zone?.id ?? r?.village?.id ?? null,
    rectified_by: null,
    recurrence_of: null,
  };
}

// ---- a week with 20 000 reports, composed and rendered to PDF
{
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotspots-bench-week-'));
  const server = await startServer(loadConfig({ PORT: '0', HOST: '127.0.0.1', HOTSPOTS_DATA_DIR: dir }), () => {});
  try {
    const deps = server.deps;
    const t = await currentTownship(deps);
    const { areas } = await townshipRouter(deps, t);
    const town = readDemoTown();
    const router = createRouter(town.boundary, areas as RoutableArea[]);
    const weekEnd = weekStartUtc(Date.now(), t.timezone);
    const gen = generateReports(generatorTownFrom(town, router), { seed: 11, end: new Date(weekEnd).toISOString(), days: 7, scale: 20_000 / (16.5 * 7) });
    // This week comes with its histories, as a real week does.
    await deps.store.db.transaction().execute(async (trx) => {
      await insertReports(trx, gen.map((g) => benchRow(g, t.id, router)));
      await insertReportEvents(
        trx,
        gen.flatMap((g) =>
          g.events.map((e) => ({ report_id: g.id, township_id: t.id, type: e.type, from_status: e.from, to_status: e.to, actor_id: null, at: e.at, note: null, data: null })),
        ),
      );
    });
    figures.briefing_week_reports = gen.length;
    const week = isoWeek(localDate(weekEnd - 3 * 86_400_000, t.timezone));
    const cookie = await signIn(server.url, 'office');
    const once = async () => {
      const r1 = await fetch(`${server.url}/api/briefings/${week}/regenerate`, { method: 'POST', headers: { cookie } });
      if (r1.status !== 200) throw new Error(`regenerate: ${r1.status} ${await r1.text()}`);
      const r2 = await fetch(`${server.url}/api/briefings/${week}.pdf`, { headers: { cookie } });
      if (r2.status !== 200) throw new Error(`pdf: ${r2.status}`);
      await r2.arrayBuffer();
    };
    await once();
    figures.briefing_pdf_20k_ms = Math.round(await time(3, once));
    log(`briefing of a week with ${gen.length} reports, composed and rendered to PDF: ${figures.briefing_pdf_20k_ms} ms`);
  } finally {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---- print and keep
const out = path.resolve('var/bench');
fs.mkdirSync(out, { recursive: true });
const file = path.join(out, 'latest.json');
const previous = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, number>) : {};
fs.writeFileSync(file, JSON.stringify({ ...previous, ...figures }, null, 2) + '\n');
const targets: Record<string, string> = { gi_100k_ms: '≤ 300', hotspots_1m_ms: '≤ 1000', briefing_pdf_20k_ms: '≤ 3000', field_js_gzip_kb: '≤ 450' };
console.log('| figure | median | target |\n|---|---:|---|');
for (const [k, v] of Object.entries(figures)) console.log(`| ${k} | ${v} | ${targets[k] ?? ''} |`);
console.log(`\nwritten to ${path.relative(process.cwd(), file)}`);

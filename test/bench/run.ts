/**
 * npm run bench — prints the product's speed figures as one table and writes them to var/bench/latest.json
 * (one flat object of numbers). Medians over repeated runs; absolute times on a shared machine are noisy.
 *
 *   BENCH_REPORTS   reports in the database for the server figures (default 1 000 000)
 *   BENCH_LOAD_S    seconds of the 200-client mixed load (default 60)
 *   BENCH_PARTS     which parts to run, of gi, phone, server, briefing (default all), e.g. BENCH_PARTS=server
 */
import fs from 'node:fs';
import http from 'node:http';
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
import { queryPins, queryReports } from '../../server/store/report-query.ts';
import { bulkInsertReports } from '../../server/store/report-bulk.ts';
import { openStore } from '../../server/store/connect.ts';
import { sweepOverdue } from '../../server/services/lifecycle.ts';
import { decodePoints } from '../../server/domain/points.ts';
import { spawn, spawnSync } from 'node:child_process';
import pg from 'pg';
import { generatedReportRow } from '../../server/services/demo.ts';
import { isoWeek, localDate, weekStartUtc } from '../../server/domain/calendar.ts';
import { rawInsertsPg, rawInsertsSqlite, rawReadsPg, rawReadsSqlite, spdepLocalG } from './limits.ts';

const figures: Record<string, number> = {};
const round2 = (v: number) => Math.round(v * 100) / 100;
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
const parts = (process.env.BENCH_PARTS ?? 'gi,phone,server,briefing').split(',');
const part = (name: string) => parts.includes(name);

// ---- Gi* over 100 000 cells with about 40 neighbours each, neighbour search included
if (part('gi')) {
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
  // R spdep's localG on the same grid and band: its time ÷ ours, once both are seen to give the same z values
  const r = spdepLocalG(x, y, v, band);
  if ('reason' in r) log(`gi_vs_spdep_ratio not measured: ${r.reason}`);
  else {
    const ours = giStar({ x, y }, v, band);
    const worst = Math.max(...r.z.map((z, i) => Math.abs(z - ours[i]!)));
    if (!(worst < 1e-6)) throw new Error(`Gi* and spdep's localG disagree on the same grid (by ${worst}): not comparing their times`);
    figures.gi_spdep_100k_ms = Math.round(r.ms);
    figures.gi_vs_spdep_ratio = round2(r.ms / figures.gi_100k_ms);
    log(`spdep localG on the same 100k cells: ${figures.gi_spdep_100k_ms} ms (ours ${figures.gi_100k_ms} ms, gi_vs_spdep_ratio ${figures.gi_vs_spdep_ratio})`);
  }
}

// ---- what a phone downloads for the field view (gzip), from the build manifest
if (part('phone')) {
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

// ---- the hot-spot answer for the demo town's default view (the last 30 days), as bytes on the wire
if (part('phone')) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotspots-bench-demo-'));
  const server = await startServer(loadConfig({ PORT: '0', HOTSPOTS_DATA_DIR: dir }), () => {});
  try {
    const cookie = await signIn(server.url, 'leader');
    const today = localDate(Date.now(), 'Asia/Shanghai');
    const from = localDate(Date.now() - 29 * 86_400_000, 'Asia/Shanghai');
    const wire = (p: string) =>
      new Promise<number>((resolve, reject) => {
        http
          .get(`${server.url}${p}`, { headers: { cookie, 'accept-encoding': 'gzip' } }, (res) => {
            let n = 0;
            res.on('data', (b: Buffer) => (n += b.length));
            res.on('end', () => (res.statusCode === 200 ? resolve(n) : reject(new Error(`${p}: ${res.statusCode}`))));
          })
          .on('error', reject);
      });
    figures.hotspots_bytes = await wire(`/api/hotspots?from=${from}&to=${today}`);
    figures.hotspots_full_grid_bytes = await wire(`/api/hotspots?from=${from}&to=${today}&all=1`);
    log(`GET /api/hotspots, the demo town's default view: ${figures.hotspots_bytes} bytes gzip (the full grid as GeoJSON: ${figures.hotspots_full_grid_bytes})`);
    // the field view on a phone network: 400 kbit/s, 400 ms round trips (Chrome's "slow 3G" is 400 kbit/s and
    // 400 ms), nothing cached, an inspector already signed in; and a 12-megapixel camera photo made small on the phone
    try {
      const { launchBrowser } = await import('../e2e/helper.ts');
      const browser = await launchBrowser();
      try {
        // the inspector stands on the station's lane with a good fix
        const context = await browser.newContext({
          viewport: { width: 360, height: 640 },
          locale: 'zh-CN',
          serviceWorkers: 'block',
          permissions: ['geolocation'],
          geolocation: { longitude: 105.9404, latitude: 26.1405, accuracy: 5 },
        });
        const session = (await signIn(server.url, 'inspector')).split('=');
        await context.addCookies([{ name: session[0]!, value: session.slice(1).join('='), url: server.url }]);
        const page = await context.newPage();
        const cdp = await context.newCDPSession(page);
        await cdp.send('Network.enable');
        await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
        await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 400, downloadThroughput: (400 * 1000) / 8, uploadThroughput: (400 * 1000) / 8 });
        const t0 = performance.now();
        await page.goto(`${server.url}/field`, { waitUntil: 'commit' });
        await page.locator('[data-testid=drop-pin]:enabled').waitFor({ timeout: 120_000 });
        figures.field_slow3g_ready_ms = Math.round(performance.now() - t0);
        log(`field view on slow 3G, cold: the report button usable after ${figures.field_slow3g_ready_ms} ms (limit 5 000 ms, ratio ${round2(figures.field_slow3g_ready_ms / 5000)})`);
        await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
        // a 4 000 × 3 000 camera photo of real-looking detail (noise does not compress: it is the worst case)
        const sharp = (await import('sharp')).default;
        const camera = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#7a8' } })
          .composite([{ input: Buffer.from(Array.from({ length: 400 * 300 * 3 }, (_, i) => (i * 2654435761) % 256)), raw: { width: 400, height: 300, channels: 3 }, tile: true, blend: 'overlay' }])
          .jpeg({ quality: 92 })
          .toBuffer();
        await page.click('[data-testid=drop-pin]');
        await page.locator('[data-testid=field-photo]').waitFor({ state: 'attached' });
        await page.setInputFiles('[data-testid=field-photo]', { name: 'camera.jpg', mimeType: 'image/jpeg', buffer: camera });
        await page.locator('[data-testid=photo-previews] img').waitFor({ timeout: 60_000 });
        await page.click('[data-testid=category-exposed_garbage]');
        await page.click('[data-testid=submit-report]');
        await page.locator('[data-testid=outbox-item][data-state=sent]').waitFor({ timeout: 60_000 });
        // what went up is the photo the outbox holds (kept a week after sending)
        const bytes = await page.evaluate(async () => {
          const db = await new Promise<IDBDatabase>((res, rej) => {
            const r = indexedDB.open('hotspots-field');
            r.onsuccess = () => res(r.result);
            r.onerror = () => rej(r.error);
          });
          const items = await new Promise<Array<{ photos: Blob[] }>>((res) => {
            const q = db.transaction('outbox').objectStore('outbox').getAll();
            q.onsuccess = () => res(q.result);
          });
          db.close();
          return items[0]?.photos[0]?.size ?? 0;
        });
        if (!bytes) throw new Error('no photo in the outbox');
        figures.photo_upload_kb = Math.round(bytes / 1024);
        log(`a ${Math.round(camera.length / 1024)} KB 4 000 × 3 000 camera photo goes up as ${figures.photo_upload_kb} KB (limit 500 KB, ratio ${round2(figures.photo_upload_kb / 500)})`);
      } finally {
        await Promise.race([browser.close(), new Promise((r) => setTimeout(r, 5000))]);
      }
    } catch (err) {
      log(`the field view on a phone network was not measured: ${(err as Error).message.split('\n')[0]}`);
    }
    // Lighthouse (mobile emulation, its simulated slow 4G and 4× slower CPU) against the built app, signed in
    try {
      const { default: lighthouse } = await import('lighthouse');
      const chromeLauncher = await import('chrome-launcher');
      const { CHROMIUM } = await import('../e2e/helper.ts');
      const chrome = await chromeLauncher.launch({
        chromePath: CHROMIUM,
        chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
      });
      try {
        const audit = async (pagePath: string, as: string, categories: string[]) => {
          const cookie = await signIn(server.url, as);
          const r = await lighthouse(`${server.url}${pagePath}`, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: categories, extraHeaders: { Cookie: cookie } });
          if (!r) throw new Error(`no Lighthouse result for ${pagePath}`);
          return Object.fromEntries(categories.map((c) => [c, Math.round((r.lhr.categories[c]?.score ?? 0) * 100)]));
        };
        const field = await audit('/field', 'inspector', ['performance', 'accessibility']);
        figures.lh_field_perf = field.performance!;
        figures.lh_field_a11y = field.accessibility!;
        figures.lh_tasks_perf = (await audit('/tasks', 'cleaner3', ['performance'])).performance!;
        figures.lh_map_perf = (await audit('/', 'leader', ['performance'])).performance!;
        log(`Lighthouse: field ${figures.lh_field_perf} (target 90), tasks ${figures.lh_tasks_perf} (90), map ${figures.lh_map_perf} (70), field accessibility ${figures.lh_field_a11y} (95)`);
      } finally {
        await chrome.kill();
      }
    } catch (err) {
      log(`Lighthouse was not measured: ${(err as Error).message.split('\n')[0]}`);
    }
    // a boundary file as dense as a surveyed one: the demo town's areas with a vertex every metre or so, 2.2 MB of .shp
    try {
      const src = path.join(dir, 'areas.geojson');
      fs.copyFileSync('data/demo-town/areas.geojson', src);
      spawnSync('ogr2ogr', ['-f', 'ESRI Shapefile', '-segmentize', '0.000012', '-lco', 'ENCODING=UTF-8', path.join(dir, 'dense.shp'), src], { stdio: 'ignore' });
      const zipped = spawnSync('zip', ['-q', 'dense.zip', 'dense.shp', 'dense.shx', 'dense.dbf', 'dense.prj', 'dense.cpg'], { cwd: dir, stdio: 'ignore' });
      if (zipped.status !== 0) throw new Error('ogr2ogr or zip is not installed');
      const office = await signIn(server.url, 'office');
      const bytes = fs.readFileSync(path.join(dir, 'dense.zip'));
      const dry = async () => {
        const f = new FormData();
        f.append('file', new Blob([bytes], { type: 'application/zip' }), 'dense.zip');
        const r = await fetch(`${server.url}/api/import/boundaries?dryRun=1`, { method: 'POST', body: f, headers: { cookie: office } });
        if (r.status !== 200) throw new Error(`boundary dry run: ${r.status}`);
        await r.arrayBuffer();
      };
      figures.boundary_dense_dry_run_ms = Math.round(await time(3, dry));
      log(`a 2.2 MB boundary Shapefile's dry run: ${figures.boundary_dense_dry_run_ms} ms (limit 10 000 ms, ratio ${round2(figures.boundary_dense_dry_run_ms / 10_000)})`);
    } catch (err) {
      log(`the dense boundary file was not measured: ${(err as Error).message}`);
    }
  } finally {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---- a database of N reports, served by the real server in its own process: SQLite, then PostgreSQL + PostGIS
// when DATABASE_URL is set (in a database of its own, made and dropped here; its figures end in _pg)
const N = Number(process.env.BENCH_REPORTS ?? 1_000_000);
if (part('server')) await serverFigures();
if (part('server') && process.env.DATABASE_URL) {
  const { url, drop } = await freshPostgres(process.env.DATABASE_URL);
  await serverFigures(url, drop);
}

async function serverFigures(databaseUrl?: string, dropDatabase?: () => Promise<void>) {
  // (the figure being measured is named first, as `figures[key(…)] = await …` evaluates its key before the measurement)
  let step = 'loading the database';
  const key = (k: string) => {
    step = `measuring ${k}`;
    return databaseUrl ? `${k}_pg` : k;
  };
  log(databaseUrl ? 'PostgreSQL + PostGIS' : 'SQLite');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotspots-bench-'));
  // 1. the demo town, then N reports loaded in bulk
  const first = await startServer(loadConfig({ PORT: '0', HOST: '127.0.0.1', HOTSPOTS_DATA_DIR: dir, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) }), () => {});
  const t = await currentTownship(first.deps);
  const { areas } = await townshipRouter(first.deps, t);
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
  gen.length = Math.max(0, N - have);
  const rows = gen.map((g) => benchRow(g, t.id, router));
  gen.length = 0;
  // Where field staff send reports from in the reporting figure: 500 of the generated reports' spots, so busy
  // streets come up as often as they do in the data.
  const spots = Array.from({ length: 500 }, (_, i) => rows[Math.floor((i * rows.length) / 500)]!).map((r) => ({
    category: r.category_code,
    lon: r.lon,
    lat: r.lat,
    description: 'bench',
  }));
  log(`inserting ${rows.length}…`);
  const s0 = performance.now();
  await bulkInsertReports(first.store, rows);
  const seconds = (performance.now() - s0) / 1000;
  figures[key('import_per_s')] = Math.round(rows.length / seconds);
  figures[key('n_reports')] = rows.length + have;
  rows.length = 0;
  log(`inserted in ${seconds.toFixed(1)} s: ${figures[key('import_per_s')]} reports/s`);
  // Generated reports come without histories, so many sit past their deadlines: charge that backlog now,
  // as a server running all along would have, rather than during the measurements.
  const s1 = performance.now();
  const charged = await sweepOverdue(first.deps);
  log(`charged a backlog of ${charged} missed deadlines in ${((performance.now() - s1) / 1000).toFixed(1)} s`);
  await first.close();

  // 2. the server in a process of its own, as deployed
  const port = 18000 + Math.floor(Math.random() * 2000);
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, HOTSPOTS_DATA_DIR: dir, PORT: String(port), HOST: '127.0.0.1', HOTSPOTS_DEMO: '0', DATABASE_URL: databaseUrl ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The server's own words go to var/bench/server.log, and are printed if a step fails (a server that dies
  // half-way says why there, not in a "fetch failed" here).
  fs.mkdirSync('var/bench', { recursive: true });
  const serverLog = fs.createWriteStream(path.join('var/bench', `server${databaseUrl ? '-pg' : ''}.log`));
  child.stdout!.pipe(serverLog, { end: false });
  child.stderr!.pipe(serverLog, { end: false });
  step = 'starting the server';
  const exitedEarly = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(`the server exited (${signal ?? code}) while ${step}`)));
  const url = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      const ok = await fetch(`${url}/api/health`).then((r) => r.ok).catch(() => false);
      if (ok) break;
      if (i > 300) throw new Error('the server did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const cookie = await signIn(url, 'leader');
    // A GET is sent again once when the kept-alive connection it went out on had just been closed by the server
    // (its 5 s idle limit, passed while this process was busy reading the database itself), as browsers do.
    const get = async (p: string, headers: Record<string, string> = {}): Promise<Uint8Array> => {
      for (let attempt = 0; ; attempt++) {
        try {
          const r = await fetch(`${url}${p}`, { headers: { cookie, ...headers } });
          if (r.status !== 200) throw new Error(`${p}: ${r.status}`);
          return new Uint8Array(await r.arrayBuffer());
        } catch (err) {
          const socket = (err as { cause?: { code?: string } }).cause?.code === 'UND_ERR_SOCKET';
          if (!socket || attempt > 0) throw err;
        }
      }
    };

    // a bounding box around the market holding about 2 000 reports
    const reader = openStore(databaseUrl ? { databaseUrl } : { sqliteFile: path.join(dir, 'hotspots.sqlite') });
    const [mlon, mlat] = generatorTownFrom(town, router).landmarks['market']!;
    let half = 0.0005;
    let bbox: [number, number, number, number] = [mlon - half, mlat - half, mlon + half, mlat + half];
    for (let k = 0; k < 30; k++) {
      const n = (await queryReports(reader.db, reader.dialect, { townshipId: t.id, bbox, limit: 5000 })).length;
      if (n >= 1800 && n <= 2300) break;
      half *= n < 1800 ? 1.25 : 0.85;
      bbox = [mlon - half, mlat - half, mlon + half, mlat + half];
    }
    // what the map's pins read (the route's store query), and whole rows for comparison
    figures[key('bbox_store_p50_ms')] = round2(await time(30, () => queryPins(reader.db, reader.dialect, { townshipId: t.id, bbox, limit: 2000 })));
    figures[key('bbox_store_rows_p50_ms')] = round2(await time(30, () => queryReports(reader.db, reader.dialect, { townshipId: t.id, bbox, limit: 2000 })));
    // the limits: the same box as one raw query, and every report's position and category read raw
    const raw = reader.sqlite ? { ...rawReadsSqlite(reader.sqlite, t.id, bbox), close: async () => {} } : await rawReadsPg(databaseUrl!, t.id, bbox);
    figures[key('bbox_raw_p50_ms')] = round2(await time(30, raw.box));
    figures[key('points_raw_ms')] = Math.round(await time(5, raw.points));
    await raw.close();
    await reader.close();
    step = 'measuring bbox_http_p50_ms';
    const geo = await get(`/api/reports?bbox=${bbox.join(',')}&limit=2000`);
    const geoCount = (JSON.parse(new TextDecoder().decode(geo)) as { numberReturned: number }).numberReturned;
    figures[key('bbox_http_p50_ms')] = round2(await time(30, () => get(`/api/reports?bbox=${bbox.join(',')}&limit=2000`)));
    const binBox = await get(`/api/reports/points?bbox=${bbox.join(',')}`);
    figures[key('geojson_over_binary')] = round2(geo.length / geoCount / (binBox.length / geoCount));
    figures[key('bbox_overhead_ratio')] = round2(figures[key('bbox_http_p50_ms')]! / figures[key('bbox_raw_p50_ms')]!);
    log(
      `bbox with ${geoCount} reports: store ${figures[key('bbox_store_p50_ms')]} ms (whole rows ${figures[key('bbox_store_rows_p50_ms')]} ms), HTTP GeoJSON ${figures[key('bbox_http_p50_ms')]} ms; one raw query ${figures[key('bbox_raw_p50_ms')]} ms, bbox_overhead_ratio ${figures[key('bbox_overhead_ratio')]}`,
    );

    // every report as binary points
    const all = await get('/api/reports/points', { 'accept-encoding': 'identity' });
    const count = decodePoints(all).count;
    figures[key('points_bytes_per_point')] = round2(all.length / count);
    figures[key('points_all_ms')] = Math.round(await time(5, () => get('/api/reports/points', { 'accept-encoding': 'identity' })));
    // and right after a report is written, as the map is asked again on a busy morning
    {
      const office = await signIn(url, 'office');
      const spot = spots[0]!;
      const after: number[] = [];
      for (let i = 0; i < 5; i++) {
        const w = await fetch(`${url}/api/reports`, { method: 'POST', headers: { cookie: office, 'content-type': 'application/json' }, body: JSON.stringify(spot) });
        if (w.status !== 201) throw new Error(`POST /api/reports: ${w.status}`);
        await w.arrayBuffer();
        const t0 = performance.now();
        await get('/api/reports/points', { 'accept-encoding': 'identity' });
        after.push(performance.now() - t0);
      }
      figures[key('points_after_write_ms')] = Math.round(median(after));
    }
    figures[key('points_vs_read_ratio')] = round2(figures[key('points_all_ms')]! / figures[key('points_raw_ms')]!);
    log(`all ${count} points: ${all.length} bytes, ${figures[key('points_all_ms')]} ms (${figures[key('points_after_write_ms')]} ms right after a report is written); the same columns read raw ${figures[key('points_raw_ms')]} ms, points_vs_read_ratio ${figures[key('points_vs_read_ratio')]}`);

    // Answers are cached per filter and data version: each timed request asks a different spot floor, so each is
    // computed anew (the floor only changes which spots are listed, not the work), then the cached answer is timed.
    await get('/api/hotspots?minReports=2');
    let floor = 3;
    figures[key('hotspots_1m_ms')] = Math.round(await time(5, () => get(`/api/hotspots?minReports=${floor++}`)));
    figures[key('hotspots_cached_ms')] = round2(await time(10, () => get('/api/hotspots?minReports=3')));
    log(`GET /api/hotspots over ${figures[key('n_reports')]} reports: ${figures[key('hotspots_1m_ms')]} ms computed, ${figures[key('hotspots_cached_ms')]} ms cached`);
    // twelve weekly cubes; each run ends on another day, so none is served from the cache
    let day = 0;
    const ending = () => localDate(Date.now() - day++ * 86_400_000, 'Asia/Shanghai');
    figures[key('emerging_12w_ms')] = Math.round(await time(3, () => get(`/api/analysis/emerging?weeks=12&to=${ending()}`)));
    log(`GET /api/analysis/emerging over 12 weeks: ${figures[key('emerging_12w_ms')]} ms`);

    // 50 clients posting reports, each from a load generator in its own process (test/bench/load.ts): as people
    // do, each client sending a report every half second on average at random moments (10 s measured after a
    // 5 s warm-up), first from spots drawn from where reports are made, then all at the busiest spot (the bus
    // station, with thousands of items still open within 30 m for the duplicate check to weigh); then back to
    // back from the drawn spots (the ceiling: with 50 requests always waiting, latency is 50 ÷ throughput).
    const [lon, lat] = generatorTownFrom(town, router).landmarks['busStation']!;
    const busy = { category: 'illegal_ad', lon, lat, description: 'bench' };
    const posting = (body: unknown, rate: string) => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/bench/load.ts', url, '10', '50', rate], {
        encoding: 'utf8',
        env: { ...process.env, LOAD_POST: JSON.stringify(body) },
      });
      if (r.status !== 0) throw new Error(`load generator failed: ${r.stderr}`);
      return JSON.parse(r.stdout.trim().split('\n').pop()!) as { rps: number; p50: number; p99: number; non2xx: number; errors: number };
    };
    const spread = posting(spots, '2');
    figures[key('post_p50_ms')] = spread.p50;
    figures[key('post_p99_ms')] = spread.p99;
    log(`POST /api/reports, 50 clients each sending 2 reports/s from spots where reports are made: p50 ${spread.p50} ms, p99 ${spread.p99} ms, ${spread.rps}/s, ${spread.non2xx} non-2xx, ${spread.errors} errors`);
    const atBusy = posting(busy, '2');
    figures[key('post_busy_p50_ms')] = atBusy.p50;
    figures[key('post_busy_p99_ms')] = atBusy.p99;
    log(`POST /api/reports, the same at the bus station: p50 ${atBusy.p50} ms, p99 ${atBusy.p99} ms, ${atBusy.rps}/s, ${atBusy.non2xx} non-2xx, ${atBusy.errors} errors`);
    const flat = posting(spots, '0');
    figures[key('post_per_s')] = Math.round(flat.rps);
    figures[key('post_max_p99_ms')] = flat.p99;
    log(`POST /api/reports, 50 clients back to back: p50 ${flat.p50} ms, p99 ${flat.p99} ms, ${figures[key('post_per_s')]}/s, ${flat.non2xx} non-2xx, ${flat.errors} errors`);

    // 200 people at once mixing map reads, reports and rectifications, then the same clients flat out
    const loadS = process.env.BENCH_LOAD_S ?? '60';
    const runLoad = (rate: string, seconds: string) => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/bench/load.ts', url, seconds, '200', rate], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
      if (r.status !== 0) throw new Error(`load generator failed: ${r.stderr}`);
      for (const line of r.stderr.split('\n').filter((l) => l.startsWith('load: '))) log(line.slice(6));
      return JSON.parse(r.stdout.trim().split('\n').pop()!) as { rps: number; p50: number; p99: number; non2xx: number; errors: number };
    };
    const people = runLoad('1', loadS);
    figures[key('load_rps')] = Math.round(people.rps);
    figures[key('load_p50_ms')] = people.p50;
    figures[key('load_p99_ms')] = people.p99;
    figures[key('load_errors')] = people.errors + people.non2xx;
    log(`mixed load, 200 people at ~1 request/s each for ${loadS} s: ${people.rps} req/s, p50 ${people.p50} ms, p99 ${people.p99} ms, ${people.non2xx} unexpected answers, ${people.errors} errors`);
    const ceiling = runLoad('0', String(Math.min(20, Number(loadS))));
    figures[key('load_max_rps')] = Math.round(ceiling.rps);
    figures[key('load_max_p99_ms')] = ceiling.p99;
    log(`the same mix flat out from 200 connections: ${ceiling.rps} req/s, p50 ${ceiling.p50} ms, p99 ${ceiling.p99} ms, ${ceiling.non2xx + ceiling.errors} errors`);

    // Let the server drain what the flat-out run queued before measuring anything else.
    for (let i = 0; i < 120; i++) {
      const t0 = performance.now();
      await fetch(`${url}/api/health`).catch(() => null);
      if (performance.now() - t0 < 200) break;
      await new Promise((r) => setTimeout(r, 1000));
    }

    // /api/health while two worst-case analyses (the heaviest hot-spot grid the budget allows) and a boundary
    // import's dry run are under way: the event loop must keep answering (limit 200 ms at p99).
    {
      const office = await signIn(url, 'office');
      // every cell of the township (not only those near roads); two different bands, so neither waits for the other's answer
      const heavy = '/api/hotspots?cellSize=50&distanceBand=450&study=township';
      const form = () => {
        const f = new FormData();
        f.append('file', new Blob([fs.readFileSync('data/demo-town/areas.geojson')], { type: 'application/geo+json' }), 'areas.geojson');
        return f;
      };
      let busy = true;
      const work = Promise.all([
        fetch(`${url}${heavy}`, { headers: { cookie } }).then((r) => r.arrayBuffer()),
        fetch(`${url}${heavy.replace('=450', '=449')}`, { headers: { cookie: office } }).then((r) => r.arrayBuffer()),
        fetch(`${url}/api/import/boundaries?dryRun=1`, { method: 'POST', body: form(), headers: { cookie: office } }).then((r) => r.arrayBuffer()),
      ]).finally(() => (busy = false));
      const waits: number[] = [];
      while (busy || waits.length < 20) {
        const t0 = performance.now();
        await fetch(`${url}/api/health`);
        waits.push(performance.now() - t0);
      }
      await work;
      waits.sort((a, b) => a - b);
      figures[key('health_p99_busy_ms')] = Math.round(waits[Math.min(waits.length - 1, Math.floor(0.99 * waits.length))]! * 10) / 10;
      figures[key('health_p99_busy_ratio')] = Math.round((figures[key('health_p99_busy_ms')]! / 200) * 100) / 100;
      log(`health while two worst-case analyses and an import run: p99 ${figures[key('health_p99_busy_ms')]} ms over ${waits.length} requests (limit 200 ms, ratio ${figures[key('health_p99_busy_ratio')]})`);
    }

    // The limit for POST: the same INSERTs (a report and its two events, a transaction each) back to back from
    // one process into the same million-report tables, measured last, as events cannot be taken back.
    step = 'measuring raw_insert_per_s';
    {
      const r = router.route(spots[0]!.lon, spots[0]!.lat);
      const place = { zoneId: r?.zone?.id ?? null, villageId: r?.village?.id ?? null, assigneeId: null };
      const writer = openStore(databaseUrl ? { databaseUrl } : { sqliteFile: path.join(dir, 'hotspots.sqlite') });
      try {
        const perS = writer.sqlite ? rawInsertsSqlite(writer.sqlite, spots, t.id, place) : await rawInsertsPg(databaseUrl!, spots, t.id, place);
        figures[key('raw_insert_per_s')] = Math.round(perS);
      } finally {
        await writer.close();
      }
      figures[key('post_overhead_ratio')] = round2(figures[key('post_per_s')]! / figures[key('raw_insert_per_s')]!);
      log(`the same INSERTs as a POST back to back in one process: ${figures[key('raw_insert_per_s')]}/s; post_overhead_ratio ${figures[key('post_overhead_ratio')]} (our ${figures[key('post_per_s')]}/s)`);
    }

    // the server's resident memory after all that
    const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
    figures[key('rss_mb')] = Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);

    // the web app drawing a heatmap of every report, timed from the bytes in hand to the frame on screen
    if (fs.existsSync('dist/web/index.html')) {
      const { launchBrowser } = await import('../e2e/helper.ts');
      const browser = await launchBrowser();
      try {
        log('drawing the heatmap in Chromium…');
        const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
        await page.goto(url);
        await page.fill('[data-testid=login-username]', 'leader');
        await page.fill('[data-testid=login-password]', 'demo');
        await page.click('[data-testid=login-submit]');
        await page.waitForFunction(() => window.__hotspots?.ready === true && typeof window.__hotspots.showPoints === 'function', null, { timeout: 60_000 });
        const ms = await Promise.race([
          page.evaluate(async () => {
            const buf = await (await fetch('/api/reports/points')).arrayBuffer();
            return window.__hotspots!.showPoints!(buf);
          }),
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no frame within 60 s')), 60_000)),
        ]);
        figures[key('web_heatmap_ms')] = Math.round(ms);
        log(`web heatmap of ${count} points: ${figures[key('web_heatmap_ms')]} ms after the bytes arrived`);
      } catch (err) {
        log(`web heatmap not measured: ${(err as Error).message.split('\n')[0]}`);
      } finally {
        await Promise.race([browser.close(), new Promise((r) => setTimeout(r, 5000))]);
      }
    }
  } catch (err) {
    const died = await Promise.race([exitedEarly, new Promise<null>((r) => setTimeout(() => r(null), 500))]);
    serverLog.end();
    const tail = fs.readFileSync(serverLog.path, 'utf8').split('\n').slice(-40).join('\n');
    log(`failed while ${step}${died ? `; ${died}` : ''}: ${(err as Error).message}\n--- the server's last words (${serverLog.path}) ---\n${tail}`);
    throw err;
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const hard = setTimeout(() => child.kill('SIGKILL'), 12_000);
      await exited;
      clearTimeout(hard);
    }
    fs.rmSync(dir, { recursive: true, force: true });
    await dropDatabase?.();
  }
}

/** A new database beside the one named, with PostGIS, and a way to drop it again. */
async function freshPostgres(url: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `hotspots_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  const c = new pg.Client({ connectionString: u.toString() });
  await c.connect();
  await c.query('CREATE EXTENSION IF NOT EXISTS postgis');
  await c.end();
  return {
    url: u.toString(),
    drop: async () => {
      const a = new pg.Client({ connectionString: url });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
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
  const place = { zoneId: r?.zone?.id ?? null, villageId: r?.village?.id ?? null, unitId: r?.unit?.id ?? null };
  return generatedReportRow(g, townshipId, place, place.zoneId ?? place.villageId);
}

// ---- a week with 20 000 reports, composed and rendered to PDF
if (part('briefing')) {
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
const targets: Record<string, string> = {
  gi_100k_ms: '≤ 300',
  hotspots_1m_ms: '≤ 1000',
  hotspots_bytes: '≤ 60000',
  boundary_dense_dry_run_ms: '≤ 10000',
  emerging_12w_ms: '≤ 3000',
  briefing_pdf_20k_ms: '≤ 3000',
  field_js_gzip_kb: '≤ 100',
  field_slow3g_ready_ms: '≤ 5000',
  photo_upload_kb: '≤ 500',
  lh_field_perf: '≥ 90',
  lh_tasks_perf: '≥ 90',
  lh_map_perf: '≥ 70',
  lh_field_a11y: '≥ 95',
  import_per_s: '≥ 40000',
  post_p99_ms: '≤ 30',
  post_per_s: '≥ 1000',
  post_busy_p99_ms: '(worst spot)',
  bbox_store_p50_ms: '≤ 5',
  bbox_http_p50_ms: '≤ 20',
  points_bytes_per_point: '≤ 9',
  points_all_ms: '≤ 400',
  points_after_write_ms: '≤ 400',
  rss_mb: '≤ 400',
  web_heatmap_ms: '≤ 3000',
  load_p99_ms: '≤ 150',
  load_errors: '0',
  load_max_rps: '≥ 1500',
  health_p99_busy_ms: '≤ 200',
};
// PostgreSQL's own targets where they differ (the county's load issue)
const targetsPg: Record<string, string> = {
  import_per_s: '≥ 20000',
  post_p99_ms: '≤ 50',
  post_per_s: '≥ 500',
  bbox_store_p50_ms: '≤ 8',
  bbox_http_p50_ms: '≤ 25',
  points_all_ms: '≤ 500',
  points_after_write_ms: '≤ 500',
  hotspots_1m_ms: '≤ 800',
  load_p99_ms: '≤ 250',
  load_max_rps: '≥ 800',
};
console.log('| figure | median | target |\n|---|---:|---|');
const targetOf = (k: string) => (k.endsWith('_pg') ? (targetsPg[k.slice(0, -3)] ?? targets[k.slice(0, -3)]) : targets[k]) ?? '';
for (const [k, v] of Object.entries(figures)) console.log(`| ${k} | ${v} | ${targetOf(k)} |`);
console.log(`\nwritten to ${path.relative(process.cwd(), file)}`);

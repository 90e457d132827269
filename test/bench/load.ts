/**
 * The mixed load of a campaign morning, from its own process.
 * Each client repeats what field staff and the office do: look at the map around a spot (GeoJSON pins and binary
 * points of a street-level view), open an item, send a report, and rectify it with a photo. Prints one JSON line.
 * `tsx test/bench/load.ts <url> <seconds> <clients> [rate]`: with a rate, each client is a person who waits a random
 * think time (mean 1/rate s) between requests, arriving over a 5 s warm-up that is not measured; with 0, autocannon
 * sends back-to-back requests (the server's ceiling).
 */
import fs from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';

const [url, seconds = '60', clients = '200', rate = '0'] = process.argv.slice(2);
if (!url) throw new Error('usage: load.ts <url> [seconds] [clients] [requests per second per client, 0 = flat out]');

async function signIn(username: string): Promise<string> {
  const r = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'demo' }) });
  if (r.status !== 200) throw new Error(`sign-in ${username}: ${r.status}`);
  return r.headers.get('set-cookie')!.split(';')[0]!;
}

const office = await signIn('office');
// An after-photo must be new: each rectification uploads a photo of its own, taken after the item was sent.
// The same JPEG with a comment segment of random bytes after its start marker: another picture by its bytes.
const AFTER = fs.readFileSync(path.resolve('test/fixtures/after.jpg'));
const BOUNDARY = 'hotspots-load-boundary';
function photoBody(): Buffer {
  const note = Buffer.from(Math.random().toString(36).slice(2).padEnd(16, 'x'));
  const comment = Buffer.concat([Buffer.from([0xff, 0xfe, 0, note.length + 2]), note]);
  const jpeg = Buffer.concat([AFTER.subarray(0, 2), comment, AFTER.subarray(2)]);
  return Buffer.concat([
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="after.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
    jpeg,
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);
}
const multipart = { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, cookie: office };
const township = (await (await fetch(`${url}/api/township`, { headers: { cookie: office } })).json()) as { bbox: number[] };
// A street-level view (about 400 × 400 m) near the middle of the township, moved a little by each client.
const [w, s, e, n] = township.bbox as [number, number, number, number];
const cx = (w + e) / 2;
const cy = (s + n) / 2;

type Ctx = { id?: string; photo?: string; view?: string; spot?: [number, number] };
const json = { 'content-type': 'application/json', cookie: office };
// The map asks for the last 30 days unless told otherwise, as the web app does.
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const period = `from=${day(Date.now() - 29 * 86_400_000)}&to=${day(Date.now())}`;
const NO_ID = '00000000-0000-4000-8000-000000000000';
type Step = (ctx: Ctx) => { method: string; path: string; body?: string | Buffer; headers?: Record<string, string> };
const campaign: Step[] = [
  (ctx) => {
    const dx = (Math.random() - 0.5) * 0.02;
    const dy = (Math.random() - 0.5) * 0.02;
    ctx.view = [cx + dx - 0.002, cy + dy - 0.002, cx + dx + 0.002, cy + dy + 0.002].map((v) => v.toFixed(6)).join(',');
    ctx.spot = [cx + dx, cy + dy];
    return { method: 'GET', path: `/api/reports?bbox=${ctx.view}&${period}&limit=500` };
  },
  (ctx) => ({ method: 'GET', path: `/api/reports/points?bbox=${ctx.view}&${period}` }),
  (ctx) => ({ method: 'POST', path: '/api/reports', body: JSON.stringify({ category: 'exposed_garbage', lon: ctx.spot![0], lat: ctx.spot![1], description: 'load' }) }),
  (ctx) => ({ method: 'GET', path: `/api/reports/${ctx.id ?? NO_ID}` }),
  () => ({ method: 'POST', path: '/api/photos', body: photoBody(), headers: multipart }),
  (ctx) => ({ method: 'POST', path: `/api/reports/${ctx.id ?? NO_ID}/transitions`, body: JSON.stringify({ action: 'rectify', note: '已清理', photoIds: ctx.photo ? [ctx.photo] : [] }) }),
];
// LOAD_POST (a report as JSON, or an array of them): every client only sends reports, each time one of those
// picked at random (the reporting figures).
const postOnly = process.env.LOAD_POST;
const postBodies = postOnly ? ([] as unknown[]).concat(JSON.parse(postOnly)).map((b) => JSON.stringify(b)) : [];
const steps: Step[] = postOnly
  ? [() => ({ method: 'POST', path: '/api/reports', body: postBodies[Math.floor(Math.random() * postBodies.length)]! })]
  : campaign;
const names = postOnly ? ['POST report'] : ['GET pins', 'GET points', 'POST report', 'GET report', 'POST photo', 'POST rectify'];
const expectStatus = postOnly ? [201] : [200, 200, 201, 200, 201, 200];
const reportStep = postOnly ? 0 : 2;
const photoStep = postOnly ? -1 : 4;

let result: { rps: number; p50: number; p99: number; total: number; non2xx: number; errors: number; timeouts: number };
if (Number(rate) > 0) {
  // People: each client waits a random think time (mean 1/rate s) between requests, so arrivals are independent.
  const latencies: number[] = [];
  const byStep: number[][] = steps.map(() => []);
  let non2xx = 0;
  let errors = 0;
  // People arrive over the first 5 s (not all opening the map in the same second) and are measured from then on.
  const WARMUP_MS = 5000;
  const measureFrom = performance.now() + WARMUP_MS;
  const end = Date.now() + WARMUP_MS + Number(seconds) * 1000;
  const client = async () => {
    const ctx: Ctx = {};
    await new Promise((r) => setTimeout(r, Math.random() * WARMUP_MS));
    for (let i = 0; Date.now() < end; i = (i + 1) % steps.length) {
      const step = steps[i]!(ctx);
      const t0 = performance.now();
      try {
        const res = await fetch(url + step.path, { method: step.method, headers: step.headers ?? (step.body ? json : { cookie: office }), ...(step.body ? { body: typeof step.body === "string" ? step.body : new Uint8Array(step.body) } : {}), signal: AbortSignal.timeout(30_000) });
        const text = await res.text();
        if (t0 >= measureFrom) {
          latencies.push(performance.now() - t0);
          byStep[i]!.push(performance.now() - t0);
        }
        if (res.status !== expectStatus[i]) non2xx++; // counted from the first request on
        if (i === reportStep) ctx.id = res.status === 201 ? (JSON.parse(text) as { id: string }).id : undefined;
        if (i === photoStep) ctx.photo = res.status === 201 ? (JSON.parse(text) as { id: string }).id : undefined;
      } catch {
        errors++;
      }
      await new Promise((r) => setTimeout(r, -Math.log(1 - Math.random()) * (1000 / Number(rate))));
    }
  };
  await Promise.all(Array.from({ length: Number(clients) }, client));
  latencies.sort((a, b) => a - b);
  const q = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]! * 10) / 10;
  result = { rps: Math.round(latencies.length / Number(seconds)), p50: q(0.5), p99: q(0.99), total: latencies.length, non2xx, errors, timeouts: 0 };
  // which step is slow, for whoever reads the log
  for (const [i, xs] of byStep.entries()) {
    xs.sort((a, b) => a - b);
    const at = (p: number) => Math.round(xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]! * 10) / 10;
    process.stderr.write(`load: ${names[i]}: ${xs.length} requests, p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms\n`);
  }
} else {
  // Flat out: every client sends its next request as soon as the answer arrives (the server's ceiling).
  const r = await autocannon({
    url,
    connections: Number(clients),
    duration: Number(seconds),
    timeout: 30,
    headers: { cookie: office },
    requests: steps.map((step, i) => ({
      method: 'GET',
      setupRequest: (req: any, ctx: Ctx) => {
        const s = step(ctx);
        return { ...req, method: s.method, path: s.path, ...(s.body ? { body: s.body, headers: s.headers ?? json } : {}) };
      },
      ...(i === reportStep || i === photoStep
        ? {
            onResponse: (status: number, body: string, ctx: Ctx) => {
              const id = status === 201 ? (JSON.parse(body) as { id: string }).id : undefined;
              if (i === reportStep) ctx.id = id;
              else ctx.photo = id;
            },
          }
        : {}),
    })),
  });
  result = { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, total: r.requests.total, non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts };
}
process.stdout.write(JSON.stringify(result) + '\n');

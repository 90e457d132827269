import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { ACCESS } from '../../server/http/access.ts';
import { startServer, type RunningServer } from '../../server/server.ts';
import { attackArbitrary, SPECS, type Attack } from './attacks.ts';

// Generated malformed requests thrown at the real server over HTTP: every answer is a 4xx in the error shape,
// never a 5xx or a hang, and nothing of it reaches the database. CI runs 2 000 cases; `npm run fuzz` 20 000.

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const NOW = new Date('2026-11-30T02:00:00.000Z');
const TABLES = ['townships', 'areas', 'categories', 'users', 'reports', 'report_events', 'photos', 'report_photos', 'deductions', 'briefings', 'audit_log'] as const;

let server: RunningServer;
let dir: string;
const cookies = new Map<Attack['as'], string>();

async function snapshot(): Promise<string> {
  const db = server.store.db;
  const h = createHash('sha256');
  for (const t of TABLES) {
    const rows = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(t)}`.execute(db);
    const lines = rows.rows.map((r) => JSON.stringify(r)).sort();
    h.update(`${t}:${lines.length}\n${lines.join('\n')}\n`);
  }
  const photoFiles = fs.existsSync(path.join(dir, 'photos')) ? fs.readdirSync(path.join(dir, 'photos'), { recursive: true }).length : 0;
  h.update(`files:${photoFiles}`);
  return h.digest('hex');
}

/** One request on a connection of its own (an early 413 may close it), with raw bytes and a deadline. */
function send(a: Attack): Promise<{ status: number; type: string; body: string }> {
  const headers: Record<string, string> = { ...a.headers };
  const cookie = cookies.get(a.as);
  if (cookie && !headers.cookie) headers.cookie = cookie;
  const body = a.body === undefined ? undefined : typeof a.body === 'string' ? Buffer.from(a.body) : Buffer.from(a.body);
  if (body) headers['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const req = http.request(server.url + a.path, { method: a.method, headers, agent: false, timeout: 15_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 15 s')));
    // The server may answer (413) and close before a large body is written: the answer is what counts.
    req.on('error', (err) => setTimeout(() => reject(err), 200));
    req.end(body);
  });
}

describe('malformed requests against the real server', () => {
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotspots-fuzz-'));
    server = await startServer(loadConfig({ PORT: '0', HOTSPOTS_DATA_DIR: dir, HOTSPOTS_JOB_INTERVAL_S: '3600', HOTSPOTS_WEB_DIR: path.join(dir, 'none') }), () => {}, { now: () => NOW });
    for (const who of ['admin', 'office', 'inspector'] as const) {
      const res = await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: who, password: 'demo' }),
      });
      expect(res.status).toBe(200);
      cookies.set(who, res.headers.get('set-cookie')!.split(';')[0]!);
    }
  });
  afterAll(async () => {
    await server?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('knows how to attack every route the API serves', () => {
    expect(Object.keys(SPECS).sort()).toEqual(Object.keys(ACCESS).sort());
  });

  it(`answers ${RUNS} generated malformed requests with a 4xx in the error shape, and stores nothing`, async () => {
    const before = await snapshot();
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(attackArbitrary(), async (a) => {
        const res = await send(a);
        seen.set(a.route, (seen.get(a.route) ?? 0) + 1);
        const label = `${a.method} ${a.path.slice(0, 120)} as ${a.as} (${a.what}) → ${res.status} ${res.body.slice(0, 200)}`;
        expect(res.status, label).toBeLessThan(500);
        if (a.mustRefuse) expect(res.status, label).toBeGreaterThanOrEqual(400);
        if (res.status >= 400) {
          expect(res.type, label).toMatch(/^application\/json/);
          const body = JSON.parse(res.body) as unknown;
          // the error shape; a refused input also lists its problems, each with a code, for the client's words
          const { details, ...rest } = (body as { error: { details?: unknown } }).error;
          expect({ error: rest }, label).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
          if (details !== undefined) {
            const issues = (details as { issues?: unknown }).issues;
            if (issues !== undefined) expect(issues, label).toEqual(expect.arrayContaining([expect.objectContaining({ code: expect.any(String), message: expect.any(String) })]));
          }
        }
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    // Every route was attacked, and the database is exactly as it was.
    for (const key of Object.keys(ACCESS)) expect(seen.get(key) ?? 0, `${key} was never attacked`).toBeGreaterThan(0);
    expect(await snapshot()).toBe(before);
    const check = server.store.sqlite!.pragma('integrity_check', { simple: true });
    expect(check).toBe('ok');
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
  }, Math.max(120_000, RUNS * 100));

  it('stores text that looks like SQL or a path exactly as written, and the tables stay whole', async () => {
    const description = "'; DROP TABLE reports; -- ../../etc/passwd <script>alert(1)</script>";
    const res = await fetch(`${server.url}/api/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: cookies.get('inspector')! },
      body: JSON.stringify({ category: 'weeds', lon: 105.934, lat: 26.142, description }),
    });
    expect(res.status).toBe(201);
    const id = ((await res.json()) as { id: string }).id;
    const back = await fetch(`${server.url}/api/reports/${id}`, { headers: { cookie: cookies.get('office')! } });
    expect(((await back.json()) as { description: string }).description).toBe(description);
    expect(Number((await server.store.db.selectFrom('reports').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)).toBeGreaterThan(1000);
  });

  it('sends the security headers with every answer', async () => {
    const res = await fetch(`${server.url}/api/reports/not-an-id`, { headers: { cookie: cookies.get('office')! } });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'self'");
    expect(res.headers.get('content-security-policy')).not.toContain('unsafe-eval');
  });
});

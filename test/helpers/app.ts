import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { createApp } from '../../server/app.ts';
import { createDeps, type Deps } from '../../server/services/context.ts';
import { freshStore, type DialectName, type TestStore } from './stores.ts';
import { demoStore } from './templates.ts';

export const NOW = new Date('2026-11-30T02:00:00.000Z');

export interface Reply {
  status: number;
  body: any;
  headers: Headers;
}

export interface Client {
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
  upload(path: string, bytes: Buffer, name?: string, type?: string, fields?: Record<string, string>): Promise<Reply>;
}

export interface TestApp extends Client {
  deps: Deps;
  app: ReturnType<typeof createApp>;
  db: TestStore;
  photosDir: string;
  /** The clock the app reads; tests move it. */
  clock: { now: Date; advance(ms: number): void };
  /** A client signed in as a demo user (password "demo"), or as anyone with their password. */
  as(username: string, password?: string): Promise<Client>;
  /** Signs in again (a desk session ends after 30 idle minutes: the office coming back the next morning). */
  signInAgain(username: string, password?: string): Promise<Client>;
  drop(): Promise<void>;
}

function client(app: ReturnType<typeof createApp>, cookie: string | null): Client {
  const send = async (method: string, path: string, init: RequestInit): Promise<Reply> => {
    const headers = new Headers(init.headers);
    if (cookie) headers.set('cookie', cookie);
    const res = await app.request(path, { ...init, method, headers });
    // Keep a byte-order mark if the server sent one (res.text() would drop it).
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer());
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  return {
    call(method, path, body, headers = {}) {
      const init: RequestInit = { headers: { ...headers } };
      if (body !== undefined) {
        init.body = typeof body === 'string' ? body : JSON.stringify(body);
        (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
      }
      return send(method, path, init);
    },
    upload(path, bytes, name = 'photo.jpg', type = 'image/jpeg', fields = {}) {
      const form = new FormData();
      for (const [k, v] of Object.entries(fields)) form.append(k, v);
      form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
      return send('POST', path, { body: form });
    },
  };
}

/**
 * The real app over a store of its own of the given dialect, holding the demo town as loaded at NOW (a copy of this
 * run's template of it), at a clock the test controls.
 */
export async function demoApp(dialect: DialectName, opts: { scale?: number; publicMap?: boolean; empty?: boolean; privateWebhooks?: boolean } = {}): Promise<TestApp> {
  // empty: a real deployment's first start, with no township at all.
  const db = opts.empty ? await freshStore(dialect) : await demoStore(dialect, opts.scale ?? 1, NOW);
  const photosDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotspots-photos-'));
  const clock = {
    now: new Date(NOW),
    advance(ms: number) {
      this.now = new Date(this.now.getTime() + ms);
    },
  };
  const deps = createDeps(db.store, { now: () => clock.now, photosDir, publicMap: opts.publicMap ?? false, privateWebhooks: opts.privateWebhooks ?? false });
  const app = createApp(deps);
  const anonymous = client(app, null);
  const sessions = new Map<string, Client>();
  const testApp: TestApp = {
    ...anonymous,
    deps,
    app,
    db,
    photosDir,
    clock,
    async as(username, password = 'demo') {
      const hit = sessions.get(username);
      if (hit) return hit;
      const res = await anonymous.call('POST', '/api/auth/login', { username, password });
      if (res.status !== 200) throw new Error(`log-in as ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
      const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
      const c = client(app, cookie);
      sessions.set(username, c);
      return c;
    },
    async signInAgain(username, password) {
      sessions.delete(username);
      return testApp.as(username, password);
    },
    async drop() {
      await db.drop();
      fs.rmSync(photosDir, { recursive: true, force: true });
    },
  };
  return testApp;
}

/** Checks an answer is an error of the product's shape, with a message a person can act on. */
export function expectError(res: { status: number; body: any }, status: number, code?: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(Object.keys(res.body)).toEqual(['error']);
  expect(res.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
  // "details" carries structured help (an import's rows); nothing else rides along.
  expect(Object.keys(res.body.error).filter((k) => !['code', 'message', 'details'].includes(k))).toEqual([]);
  expect(res.body.error.message.length).toBeGreaterThan(10);
  if (code) expect(res.body.error.code).toBe(code);
}

/** A session cookie of a demo user, for requests made straight to the app. */
export async function cookieOf(app: TestApp, username: string): Promise<string> {
  const r = await app.call('POST', '/api/auth/login', { username, password: 'demo' });
  return r.headers.get('set-cookie')!.split(';')[0]!;
}

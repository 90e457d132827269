import { createApp } from '../../server/app.ts';
import { createDeps, type Deps } from '../../server/services/context.ts';
import { loadDemoIfEmpty } from '../../server/services/demo.ts';
import { freshStore, type DialectName, type TestStore } from './stores.ts';

export const NOW = new Date('2026-11-30T02:00:00.000Z');

export interface TestApp {
  deps: Deps;
  app: ReturnType<typeof createApp>;
  db: TestStore;
  /** app.request with JSON in and out. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
}

/** The real app over a fresh store of the given dialect, with the demo town loaded at a fixed clock. */
export async function demoApp(dialect: DialectName, opts: { scale?: number } = {}): Promise<TestApp> {
  const db = await freshStore(dialect);
  const deps = createDeps(db.store, () => NOW);
  await loadDemoIfEmpty(deps, { end: NOW, scale: opts.scale ?? 1 });
  const app = createApp(deps);
  return {
    deps,
    app,
    db,
    async call(method, path, body, headers = {}) {
      const init: RequestInit = { method, headers: { ...headers } };
      if (body !== undefined) {
        init.body = typeof body === 'string' ? body : JSON.stringify(body);
        (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
      }
      const res = await app.request(path, init);
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
  };
}

import { Hono } from 'hono';
import type { Deps } from '../services/context.ts';
import { ping } from '../store/health.ts';

export const healthRoutes = (deps: Deps) =>
  new Hono().get('/', async (c) => {
    await ping(deps.store.db);
    return c.json({ status: 'ok' as const, database: deps.store.dialect, time: deps.now().toISOString() }, 200);
  });

import { Hono } from 'hono';
import { sql } from 'kysely';
import type { Deps } from '../services/context.ts';

export const healthRoutes = (deps: Deps) =>
  new Hono().get('/', async (c) => {
    await sql`SELECT 1`.execute(deps.store.db);
    return c.json({ status: 'ok' as const, database: deps.store.dialect, time: deps.now().toISOString() }, 200);
  });

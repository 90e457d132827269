import { Hono } from 'hono';
import type { Deps } from '../services/context.ts';
import { ping } from '../store/health.ts';
import { isDemo } from '../services/demo.ts';
import { guard } from './access.ts';
import type { AppEnv } from './env.ts';

export const healthRoutes = (deps: Deps) =>
  new Hono<AppEnv>().get('/', guard(deps, 'GET /api/health'), async (c) => {
    // Unreachable, ping throws and the error handler answers 503 database_unavailable with Retry-After.
    await ping(deps.store.db);
    return c.json(
      {
        status: 'ok' as const,
        database: deps.store.dialect,
        databaseState: 'ok' as const,
        demo: await isDemo(deps),
        time: deps.now().toISOString(),
        // the overdue sweep, webhooks and Monday's briefing run in these rounds: a monitor sees them stop
        jobs: { rounds: deps.jobs.rounds, lastRanAt: deps.jobs.lastAt },
      },
      200,
    );
  });

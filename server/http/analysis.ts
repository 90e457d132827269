import { Hono, type Context } from 'hono';
import { clientAddress } from './client-address.ts';
import { z } from 'zod';
import { queryNumber } from './schemas.ts';
import type { Deps } from '../services/context.ts';
import { areasCompared, chronic, densityPeaks, patterns, type AnalysisQuery } from '../services/analysis.ts';
import { hotspots } from '../services/hotspots.ts';
import { emerging } from '../services/emerging.ts';
import type { ReportStatus } from '../domain/reports.ts';
import { guard } from './access.ts';
import type { AppEnv } from './env.ts';
import { validate } from './validate.ts';
import { reportQuery } from './schemas.ts';
import { periodOf } from './reports.ts';

const base = reportQuery.pick({ category: true, status: true, from: true, to: true });
const hotspotQuery = base.extend({
  cellSize: queryNumber(z.number().int().min(20, 'cells are at least 20 m').max(5000, 'cells are at most 5 km')).optional(),
  distanceBand: queryNumber(z.number().min(1).max(50_000)).optional(),
  study: z.enum(['near', 'township']).optional(),
  exposure: z.enum(['counts', 'roads']).optional(),
  scale: z.enum(['default', 'ohsa']).optional(),
  minReports: queryNumber(z.number().int().min(1).max(1000)).optional(),
  all: z.enum(['1', 'true', '0', 'false']).optional(),
});
const emergingQuery = base.extend({ weeks: queryNumber(z.number().int().min(4).max(52)).default(12) });
const chronicQuery = base.extend({
  weeks: queryNumber(z.number().int().min(1).max(52)).default(12),
  radius: queryNumber(z.number().min(5).max(500)).default(25),
  minPoints: queryNumber(z.number().int().min(2).max(1000)).default(8),
});
const areasQuery = base.extend({ weeks: queryNumber(z.number().int().min(2).max(52)).default(8) });
const densityQuery = base.extend({ top: queryNumber(z.number().int().min(1).max(100)).default(10) });

async function analysisOf(deps: Deps, q: z.infer<typeof base>): Promise<AnalysisQuery> {
  return { categories: q.category, statuses: q.status as ReportStatus[] | undefined, ...(await periodOf(deps, q)) };
}

/** Whose share of the worker pool a request uses: the signed-in person, or the address of an anonymous map reader. */
export function requester(c: Context<AppEnv>): string {
  return c.get('user')?.id ?? `anonymous:${clientAddress(c, [])}`;
}

export const analysisRoutes = (deps: Deps) =>
  new Hono<AppEnv>()
    .get('/hotspots', guard(deps, 'GET /api/hotspots'), validate('query', hotspotQuery), async (c) => {
      const q = c.req.valid('query');
      const { cellSize, distanceBand, study, exposure, scale, minReports } = q;
      return c.json(
        await hotspots(deps, { ...(await analysisOf(deps, q)), cellSize, distanceBand, study, exposure, scale, minReports, all: q.all === '1' || q.all === 'true' }, requester(c)),
        200,
      );
    })
    .get('/analysis/emerging', guard(deps, 'GET /api/analysis/emerging'), validate('query', emergingQuery), async (c) => {
      const q = c.req.valid('query');
      return c.json(await emerging(deps, { ...(await analysisOf(deps, q)), weeks: q.weeks }, requester(c)), 200);
    })
    .get('/analysis/chronic', guard(deps, 'GET /api/analysis/chronic'), validate('query', chronicQuery), async (c) => {
      const q = c.req.valid('query');
      return c.json(await chronic(deps, { ...(await analysisOf(deps, q)), weeks: q.weeks, eps: q.radius, minPts: q.minPoints }, requester(c)), 200);
    })
    .get('/analysis/time-patterns', guard(deps, 'GET /api/analysis/time-patterns'), validate('query', base), async (c) =>
      c.json(await patterns(deps, await analysisOf(deps, c.req.valid('query')), requester(c)), 200),
    )
    .get('/analysis/areas', guard(deps, 'GET /api/analysis/areas'), validate('query', areasQuery), async (c) => {
      const q = c.req.valid('query');
      return c.json(await areasCompared(deps, { ...(await analysisOf(deps, q)), weeks: q.weeks }), 200);
    })
    .get('/analysis/density', guard(deps, 'GET /api/analysis/density'), validate('query', densityQuery), async (c) => {
      const q = c.req.valid('query');
      return c.json(await densityPeaks(deps, { ...(await analysisOf(deps, q)), top: q.top }, requester(c)), 200);
    });

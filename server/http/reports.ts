import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../services/context.ts';
import { currentTownship } from '../services/context.ts';
import { addSightingTo, createReport, findNearby, getReport, listReports, REPORT_LIST_DEFAULT } from '../services/reports.ts';
import { pointsBinary } from '../services/report-points.ts';
import { gzipSync } from 'node:zlib';
import { bulkTransition, transition } from '../services/lifecycle.ts';
import type { ReportStatus } from '../domain/reports.ts';
import { localMidnightUtc, nextLocalDate } from '../domain/calendar.ts';
import { guard } from './access.ts';
import type { AppEnv } from './env.ts';
import { validate } from './validate.ts';
import { bulkTransitionBody, idempotencyHeader, nearbyQuery, newReportBody, reportQuery, sightingBody, transitionBody } from './schemas.ts';

const pointsQuery = reportQuery.omit({ limit: true });

const isDateOnly = (s: string) => s.length === 10;
const idParam = z.object({ id: z.uuid('report ids are UUIDs') });

/** Turns the query's dates into instants: whole dates are the township's local days, "to" inclusive. */
export async function periodOf(deps: Deps, q: { from?: string | undefined; to?: string | undefined }) {
  const needsZone = (q.from && isDateOnly(q.from)) || (q.to && isDateOnly(q.to));
  const tz = needsZone ? (await currentTownship(deps)).timezone : 'UTC';
  const from = q.from ? (isDateOnly(q.from) ? localMidnightUtc(q.from, tz) : new Date(q.from).toISOString()) : undefined;
  const to = q.to ? (isDateOnly(q.to) ? localMidnightUtc(nextLocalDate(q.to), tz) : new Date(q.to).toISOString()) : undefined;
  return { from, to };
}

/** The store filter for the map's query parameters (shared with the ledger). */
export async function filterOf(deps: Deps, q: z.infer<typeof reportQuery>, defaultLimit: number) {
  return {
    bbox: q.bbox,
    categories: q.category,
    statuses: q.status as ReportStatus[] | undefined,
    zoneId: q.zone,
    villageId: q.village,
    ids: q.ids,
    ...(await periodOf(deps, q)),
    limit: q.limit ?? defaultLimit,
  };
}

export const reportRoutes = (deps: Deps) =>
  new Hono<AppEnv>()
    .get('/', guard(deps, 'GET /api/reports'), validate('query', reportQuery), async (c) => {
      return c.json(await listReports(deps, await filterOf(deps, c.req.valid('query'), REPORT_LIST_DEFAULT), { anonymous: !c.get('user') }), 200);
    })
    .get('/points', guard(deps, 'GET /api/reports/points'), validate('query', pointsQuery), async (c) => {
      const { body, count } = await pointsBinary(deps, await filterOf(deps, c.req.valid('query'), 0));
      const headers: Record<string, string> = {
        'Content-Type': 'application/octet-stream',
        'X-Point-Count': String(count),
        'Cache-Control': 'no-store',
        Vary: 'Accept-Encoding',
      };
      // Quantised offsets repeat a lot: the fastest gzip level already halves them on a weak connection.
      const gzip = /\bgzip\b/.test(c.req.header('accept-encoding') ?? '') && body.length > 1024;
      if (gzip) headers['Content-Encoding'] = 'gzip';
      const out = gzip ? gzipSync(body, { level: 1 }) : body;
      return new Response(out as Uint8Array<ArrayBuffer>, { status: 200, headers });
    })
    .post('/bulk-transitions', guard(deps, 'POST /api/reports/bulk-transitions'), validate('json', bulkTransitionBody), async (c) =>
      c.json(await bulkTransition(deps, c.get('user')!, c.req.valid('json').ids, c.req.valid('json')), 200),
    )
    .get('/nearby', guard(deps, 'GET /api/reports/nearby'), validate('query', nearbyQuery), async (c) => {
      const q = c.req.valid('query');
      return c.json(await findNearby(deps, q.category, q.lon, q.lat), 200);
    })
    .get('/:id', guard(deps, 'GET /api/reports/:id'), validate('param', idParam), async (c) =>
      c.json(await getReport(deps, c.req.valid('param').id, c.get('user')), 200),
    )
    .post('/', guard(deps, 'POST /api/reports'), validate('header', idempotencyHeader), validate('json', newReportBody), async (c) => {
      const key = c.req.valid('header')['idempotency-key'];
      const { report, created, nearby, nearbyCount } = await createReport(deps, c.req.valid('json'), {
        idempotencyKey: key,
        reporter: c.get('user'),
      });
      if (!created) c.header('Idempotent-Replayed', 'true');
      return c.json({ ...report, nearby, nearbyCount }, created ? 201 : 200);
    })
    .post(
      '/:id/transitions',
      guard(deps, 'POST /api/reports/:id/transitions'),
      validate('param', idParam),
      validate('header', idempotencyHeader),
      validate('json', transitionBody),
      async (c) => {
        const done = await transition(deps, c.get('user')!, c.req.valid('param').id, c.req.valid('json'), { idempotencyKey: c.req.valid('header')['idempotency-key'] });
        if (done.replayed) c.header('Idempotent-Replayed', 'true');
        return c.json(done.report, 200);
      },
    )
    .post(
      '/:id/sightings',
      guard(deps, 'POST /api/reports/:id/sightings'),
      validate('param', idParam),
      validate('header', idempotencyHeader),
      validate('json', sightingBody),
      async (c) => {
        const done = await addSightingTo(deps, c.get('user')!, c.req.valid('param').id, c.req.valid('json'), { idempotencyKey: c.req.valid('header')['idempotency-key'] });
        if (done.replayed) c.header('Idempotent-Replayed', 'true');
        return c.json(done.report, done.replayed ? 200 : 201);
      },
    );

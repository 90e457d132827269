import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../services/context.ts';
import { currentTownship } from '../services/context.ts';
import { createReport, getReport, listReports, REPORT_LIST_DEFAULT } from '../services/reports.ts';
import type { ReportStatus } from '../domain/reports.ts';
import { localMidnightUtc, nextLocalDate } from '../domain/calendar.ts';
import { validate } from './validate.ts';
import { idempotencyHeader, newReportBody, reportQuery } from './schemas.ts';

const isDateOnly = (s: string) => s.length === 10;

export const reportRoutes = (deps: Deps) =>
  new Hono()
    .get('/', validate('query', reportQuery), async (c) => {
      const q = c.req.valid('query');
      // Whole days are the township's local days; "to" includes its day.
      const tz = q.from && isDateOnly(q.from) || q.to && isDateOnly(q.to) ? (await currentTownship(deps)).timezone : 'UTC';
      const from = q.from ? (isDateOnly(q.from) ? localMidnightUtc(q.from, tz) : new Date(q.from).toISOString()) : undefined;
      const to = q.to ? (isDateOnly(q.to) ? localMidnightUtc(nextLocalDate(q.to), tz) : new Date(q.to).toISOString()) : undefined;
      const body = await listReports(deps, {
        bbox: q.bbox,
        categories: q.category,
        statuses: q.status as ReportStatus[] | undefined,
        zoneId: q.zone,
        villageId: q.village,
        from,
        to,
        limit: q.limit ?? REPORT_LIST_DEFAULT,
      });
      return c.json(body, 200);
    })
    .get('/:id', validate('param', z.object({ id: z.uuid('report ids are UUIDs') })), async (c) =>
      c.json(await getReport(deps, c.req.valid('param').id), 200),
    )
    .post('/', validate('header', idempotencyHeader), validate('json', newReportBody), async (c) => {
      const key = c.req.valid('header')['idempotency-key'];
      const { report, created } = await createReport(deps, c.req.valid('json'), { idempotencyKey: key });
      if (!created) c.header('Idempotent-Replayed', 'true');
      return c.json(report, created ? 201 : 200);
    });

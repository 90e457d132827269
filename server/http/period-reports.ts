import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../services/context.ts';
import { periodReport } from '../services/period-reports.ts';
import { periodHtml } from '../briefing/period.ts';
import { runJob } from '../workers/pool.ts';
import { guard } from './access.ts';
import type { AppEnv } from './env.ts';
import { validate } from './validate.ts';
import { documentResponse } from './documents.ts';

// The monthly, quarterly and yearly evaluation reports as a page, a PDF, a workbook or JSON.

const periodFile = z.object({
  file: z
    .string()
    .regex(/^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?\.(html|pdf|xlsx|json)$/, '报告为 2026-11、2026-Q4 或 2026,加 .html、.pdf、.xlsx 或 .json。Ask for 2026-11, 2026-Q4 or 2026 with .html, .pdf, .xlsx or .json.'),
});

const PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'";

export const periodReportRoutes = (deps: Deps) =>
  new Hono<AppEnv>().get('/:file', guard(deps, 'GET /api/period-reports/:file'), validate('param', periodFile), async (c) => {
    const file = c.req.valid('param').file;
    const dot = file.lastIndexOf('.');
    const period = file.slice(0, dot);
    const ext = file.slice(dot + 1) as 'html' | 'pdf' | 'xlsx' | 'json';
    const data = await periodReport(deps, period);
    if (ext === 'json') return c.json(data, 200);
    // the PDF and the workbook are laid out in the worker pool, as the briefing's are
    const body = ext === 'html' ? periodHtml(data) : await runJob<Uint8Array>(c.get('user')!.id, { kind: ext === 'pdf' ? 'period-pdf' : 'period-xlsx', data });
    return documentResponse(body, ext, `report-${period}.${ext}`, PAGE_POLICY);
  });

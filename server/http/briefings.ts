import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../services/context.ts';
import { briefingArchive, getBriefing, regenerateBriefing } from '../services/briefings.ts';
import { briefingHtml } from '../briefing/html.ts';
import { runJob } from '../workers/pool.ts';
import { briefingCsv } from '../briefing/tables.ts';
import { guard } from './access.ts';
import type { AppEnv } from './env.ts';
import { validate } from './validate.ts';
import { documentResponse, type DocumentExt } from './documents.ts';
import { townshipOfLink, verifySignedPath } from '../services/signed-links.ts';
import { withTownship } from '../services/context.ts';
import type { MiddlewareHandler } from 'hono';

/**
 * A briefing link from a group message opens its file without signing in: checked here, before the guard, which
 * then lets this one route through. A changed or expired link is refused in words.
 */
const signedBriefing = (deps: Deps): MiddlewareHandler<AppEnv> => async (c, next) => {
  const sig = c.req.query('sig');
  if (!sig || c.get('user')) return next();
  const t = await townshipOfLink(deps, c.req.query('t'));
  const verdict = t ? await verifySignedPath(deps, t.id, c.req.path, c.req.query('exp'), sig) : 'invalid';
  if (verdict === 'expired') return c.json({ error: { code: 'link_expired', message: '链接已过期(14天有效),请登录查看或向创建办索取新链接。The link has expired (links open for 14 days); sign in, or ask the office for a new one.' } }, 403);
  if (verdict !== 'ok') return c.json({ error: { code: 'link_invalid', message: '链接无效。The link is not valid.' } }, 403);
  c.set('signedLink', 'GET /api/briefings/:file');
  return withTownship(t!.id, next);
};

const weekFile = z.object({
  file: z.string().regex(/^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])\.(html|pdf|csv|xlsx|json)$/, 'ask for YYYY-Www.html, .pdf, .csv, .xlsx or .json'),
});
const weekParam = z.object({ week: z.string().regex(/^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$/, 'weeks are YYYY-Www') });

const BRIEFING_PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'";

export const briefingRoutes = (deps: Deps) =>
  new Hono<AppEnv>()
    .get('/', guard(deps, 'GET /api/briefings'), async (c) => c.json({ briefings: await briefingArchive(deps) }, 200))
    .get('/:file', signedBriefing(deps), guard(deps, 'GET /api/briefings/:file'), validate('param', weekFile), async (c) => {
      const file = c.req.valid('param').file;
      const [week, ext] = file.split('.') as [string, DocumentExt | 'json'];
      const data = await getBriefing(deps, week);
      if (ext === 'json') return c.json(data, 200);
      // The PDF and the workbook take seconds to lay out: they are made in the worker pool.
      const body =
        ext === 'html' ? briefingHtml(data)
        : ext === 'csv' ? briefingCsv(data)
        : await runJob<Uint8Array>(c.get('user')?.id ?? `link:${week}`, { kind: ext === 'pdf' ? 'briefing-pdf' : 'briefing-xlsx', data });
      return documentResponse(body, ext, `briefing-${week}.${ext}`, BRIEFING_PAGE_POLICY);
    })
    .post('/:week/regenerate', guard(deps, 'POST /api/briefings/:week/regenerate'), validate('param', weekParam), async (c) => {
      const data = await regenerateBriefing(deps, c.req.valid('param').week, c.get('user')!);
      return c.json({ week: data.week, generatedAt: data.generatedAt }, 200);
    });

import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../services/context.ts';
import { exportReports, importReports, readReportFile, type ImportFormat } from '../services/exchange.ts';
import { importBoundaries, readBoundaryFile } from '../services/boundaries.ts';
import { guard } from './access.ts';
import type { AppEnv } from './env.ts';
import { validate } from './validate.ts';
import { reportQuery } from './schemas.ts';
import { filterOf } from './reports.ts';

const exportFile = z.object({
  file: z.enum(['reports.geojson', 'reports.csv', 'reports.xlsx'], { error: 'ask for reports.geojson, reports.csv or reports.xlsx' }),
});
const importQuery = z.object({
  dryRun: z.enum(['0', '1'], { error: 'dryRun is 1 (check only) or 0 (import)' }).optional(),
  format: z.enum(['csv', 'xlsx', 'geojson', 'zip']).optional(),
});
const uploadForm = z.object({
  file: z.instanceof(File, { error: 'Send the file as multipart/form-data in the field "file".' }),
});

/** The format a file is in: said by the query, else by its name. */
function formatOf(name: string, said: string | undefined): string {
  if (said) return said;
  const ext = name.toLowerCase().split('.').pop() ?? '';
  return ext === 'json' ? 'geojson' : ext;
}

export const exchangeRoutes = (deps: Deps) =>
  new Hono<AppEnv>()
    .get('/export/:file', guard(deps, 'GET /api/export/:file'), validate('param', exportFile), validate('query', reportQuery.omit({ limit: true })), async (c) => {
      const format = c.req.valid('param').file.split('.')[1] as 'geojson' | 'csv' | 'xlsx';
      const { limit: _l, ...filter } = await filterOf(deps, c.req.valid('query'), 0);
      const out = await exportReports(deps, filter, format);
      return new Response(new Uint8Array(out.body), {
        status: 200,
        headers: {
          'Content-Type': out.type,
          'Content-Disposition': `attachment; filename="${out.filename}"`,
          'X-Report-Count': String(out.count),
          'X-Truncated': String(out.truncated),
        },
      });
    })
    .post('/import/reports', guard(deps, 'POST /api/import/reports'), validate('query', importQuery), validate('form', uploadForm), async (c) => {
      const { file } = c.req.valid('form');
      const q = c.req.valid('query');
      const format = formatOf(file.name, q.format);
      if (!['csv', 'xlsx', 'geojson'].includes(format)) {
        return c.json({ error: { code: 'unsupported_format', message: `Reports are imported from .csv, .xlsx or .geojson files (got "${format}").` } }, 415);
      }
      const rows = await readReportFile(Buffer.from(await file.arrayBuffer()), format as ImportFormat);
      return c.json(await importReports(deps, c.get('user')!, rows, { dryRun: q.dryRun !== '0' }), 200);
    })
    .post('/import/boundaries', guard(deps, 'POST /api/import/boundaries'), validate('query', importQuery), validate('form', uploadForm), async (c) => {
      const { file } = c.req.valid('form');
      const q = c.req.valid('query');
      const format = formatOf(file.name, q.format);
      if (format !== 'geojson' && format !== 'zip') {
        return c.json({ error: { code: 'unsupported_format', message: `Boundaries are imported from .geojson or a zipped Shapefile (.zip) (got "${format}").` } }, 415);
      }
      const features = await readBoundaryFile(Buffer.from(await file.arrayBuffer()), format);
      return c.json(await importBoundaries(deps, c.get('user')!, features, { dryRun: q.dryRun !== '0' }), 200);
    });

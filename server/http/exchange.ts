import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../services/context.ts';
import { exportReports, importReports, readReportFile, type ImportFormat } from '../services/exchange.ts';
import { importBoundaries, readBoundaryFile } from '../services/boundaries.ts';
import { importBasemap } from '../services/basemap-import.ts';
import { guard } from './access.ts';
import type { AppEnv } from './env.ts';
import { validate } from './validate.ts';
import { ledgerQuery } from './schemas.ts';
import { ledgerFilterOf } from './ledger.ts';

const exportFile = z.object({
  file: z.enum(['reports.geojson', 'reports.csv', 'reports.xlsx'], { error: 'ask for reports.geojson, reports.csv or reports.xlsx' }),
});
const importQuery = z.object({
  dryRun: z.enum(['0', '1'], { error: 'dryRun is 1 (check only) or 0 (import)' }).optional(),
  format: z.enum(['csv', 'xlsx', 'geojson', 'zip', 'kml', 'kmz', 'topojson']).optional(),
  /** The coordinate system the file is in when it does not say (gcj02, EPSG:4527, …). */
  crs: z.string().max(40).optional(),
  /** Imported open items whose deadline had already passed: waived (the default) or charged as deductions. */
  pastDeadlines: z.enum(['waive', 'charge'], { error: 'pastDeadlines is waive (the default) or charge' }).optional(),
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
    .get('/export/:file', guard(deps, 'GET /api/export/:file'), validate('param', exportFile), validate('query', ledgerQuery.omit({ limit: true, offset: true })), async (c) => {
      const format = c.req.valid('param').file.split('.')[1] as 'geojson' | 'csv' | 'xlsx';
      const out = await exportReports(deps, await ledgerFilterOf(deps, c.req.valid('query'), 0), format, c.get('user')!.id);
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
      const rows = await readReportFile(c.get('user')!.id, new Uint8Array(await file.arrayBuffer()), format as ImportFormat);
      if (q.crs && !['wgs84', 'gcj02', 'EPSG:4326', 'EPSG:4490'].includes(q.crs)) {
        return c.json({ error: { code: 'unsupported_crs', message: `报告导入的坐标系为 wgs84(CGCS2000 同)或 gcj02。Report imports take crs=wgs84 (or CGCS2000) or crs=gcj02, not ${q.crs}.` } }, 400);
      }
      return c.json(await importReports(deps, c.get('user')!, rows, { dryRun: q.dryRun !== '0', pastDeadlines: q.pastDeadlines ?? 'waive', crs: q.crs === 'gcj02' ? 'gcj02' : 'wgs84' }), 200);
    })
    .post('/import/boundaries', guard(deps, 'POST /api/import/boundaries'), validate('query', importQuery), validate('form', uploadForm), async (c) => {
      const { file } = c.req.valid('form');
      const q = c.req.valid('query');
      const format = formatOf(file.name, q.format);
      if (!['geojson', 'zip', 'kml', 'kmz', 'topojson'].includes(format)) {
        return c.json({ error: { code: 'unsupported_format', message: `区域边界请用 GeoJSON、压缩的 Shapefile(.zip)或 KML。Boundaries are imported from GeoJSON, a zipped Shapefile (.zip) or KML (got "${format}").` } }, 415);
      }
      const read = await readBoundaryFile(c.get('user')!.id, new Uint8Array(await file.arrayBuffer()), format === 'geojson' ? 'file.geojson' : `file.${format}`, q.crs);
      return c.json({ ...(await importBoundaries(deps, c.get('user')!, read.features, { dryRun: q.dryRun !== '0' })), crs: read.crs, notes: read.notes }, 200);
    })
    .post('/import/basemap', guard(deps, 'POST /api/import/basemap'), validate('query', importQuery), validate('form', uploadForm), async (c) => {
      const { file } = c.req.valid('form');
      const q = c.req.valid('query');
      return c.json(await importBasemap(deps, c.get('user')!, { name: file.name || 'basemap.osm.pbf', bytes: new Uint8Array(await file.arrayBuffer()) }, { dryRun: q.dryRun !== '0' }), 200);
    });

/**
 * Import from the command line, for files too large for the browser:
 *   npm run import -- reports <file.csv|file.xlsx|file.geojson> [--township CODE] [--crs wgs84|gcj02] [--past-deadlines waive|charge] [--commit]
 *   npm run import -- boundaries <file.geojson|file.zip|file.kml|file.shp> [--township CODE] [--crs EPSG:4527|gcj02] [--commit]
 *   npm run import -- basemap <file.osm.pbf|file.osm|file.geojson> [--township CODE] [--commit]
 * Without --commit it is a dry run: every row is checked and the problems are listed, nothing is changed.
 * With --commit the file is imported in one transaction, only if no row has a problem.
 * --township is needed when the deployment serves several townships.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { COMMAND_LINE } from '../services/audit.ts';
import { AppError } from '../services/errors.ts';
import { importReports, readReportFile, type ImportFormat } from '../services/exchange.ts';
import { importBoundaries, readBoundaryFile } from '../services/boundaries.ts';
import { importBasemap } from '../services/basemap-import.ts';
import { cliTownship, inTownship, openCli } from './common.ts';
import { readWithSiblings } from './files.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { commit: { type: 'boolean', default: false }, township: { type: 'string' }, crs: { type: 'string' }, 'past-deadlines': { type: 'string' } },
});
const [what, file] = positionals;

/** A progress bar on standard error, redrawn in place when it is a terminal. */
function progress(label: string) {
  const tty = process.stderr.isTTY;
  let last = -1;
  return (done: number, total: number) => {
    const pct = total ? Math.floor((done / total) * 100) : 100;
    if (pct === last) return;
    last = pct;
    const width = 30;
    const bar = '█'.repeat(Math.round((pct / 100) * width)).padEnd(width, '░');
    const line = `${label} ${bar} ${pct}% (${done}/${total})`;
    if (tty) process.stderr.write(`\r${line}${done >= total ? '\n' : ''}`);
    else if (pct % 10 === 0) process.stderr.write(`${line}\n`);
  };
}

const FIELD_NAMES: Record<string, string> = { name_zh: '名称', name_en: '英文名', boundary: '边界', responsible_name: '责任人', responsible_phone: '电话' };

let code = 0;
const { store, deps } = await openCli();
try {
  if (!['reports', 'boundaries', 'basemap'].includes(what ?? '') || !file) throw new Error('Usage: npm run import -- reports|boundaries|basemap <file> [--township CODE] [--commit]');
  const township = await cliTownship(deps, values.township);
  const dryRun = !values.commit;
  console.log(`${township.name_zh} (${township.code}): ${path.basename(file)}`);
  await inTownship(township, async () => {
    if (what === 'reports') {
      const ext = path.extname(file).slice(1).toLowerCase();
      const format = (ext === 'json' ? 'geojson' : ext) as ImportFormat;
      if (!['csv', 'xlsx', 'geojson'].includes(format)) throw new Error('Reports are imported from .csv, .xlsx or .geojson files.');
      // Points from WeChat or Amap are GCJ-02; CGCS2000 is WGS84 within centimetres.
      const crs = (values.crs ?? 'wgs84').toLowerCase().replace(/^cgcs2000$|^epsg:4490$|^epsg:4326$/, 'wgs84');
      if (crs !== 'wgs84' && crs !== 'gcj02') throw new Error(`报告导入的坐标系为 wgs84(CGCS2000 同)或 gcj02。Report imports take --crs wgs84 (or CGCS2000) or --crs gcj02, not ${values.crs}.`);
      const pastDeadlines = values['past-deadlines'] ?? 'waive';
      if (pastDeadlines !== 'waive' && pastDeadlines !== 'charge') throw new Error('--past-deadlines is waive (imported items are not charged for deadlines already past, the default) or charge.');
      const rows = await readReportFile('command line', fs.readFileSync(file), format);
      const show = progress(dryRun ? 'checking ' : 'importing');
      const opts = { crs, pastDeadlines } as const;
      const r = await importReports(deps, COMMAND_LINE, rows, { dryRun: true, ...opts });
      show(rows.length, rows.length);
      for (const e of r.errors) console.log(`line ${e.line}: ${e.problems.join(' ')}`);
      console.log(`coordinate system: ${crs === 'gcj02' ? 'GCJ-02, converted to WGS84' : 'WGS84 / CGCS2000'}`);
      console.log(`${r.total} rows: ${r.imported} to import, ${r.alreadyThere} already there, ${r.errors.length} with problems.`);
      if (r.pastDeadline.rows) console.log(r.pastDeadline.message);
      if (!dryRun) {
        if (r.errors.length) throw new Error('Nothing imported: fix the rows above first.');
        const done = await importReports(deps, COMMAND_LINE, rows, { dryRun: false, onProgress: progress('importing'), ...opts });
        console.log(`Imported ${done.imported} reports.`);
      } else console.log('Dry run: nothing changed. Add --commit to import.');
    } else if (what === 'boundaries') {
      const { bytes, siblings } = readWithSiblings(file);
      const read = await readBoundaryFile('command line', bytes, path.basename(file), values.crs, siblings);
      console.log(`coordinate system: ${read.crs}`);
      for (const n of read.notes) console.log(`note: ${n}`);
      const r = await importBoundaries(deps, COMMAND_LINE, read.features, { dryRun: true });
      for (const row of r.rows) {
        console.log(`feature ${row.line} ${row.code ?? '?'} (${row.kind ?? '?'}) ${row.nameZh ?? ''}: ${row.problems.length ? row.problems.join(' ') : row.action}`);
        for (const ch of row.changes) console.log(`    ${FIELD_NAMES[ch.field]} ${ch.field}: ${ch.from ?? '(空 empty)'} → ${ch.to ?? '(空 empty)'}`);
      }
      for (const p of r.fileProblems) console.log(`file: ${p}`);
      console.log(`${r.total} features: ${r.inserted} new, ${r.updated} updated (${r.rows.reduce((n, x) => n + x.changes.length, 0)} field changes), ${r.rows.filter((x) => x.problems.length).length} with problems.`);
      if (!dryRun) {
        const done = await importBoundaries(deps, COMMAND_LINE, read.features, { dryRun: false });
        console.log(`Inserted ${done.inserted}, updated ${done.updated} areas; re-routed ${done.rerouted} open items.`);
      } else console.log('Dry run: nothing changed. Add --commit to import.');
    } else {
      const r = await importBasemap(deps, COMMAND_LINE, { name: path.basename(file), path: file }, { dryRun });
      console.log(`read ${r.read} features; kept ${r.total} within the township (and ${300} m around it):`);
      for (const [layer, kinds] of Object.entries(r.counts)) console.log(`  ${layer}: ${Object.entries(kinds).map(([k, n]) => `${k} ${n}`).join(', ')}`);
      console.log(`  unnamed roads: ${r.unnamedRoads}; named landmarks: ${r.namedLandmarks}`);
      if (dryRun) console.log(`Dry run: nothing changed. Add --commit to replace the ${r.replaced} basemap features the township has now.`);
      else console.log(`Replaced ${r.replaced} basemap features with ${r.total}.`);
    }
  });
} catch (err) {
  const e = err as AppError & { details?: unknown };
  console.error(err instanceof AppError ? e.message : err instanceof Error ? err.message : err);
  code = 1;
} finally {
  await store.close();
}
process.exit(code);

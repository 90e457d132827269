/**
 * Import from the command line, for files too large for the browser:
 *   npm run import -- reports <file.csv|file.xlsx|file.geojson> [--commit]
 *   npm run import -- boundaries <file.geojson|file.zip> [--commit]
 * Without --commit it is a dry run: every row is checked and the problems are listed, nothing is changed.
 * With --commit the file is imported in one transaction, only if no row has a problem.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { openStore, migrate } from '../store/connect.ts';
import { createDeps } from '../services/context.ts';
import { COMMAND_LINE } from '../services/audit.ts';
import { AppError } from '../services/errors.ts';
import { importReports, readReportFile, type ImportFormat } from '../services/exchange.ts';
import { importBoundaries, readBoundaryFile } from '../services/boundaries.ts';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { commit: { type: 'boolean', default: false } } });
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

const config = loadConfig();
const store = openStore({ databaseUrl: config.databaseUrl, sqliteFile: path.join(config.dataDir, 'hotspots.sqlite') });
let code = 0;
try {
  if ((what !== 'reports' && what !== 'boundaries') || !file) throw new Error('Usage: npm run import -- reports|boundaries <file> [--commit]');
  await migrate(store);
  const deps = createDeps(store, { photosDir: path.join(config.dataDir, 'photos') });
  const bytes = fs.readFileSync(file);
  const ext = path.extname(file).slice(1).toLowerCase();
  const dryRun = !values.commit;
  if (what === 'reports') {
    const format = (ext === 'json' ? 'geojson' : ext) as ImportFormat;
    if (!['csv', 'xlsx', 'geojson'].includes(format)) throw new Error('Reports are imported from .csv, .xlsx or .geojson files.');
    const rows = await readReportFile(bytes, format);
    const show = progress(dryRun ? 'checking ' : 'importing');
    const r = await importReports(deps, COMMAND_LINE, rows, { dryRun: true });
    show(rows.length, rows.length);
    for (const e of r.errors) console.log(`line ${e.line}: ${e.problems.join(' ')}`);
    console.log(`${r.total} rows: ${r.imported} to import, ${r.alreadyThere} already there, ${r.errors.length} with problems.`);
    if (!dryRun) {
      if (r.errors.length) throw new Error('Nothing imported: fix the rows above first.');
      const done = await importReports(deps, COMMAND_LINE, rows, { dryRun: false, onProgress: progress('importing') });
      console.log(`Imported ${done.imported} reports.`);
    } else console.log('Dry run: nothing changed. Add --commit to import.');
  } else {
    if (ext !== 'geojson' && ext !== 'json' && ext !== 'zip') throw new Error('Boundaries are imported from .geojson or a zipped Shapefile (.zip).');
    const features = await readBoundaryFile(bytes, ext === 'zip' ? 'zip' : 'geojson');
    const r = await importBoundaries(deps, COMMAND_LINE, features, { dryRun: true });
    for (const row of r.rows) console.log(`feature ${row.line} ${row.code ?? '?'} (${row.kind ?? '?'}): ${row.problems.length ? row.problems.join(' ') : row.action}`);
    for (const p of r.fileProblems) console.log(`file: ${p}`);
    if (!dryRun) {
      const done = await importBoundaries(deps, COMMAND_LINE, features, { dryRun: false });
      console.log(`Inserted ${done.inserted}, updated ${done.updated} areas; re-routed ${done.rerouted} open items.`);
    } else console.log('Dry run: nothing changed. Add --commit to import.');
  }
} catch (err) {
  console.error(err instanceof AppError ? `${err.message}` : err instanceof Error ? err.message : err);
  code = 1;
} finally {
  await store.close();
}
process.exit(code);

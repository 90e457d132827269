/**
 * Townships of the deployment, from the command line:
 *   npm run township -- add <boundary file> --code <code> --name-zh <名称> [--name-en <name>] [--timezone Asia/Shanghai]
 *                          [--pick <property>=<value>] [--crs EPSG:4527|gcj02|…] [--force] [--commit]
 *   npm run township -- list
 * add is a dry run until --commit: it reads the file, lists its features, checks the chosen one and the names.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { COMMAND_LINE } from '../services/audit.ts';
import { AppError } from '../services/errors.ts';
import { addTownship, countyOverview, type TownshipAddReport } from '../services/townships.ts';
import { openCli } from './common.ts';
import { readWithSiblings } from './files.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    code: { type: 'string' },
    'name-zh': { type: 'string' },
    'name-en': { type: 'string' },
    timezone: { type: 'string' },
    pick: { type: 'string' },
    crs: { type: 'string' },
    force: { type: 'boolean', default: false },
    commit: { type: 'boolean', default: false },
  },
});
const [command, file] = positionals;

function print(r: TownshipAddReport) {
  console.log(`file: ${r.file.name} (${r.file.format}), coordinate system: ${r.file.crs}${r.file.encoding ? `, text: ${r.file.encoding}` : ''}`);
  for (const n of r.file.notes) console.log(`note: ${n}`);
  if (r.features.length > 1 && r.picked) {
    console.log(`feature ${r.picked.index} of ${r.features.length}: ${r.picked.name ?? '(no name)'}`);
  } else if (r.features.length > 1) {
    console.log(`${r.features.length} features:`);
    for (const f of r.features) {
      const props = Object.entries(f.properties).slice(0, 4).map(([k, v]) => `${k}=${v}`).join(' ');
      console.log(`  ${r.picked?.index === f.index ? '→' : ' '} ${String(f.index).padStart(3)}  ${f.name ?? '(no name)'}  ${f.areaKm2 ?? '?'} km²  ${props}`);
    }
  }
  if (r.township) {
    const t = r.township;
    console.log(`township: ${t.nameZh} / ${t.nameEn} (${t.code}), ${t.timezone}, ${t.areaKm2} km², bbox ${t.bbox.map((v) => v.toFixed(4)).join(', ')}`);
  }
  for (const p of r.problems) console.log(`problem: ${p}`);
}

const { store, deps } = await openCli();
try {
  if (command === 'add' && file) {
    if (!values.code || !values['name-zh']) throw new Error('npm run township -- add <file> needs --code <code> and --name-zh <名称>.');
    const { bytes, siblings } = readWithSiblings(file);
    const draft = { code: values.code, nameZh: values['name-zh'], nameEn: values['name-en'], timezone: values.timezone, pick: values.pick, crs: values.crs, force: values.force };
    const input = { name: path.basename(file), bytes, siblings };
    const dry = await addTownship(deps, COMMAND_LINE, input, draft, { dryRun: true });
    print(dry);
    if (dry.problems.length) {
      console.log(`Nothing changed: ${dry.problems.length} problem(s) above.`);
      process.exitCode = 1;
    } else if (!values.commit) {
      console.log('Dry run: nothing changed. Add --commit to create the township.');
    } else {
      const done = await addTownship(deps, COMMAND_LINE, input, draft, { dryRun: false });
      console.log(`Created township ${done.township!.nameZh} (${done.township!.code}) with the shipped problem categories.`);
      console.log(`Next: npm run user -- add <name> --role admin --township ${done.township!.code}`);
    }
  } else if (command === 'list') {
    const { townships } = await countyOverview(deps);
    if (!townships.length) console.log('No townships yet: npm run township -- add <boundary file> --code … --name-zh …');
    for (const t of townships) console.log(`${t.code}\t${t.nameZh}\t${t.nameEn}\t${t.timezone}\topen ${t.open}\toverdue ${t.overdue}`);
  } else {
    console.error('usage: npm run township -- add <file> --code <code> --name-zh <名称> [--name-en …] [--timezone …] [--pick prop=value] [--crs …] [--force] [--commit] | list');
    process.exitCode = 2;
  }
} catch (err) {
  console.error(err instanceof AppError || err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
} finally {
  await store.close();
}

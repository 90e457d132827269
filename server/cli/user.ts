/**
 * Manage people from the command line (a real deployment creates its first admin this way):
 *   npm run user -- add <username> --role admin|leader|office|inspector|cleaner|unit [--name 姓名] [--area AREA_CODE] [--password …]
 *   npm run user -- passwd <username> [--password …]
 *   npm run user -- list
 * Without --password the password is read from HOTSPOTS_PASSWORD or from standard input.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import readline from 'node:readline/promises';
import { loadConfig } from '../config.ts';
import { openStore, migrate } from '../store/connect.ts';
import { createDeps, currentTownship } from '../services/context.ts';
import { addUser, setPassword } from '../services/auth.ts';
import { listUsers } from '../store/users.ts';
import { listAreas } from '../store/areas.ts';
import { ROLES, type Role } from '../domain/lifecycle.ts';

async function readPassword(given: string | undefined): Promise<string> {
  const p = given ?? process.env.HOTSPOTS_PASSWORD;
  if (p) return p;
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: false });
  process.stderr.write('Password: ');
  const line = await rl.question('');
  rl.close();
  return line.trim();
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    role: { type: 'string' },
    name: { type: 'string' },
    area: { type: 'string' },
    password: { type: 'string' },
    phone: { type: 'string' },
  },
});
const [command, username] = positionals;
const config = loadConfig();
const store = openStore({ databaseUrl: config.databaseUrl, sqliteFile: path.join(config.dataDir, 'hotspots.sqlite') });
try {
  await migrate(store);
  const deps = createDeps(store, { photosDir: path.join(config.dataDir, 'photos') });
  const township = await currentTownship(deps);
  if (command === 'add' && username) {
    const role = values.role as Role;
    if (!ROLES.includes(role)) throw new Error(`--role must be one of ${ROLES.join(', ')}`);
    let areaId: string | null = null;
    if (values.area) {
      const area = (await listAreas(store.db, township.id)).find((a) => a.code === values.area);
      if (!area) throw new Error(`No area with code ${values.area}; see the areas in the app or GET /api/areas.`);
      areaId = area.id;
    }
    if ((role === 'cleaner' || role === 'unit') && !areaId) throw new Error(`A ${role} needs --area: the zone, village or unit they answer for.`);
    const password = await readPassword(values.password);
    if (password.length < 8) throw new Error('Choose a password of at least 8 characters.');
    const u = await addUser(deps, { townshipId: township.id, username, displayName: values.name ?? username, role, password, areaId, phone: values.phone ?? null });
    console.log(`Added ${u.username} (${u.role}) to ${township.name_zh}.`);
  } else if (command === 'passwd' && username) {
    const password = await readPassword(values.password);
    if (password.length < 8) throw new Error('Choose a password of at least 8 characters.');
    await setPassword(deps, username, password);
    console.log(`Password changed for ${username}.`);
  } else if (command === 'list') {
    for (const u of await listUsers(store.db, township.id)) console.log(`${u.username}\t${u.role}\t${u.display_name}${u.active ? '' : '\t(disabled)'}`);
  } else {
    console.error('usage: npm run user -- add <username> --role <role> [--name …] [--area CODE] [--password …] | passwd <username> | list');
    process.exitCode = 2;
  }
} catch (err) {
  console.error((err as Error).message);
  process.exitCode = 1;
} finally {
  await store.close();
}

/**
 * Manage people from the command line (a real deployment creates its first admin this way):
 *   npm run user -- add <username> --role admin|leader|office|inspector|cleaner|unit [--township CODE] [--name 姓名] [--area AREA_CODE] [--password …]
 *   npm run user -- add <username> --role county_admin|county_leader [--name 姓名] [--password …]   (the county's people: no township)
 *   npm run user -- passwd <username> [--password …]
 *   npm run user -- reset-2fa <username>      (an administrator who lost their authenticator)
 *   npm run user -- list
 * Without --password the password is read from HOTSPOTS_PASSWORD or from standard input.
 */
import { parseArgs } from 'node:util';
import readline from 'node:readline/promises';
import { addUser, setPassword } from '../services/auth.ts';
import { resetSecondFactor } from '../services/second-factor.ts';
import { listCountyUsers, listUsers } from '../store/users.ts';
import { listAreas } from '../store/areas.ts';
import { isCountyRole, ROLES, type Role } from '../domain/lifecycle.ts';
import { cliTownship, openCli } from './common.ts';

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
    township: { type: 'string' },
  },
});
const [command, username] = positionals;
const { store, deps } = await openCli();
try {
  if (command === 'add' && username) {
    const role = values.role as Role;
    if (!ROLES.includes(role)) throw new Error(`--role must be one of ${ROLES.join(', ')}`);
    const county = isCountyRole(role);
    if (county && (values.township || values.area)) throw new Error(`A ${role} belongs to the county, not to a township: leave out --township and --area.`);
    const township = county ? null : await cliTownship(deps, values.township);
    let areaId: string | null = null;
    if (values.area && township) {
      const area = (await listAreas(store.db, township.id)).find((a) => a.code === values.area);
      if (!area) throw new Error(`No area with code ${values.area}; see the areas in the app or GET /api/areas.`);
      areaId = area.id;
    }
    if ((role === 'cleaner' || role === 'unit') && !areaId) throw new Error(`A ${role} needs --area: the zone, village or unit they answer for.`);
    const password = await readPassword(values.password);
    const u = await addUser(deps, { townshipId: township?.id ?? null, username, displayName: values.name ?? username, role, password, areaId, phone: values.phone ?? null });
    console.log(township ? `Added ${u.username} (${u.role}) to ${township.name_zh}.` : `Added ${u.username} (${u.role}) to the county: they see every township.`);
  } else if (command === 'passwd' && username) {
    const password = await readPassword(values.password);
    await setPassword(deps, username, password);
    console.log(`Password changed for ${username}.`);
  } else if (command === 'reset-2fa' && username) {
    await resetSecondFactor(deps, username);
    console.log(`Second factor turned off for ${username}: they sign in with their password and can set it up again.`);
  } else if (command === 'list') {
    const line = (u: { username: string; role: string; display_name: string; active: number }) => `${u.username}\t${u.role}\t${u.display_name}${u.active ? '' : '\t(disabled)'}`;
    if (values.township) for (const u of await listUsers(store.db, (await cliTownship(deps, values.township)).id)) console.log(line(u));
    else {
      for (const u of await listCountyUsers(store.db)) console.log(line(u));
      const township = await cliTownship(deps, undefined).catch(() => null);
      if (township) for (const u of await listUsers(store.db, township.id)) console.log(line(u));
    }
  } else {
    console.error('usage: npm run user -- add <username> --role <role> [--township CODE] [--name …] [--area CODE] [--password …] | passwd <username> | reset-2fa <username> | list [--township CODE]');
    process.exitCode = 2;
  }
} catch (err) {
  console.error((err as Error).message);
  process.exitCode = 1;
} finally {
  await store.close();
}

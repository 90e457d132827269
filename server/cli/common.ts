import path from 'node:path';
import { loadConfig } from '../config.ts';
import { openStore, migrate, type Store } from '../store/connect.ts';
import { createDeps, withTownship, type Deps } from '../services/context.ts';
import { findTownshipByCode, listTownships, type TownshipRow } from '../store/townships.ts';

// What every command on the server shares: the configured store, migrated, and the township it works in.

export async function openCli(): Promise<{ store: Store; deps: Deps }> {
  const config = loadConfig();
  const store = openStore({ databaseUrl: config.databaseUrl, sqliteFile: path.join(config.dataDir, 'hotspots.sqlite') });
  await migrate(store);
  return { store, deps: createDeps(store, { photosDir: path.join(config.dataDir, 'photos') }) };
}

/**
 * The township a command works in: the one named by --township, or the only one there is. With several and no
 * --township, the message lists their codes.
 */
export async function cliTownship(deps: Deps, code: string | undefined): Promise<TownshipRow> {
  if (code) {
    const t = await findTownshipByCode(deps.store.db, code);
    if (!t) throw new Error(`没有编码为“${code}”的乡镇。No township with code ${code}; see npm run township -- list.`);
    return t;
  }
  const all = await listTownships(deps.store.db);
  if (all.length === 1) return all[0]!;
  if (!all.length) throw new Error('还没有乡镇:先用 npm run township -- add <边界文件> 建立。No township has been set up yet: start with npm run township -- add <boundary file> --code … --name-zh ….');
  throw new Error(`有 ${all.length} 个乡镇,请用 --township 指明:${all.map((t) => t.code).join(', ')}。Several townships: name one with --township (${all.map((t) => t.code).join(', ')}).`);
}

/** Runs fn scoped to the township, as a request of one of its people would be. */
export function inTownship<T>(t: TownshipRow, fn: () => Promise<T>): Promise<T> {
  return withTownship(t.id, fn);
}

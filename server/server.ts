import path from 'node:path';
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.ts';
import { createApp } from './app.ts';
import { openStore, migrate, type Store } from './store/connect.ts';
import { createDeps, withTownship, type Deps } from './services/context.ts';
import { listTownshipIds } from './store/townships.ts';
import { loadDemoIfEmpty } from './services/demo.ts';
import { sweepOverdue } from './services/lifecycle.ts';
import { runScheduledBriefing } from './services/briefings.ts';
import { deliverWebhooks } from './services/webhooks.ts';


export interface RunningServer {
  url: string;
  store: Store;
  deps: Deps;
  close(): Promise<void>;
}

/** The minute's jobs, for every township the database holds. */
async function runJobs(deps: Deps, config: Config, log: (msg: string) => void): Promise<void> {
  for (const id of await listTownshipIds(deps.store.db)) {
    await withTownship(id, async () => {
      await sweepOverdue(deps).catch((err) => log(`overdue sweep failed: ${(err as Error).message}`));
      // Monday's briefing for the week before, once, whichever server gets there first.
      await runScheduledBriefing(deps, config.briefingHour)
        .then((week) => week && log(`Archived the briefing for ${week}.`))
        .catch((err) => log(`briefing job failed: ${(err as Error).message}`));
    });
  }
  await deliverWebhooks(deps).catch((err) => log(`webhook delivery failed: ${(err as Error).message}`));
}

/** Opens and migrates the store, loads the demo town if asked and empty, and listens. */
export async function startServer(
  config: Config,
  log: (msg: string) => void = console.log,
  opts: { now?: () => Date } = {},
): Promise<RunningServer> {
  const store = openStore({
    databaseUrl: config.databaseUrl,
    sqliteFile: path.join(config.dataDir, 'hotspots.sqlite'),
  });
  try {
    await migrate(store);
    const deps = createDeps(store, {
      photosDir: path.join(config.dataDir, 'photos'),
      publicMap: config.publicMap,
      publicUrl: config.publicUrl,
      tiles: config.tiles,
      pmtilesFile: config.pmtilesFile,
      ...(opts.now ? { now: opts.now } : {}),
    });
    if (config.demo) {
      const loaded = await loadDemoIfEmpty(deps);
      if (loaded) log(`Loaded the demo town with ${loaded.reports} reports.`);
    }
    const app = createApp(deps, { webDir: config.webDir, secureCookies: config.secureCookies });
    const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
      s.once('error', reject);
    });
    // Missed deadlines are charged as they pass, not only when someone opens the ledger.
    const sweeper = setInterval(() => {
      runJobs(deps, config, log).catch((err) => log(`scheduled jobs failed: ${(err as Error).message}`));
    }, config.jobIntervalS * 1000);
    sweeper.unref();
    const { port } = server.address() as AddressInfo;
    const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;
    return {
      url,
      store,
      deps,
      close: async () => {
        clearInterval(sweeper);
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await store.close();
      },
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}

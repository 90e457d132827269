import path from 'node:path';
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.ts';
import { createApp } from './app.ts';
import { openStore, migrate, type Store } from './store/connect.ts';
import { createDeps, type Deps } from './services/context.ts';
import { loadDemoIfEmpty } from './services/demo.ts';

export interface RunningServer {
  url: string;
  store: Store;
  deps: Deps;
  close(): Promise<void>;
}

/** Opens and migrates the store, loads the demo town if asked and empty, and listens. */
export async function startServer(config: Config, log: (msg: string) => void = console.log): Promise<RunningServer> {
  const store = openStore({
    databaseUrl: config.databaseUrl,
    sqliteFile: path.join(config.dataDir, 'hotspots.sqlite'),
  });
  try {
    await migrate(store);
    const deps = createDeps(store);
    if (config.demo) {
      const loaded = await loadDemoIfEmpty(deps);
      if (loaded) log(`Loaded the demo town with ${loaded.reports} reports.`);
    }
    const app = createApp(deps, { webDir: config.webDir });
    const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
      s.once('error', reject);
    });
    const { port } = server.address() as AddressInfo;
    const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;
    return {
      url,
      store,
      deps,
      close: async () => {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await store.close();
      },
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}

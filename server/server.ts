import path from 'node:path';
import fs from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.ts';
import { createApp } from './app.ts';
import { openStore, migrate, type Store } from './store/connect.ts';
import { createDeps, withTownship, type Deps } from './services/context.ts';
import { countTownships, listTownshipIds } from './store/townships.ts';
import { loadDemoIfEmpty } from './services/demo.ts';
import { sweepOverdue } from './services/lifecycle.ts';
import { pruneNearbyCandidates } from './services/nearby.ts';
import { noticeDueSoon } from './services/item-messages.ts';
import { dueBriefing } from './services/briefings.ts';
import type { BriefingJob } from './briefing-job.ts';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { deliverWebhooks } from './services/webhooks.ts';
import { pruneSignIns } from './services/auth.ts';
import { warmWorkers } from './workers/pool.ts';


export interface RunningServer {
  url: string;
  store: Store;
  deps: Deps;
  /** How many rounds of the scheduled jobs have finished (what a health check or a test can wait on). */
  jobRounds(): number;
  close(): Promise<void>;
}

function storeOptions(config: Config) {
  return { databaseUrl: config.databaseUrl, sqliteFile: path.join(config.dataDir, 'hotspots.sqlite') };
}

function depsOptions(config: Config) {
  return {
    photosDir: path.join(config.dataDir, 'photos'),
    publicMap: config.publicMap,
    publicUrl: config.publicUrl,
    tiles: config.tiles,
    pmtilesFile: config.pmtilesFile,
    privateWebhooks: config.privateWebhooks,
    deskIdleMs: config.deskIdleMs,
    gpsAcceptM: config.gpsAcceptM,
  };
}

interface JobProcesses {
  briefing(job: BriefingJob): Promise<string | null>;
  /** Ends any job still running (the server is closing). */
  stop(): void;
}

/** Long jobs, each in a child process (`tsx server/briefing-job.ts`); a crash there is logged, never the server's. */
function jobProcesses(): JobProcesses {
  const running = new Set<ChildProcess>();
  const busy = new Set<string>();
  const entry = fileURLToPath(new URL('./briefing-job.ts', import.meta.url));
  return {
    briefing: (job) =>
      new Promise((resolve, reject) => {
        // a slow week still being composed when the next minute's jobs come round is left to finish
        const key = `${job.townshipId} ${job.week}`;
        if (busy.has(key)) return resolve(null);
        busy.add(key);
        const child = fork(entry, [JSON.stringify(job)], {
          cwd: path.resolve(path.dirname(entry), '..'),
          execArgv: ['--import', 'tsx'],
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        });
        running.add(child);
        let week: string | null = null;
        child.on('message', (m: { week?: string | null }) => (week = m.week ?? null));
        child.once('error', reject);
        child.once('exit', (code, signal) => {
          running.delete(child);
          busy.delete(key);
          if (code === 0) resolve(week);
          else reject(new Error(`the briefing process ended with ${signal ?? `code ${code}`}`));
        });
      }),
    stop: () => {
      for (const c of running) c.kill('SIGKILL');
    },
  };
}

/** The minute's jobs, for every township the database holds. */
async function runJobs(deps: Deps, config: Config, jobs: JobProcesses, log: (msg: string) => void): Promise<void> {
  for (const id of await listTownshipIds(deps.store.db)) {
    await withTownship(id, async () => {
      await sweepOverdue(deps).catch((err) => log(`overdue sweep failed: ${(err as Error).message}`));
      await noticeDueSoon(deps).catch((err) => log(`due-soon notice failed: ${(err as Error).message}`));
      // Monday's briefing for the week before, once, whichever server gets there first; composed in a
      // process of its own so the server keeps answering meanwhile.
      const week = await dueBriefing(deps, config.briefingHour).catch((err) => (log(`briefing job failed: ${(err as Error).message}`), null));
      if (week) {
        await jobs
          .briefing({ store: storeOptions(config), deps: depsOptions(config), townshipId: id, week, now: deps.now().toISOString() })
          .then((archived) => archived && log(`Archived the briefing for ${archived}.`))
          .catch((err) => log(`briefing job failed: ${(err as Error).message}`));
      }
    });
  }
  await deliverWebhooks(deps).catch((err) => log(`webhook delivery failed: ${(err as Error).message}`));
  await pruneSignIns(deps).catch((err) => log(`pruning sessions failed: ${(err as Error).message}`));
  await pruneNearbyCandidates(deps).catch((err) => log(`pruning the duplicate check's index failed: ${(err as Error).message}`));
}

function readPem(file: string, variable: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${variable}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); npm run cert makes the certificate and key.`);
  }
}

/** Opens and migrates the store, loads the demo town if asked and empty, and listens. */
export async function startServer(
  config: Config,
  log: (msg: string) => void = console.log,
  opts: { now?: () => Date } = {},
): Promise<RunningServer> {
  const store = openStore({ ...storeOptions(config), checkpointInBackground: true });
  try {
    await migrate(store);
    const deps = createDeps(store, { ...depsOptions(config), ...(opts.now ? { now: opts.now } : {}) });
    if (config.demo) {
      const loaded = await loadDemoIfEmpty(deps);
      if (loaded) log(`Loaded the demo town with ${loaded.reports} reports.`);
    } else if ((await countTownships(store.db)) === 0) {
      log('No township yet: add one from its boundary file with npm run township -- add <file> --code … --name-zh … (see "Setting up your own township" in the README).');
    }
    warmWorkers();
    const app = createApp(deps, { webDir: config.webDir, secureCookies: config.secureCookies, trustProxy: config.trustProxy, allowedHosts: config.allowedHosts });
    const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
      // HTTPS when a certificate is configured (phones on the LAN need a secure context for GPS and offline use)
      const tls = config.tls
        ? { createServer: createHttpsServer, serverOptions: { cert: readPem(config.tls.certFile, 'HOTSPOTS_TLS_CERT'), key: readPem(config.tls.keyFile, 'HOTSPOTS_TLS_KEY') } }
        : {};
      const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host, ...tls }, () => resolve(s));
      s.once('error', reject);
    });
    // Missed deadlines are charged as they pass, not only when someone opens the ledger.
    const jobs = jobProcesses();
    const sweeper = setInterval(() => {
      runJobs(deps, config, jobs, log)
        .catch((err) => log(`scheduled jobs failed: ${(err as Error).message}`))
        .finally(() => {
          deps.jobs.rounds++;
          deps.jobs.lastAt = new Date().toISOString();
        });
    }, config.jobIntervalS * 1000);
    sweeper.unref();
    const { port } = server.address() as AddressInfo;
    const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    const url = `${config.tls ? 'https' : 'http'}://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;
    return {
      url,
      store,
      deps,
      jobRounds: () => deps.jobs.rounds,
      close: async () => {
        clearInterval(sweeper);
        jobs.stop();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await store.close();
      },
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}

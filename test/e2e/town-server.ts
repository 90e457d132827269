import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { startServer, type RunningServer } from '../../server/server.ts';
import { launchBrowser, type Browser } from './helper.ts';

// Each end-to-end file runs against its own demo town: a real server on a fresh SQLite file, and Chromium.

const WEB_DIR = path.resolve('dist/web');

export interface TownServer {
  server: RunningServer;
  browser: Browser;
  dataDir: string;
}

/** Starts the demo town's server and a browser before the file's tests, and tears both down after. */
export function useTownServer(opts: { now?: () => Date; env?: () => Record<string, string> } = {}): TownServer {
  const ctx = {} as TownServer;
  beforeAll(async () => {
    if (!fs.existsSync(path.join(WEB_DIR, 'index.html'))) {
      throw new Error('The web app is not built: run "npm run build" (npm test does it first).');
    }
    ctx.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotspots-e2e-'));
    // The scheduled jobs wait an hour, not a minute: a file that runs past its first minute would otherwise have last
    // week's briefing composed in a process of its own, beside the browser, for nothing the file looks at (the
    // briefing page composes its week when asked; the jobs have tests of their own in server.test.ts and
    // scale-out.test.ts). A file that needs them sets HOTSPOTS_JOB_INTERVAL_S in env.
    const config = loadConfig({ PORT: '0', HOTSPOTS_DATA_DIR: ctx.dataDir, HOTSPOTS_WEB_DIR: WEB_DIR, HOTSPOTS_JOB_INTERVAL_S: '3600', ...(opts.env?.() ?? {}) });
    ctx.server = await startServer(config, () => {}, opts);
    ctx.browser = await launchBrowser();
  });
  afterAll(async () => {
    await ctx.browser?.close();
    await ctx.server?.close();
    if (ctx.dataDir) fs.rmSync(ctx.dataDir, { recursive: true, force: true });
  });
  return ctx;
}

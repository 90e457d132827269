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
    ctx.server = await startServer(loadConfig({ PORT: '0', HOTSPOTS_DATA_DIR: ctx.dataDir, HOTSPOTS_WEB_DIR: WEB_DIR, ...(opts.env?.() ?? {}) }), () => {}, opts);
    ctx.browser = await launchBrowser();
  });
  afterAll(async () => {
    await ctx.browser?.close();
    await ctx.server?.close();
    if (ctx.dataDir) fs.rmSync(ctx.dataDir, { recursive: true, force: true });
  });
  return ctx;
}

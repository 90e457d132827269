import './threadpool.ts';
import { loadConfig } from './config.ts';
import { closeWorkers } from './workers/pool.ts';
import { startServer } from './server.ts';

// The entry: read the configuration, open the store, migrate, serve, and shut down cleanly.
try {
  const config = loadConfig();
  const running = await startServer(config);
  const where = config.databaseUrl ? 'PostgreSQL' : `SQLite in ${config.dataDir}`;
  console.log(`Hotspot map on ${running.url} (${where})`);
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`${signal}: closing…`);
    const timer = setTimeout(() => process.exit(1), 10_000);
    timer.unref();
    await running.close();
    await closeWorkers();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}

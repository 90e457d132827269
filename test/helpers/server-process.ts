import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

// The real server in a process of its own, started as `npm run serve` starts it: what it does to its own event
// loop (a crash, a long computation) does not touch the test's.

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Starts `tsx server/main.ts` with the given environment and waits for its address. */
export async function startServerProcess(env: Record<string, string>): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 60_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /Hotspot map on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.once('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
  });
  return { url, proc };
}

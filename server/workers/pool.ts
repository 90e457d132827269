import os from 'node:os';
import { Piscina } from 'piscina';
import pLimit, { type LimitFunction } from 'p-limit';
import { AppError } from '../services/errors.ts';
import type { Job } from './tasks.ts';
import type { GeoFile } from '../exchange/geo-files.ts';

// Expensive work — hot spots, density, briefing PDF and Excel files, reading boundary files — runs in worker
// threads (piscina, a maintained pool), so one heavy request never stops the event loop that answers everyone
// else. Each job has a time limit; each person at most two jobs at once; a full queue answers 503 at once.

/** How long one job may run before it is stopped. */
export const JOB_TIME_LIMIT_MS = 30_000;
/** Jobs one person may have running at once; more wait their turn (a week replay asks for twelve weeks). */
export const JOBS_PER_PERSON = 2;
/** Jobs one person may have waiting; past this they are refused (429). */
export const JOBS_WAITING_PER_PERSON = 12;
/** A boundary file larger than this is not a township's (a province's roads are imported as a basemap). */
export const MAX_GEO_FILE_BYTES = 50 * 1024 * 1024;
/** Jobs waiting for a thread before new ones are turned away. */
export const MAX_QUEUED_JOBS = 16;

let pool: Piscina | undefined;

function threads(): number {
  // One core stays with the event loop; at least one thread.
  return Math.max(1, (os.availableParallelism?.() ?? os.cpus().length) - 1);
}

function thePool(): Piscina {
  pool ??= new Piscina({
    filename: new URL('./entry.mjs', import.meta.url).href,
    // One thread stays ready: the first job of a new thread waits for its TypeScript to load.
    minThreads: 1,
    maxThreads: threads(),
    idleTimeout: 30_000,
    maxQueue: MAX_QUEUED_JOBS,
  });
  return pool;
}

// Each person's own queue (p-limit): two of theirs run at once, a few more wait, and one person's burst
// never takes every thread from the others.
const queues = new Map<string, LimitFunction>();

/**
 * Runs a job in the pool on behalf of someone (a user id, or an address for the public map). Refuses with 429
 * when they already have their share running and waiting, 503 with Retry-After when the pool's queue is full or
 * the job overran.
 */
export async function runJob<T>(who: string, job: Job): Promise<T> {
  let queue = queues.get(who);
  if (!queue) queues.set(who, (queue = pLimit(JOBS_PER_PERSON)));
  if (queue.pendingCount >= JOBS_WAITING_PER_PERSON) {
    throw new AppError(429, 'too_many_jobs', `您已有 ${queue.activeCount + queue.pendingCount} 项计算在进行,请稍候。You already have ${queue.activeCount + queue.pendingCount} analyses under way; wait for them to finish.`, undefined, 5);
  }
  try {
    return await queue(async () => (await thePool().run(job, { signal: AbortSignal.timeout(JOB_TIME_LIMIT_MS) })) as T);
  } catch (err) {
    const e = err as Error & { name?: string };
    if (e.name === 'AbortError' || e.name === 'TimeoutError' || /aborted/i.test(e.message)) {
      throw new AppError(503, 'job_timeout', `计算超过 ${JOB_TIME_LIMIT_MS / 1000} 秒已停止,请缩小范围。The computation ran past ${JOB_TIME_LIMIT_MS / 1000} s and was stopped; ask for less.`, undefined, 10);
    }
    if (/queue is at limit/i.test(e.message)) {
      throw new AppError(503, 'server_busy', '服务器正忙,请稍后再试。The server is busy with other analyses; try again shortly.', undefined, 5);
    }
    throw err;
  } finally {
    if (queue.activeCount === 0 && queue.pendingCount === 0) queues.delete(who);
  }
}

/** Starts a thread and loads the tasks now, so the first person to ask for a hot-spot map does not wait for it. */
export function warmWorkers(): void {
  thePool().run({ kind: 'ping' } satisfies Job).catch(() => {});
}

/** Stops the pool's threads (the server's shutdown). */
export async function closeWorkers(): Promise<void> {
  const p = pool;
  pool = undefined;
  await p?.destroy();
}

/** Reads a boundary file in a worker (reprojecting a county's Shapefile takes seconds); a refusal is a 422 naming the file. */
export async function readGeoFileJob(who: string, file: { name: string; bytes: Uint8Array; siblings?: Map<string, Uint8Array> | undefined }, crs?: string): Promise<GeoFile> {
  if (file.bytes.byteLength > MAX_GEO_FILE_BYTES) {
    throw new AppError(413, 'file_too_large', `${file.name}:文件超过 ${MAX_GEO_FILE_BYTES / 1048576} MB。The file is larger than ${MAX_GEO_FILE_BYTES / 1048576} MB.`);
  }
  const r = await runJob<{ ok: true; file: GeoFile } | { ok: false; message: string }>(who, {
    kind: 'geo-file',
    bytes: file.bytes,
    filename: file.name,
    crs,
    ...(file.siblings ? { siblings: [...file.siblings.entries()] } : {}),
  });
  if (!r.ok) throw new AppError(422, 'unreadable_file', `${file.name}:${r.message}`);
  return r.file;
}

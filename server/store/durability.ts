import fs from 'node:fs';

/**
 * Makes calls to an async action share runs: a call while none runs starts one; calls while one runs share
 * the next, which starts when that one ends. Each call resolves with a run that began after the call was
 * made, which is what a write needs of a sync to disk: one begun before its commit may not cover it.
 */
export function coalesce(action: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let next: Promise<void> | null = null;
  const start = (): Promise<void> => {
    const run: Promise<void> = action().finally(() => {
      if (running === run) running = null;
    });
    running = run;
    return run;
  };
  return () => {
    if (!running) return start();
    next ??= running
      .catch(() => {})
      .then(() => {
        next = null;
        return start();
      });
    return next;
  };
}

/**
 * Puts SQLite's write-ahead log on disk (fdatasync, in libuv's thread pool rather than on the event loop that
 * serves every request). With synchronous=NORMAL a commit only hands its pages to the operating system; the
 * server awaits this before acknowledging any write, so an acknowledged report survives a power cut, and
 * writes that commit while a sync runs share the next one. No log yet (nothing written): nothing to do.
 */
export function walSync(sqliteFile: string): () => Promise<void> {
  const wal = `${sqliteFile}-wal`;
  // Opened for each sync rather than kept: syncs are already shared among the writes of the moment, and a
  // handle kept across the log being removed (the store closing, a restore) would sync a file nobody uses.
  return coalesce(async () => {
    let handle: fs.promises.FileHandle;
    try {
      handle = await fs.promises.open(wal, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    try {
      await handle.datasync();
    } finally {
      await handle.close();
    }
  });
}

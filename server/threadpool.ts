// Imported first by the entry, before anything touches libuv's thread pool (it is sized when first used).
// Every write awaits a sync of SQLite's log, each photo two file syncs and two directory syncs, each sign-in a
// scrypt: all in that pool, four threads by default, so a few photo uploads at once held back every report's
// acknowledgement behind their syncs. Syncs wait on the disk, not the CPU: sixteen threads let them overlap.
process.env.UV_THREADPOOL_SIZE ??= '16';
export {};

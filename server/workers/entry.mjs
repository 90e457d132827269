// The worker threads' entry. The tasks are TypeScript, and a worker thread does not inherit the main thread's
// loader, so tsx is registered here, once per thread, before they load.
let tasks;
async function load() {
  const { register } = await import('tsx/esm/api');
  register();
  return import('./tasks.ts');
}

export default async function run(job) {
  tasks ??= load();
  return (await tasks).run(job);
}

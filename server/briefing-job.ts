// The weekly briefing composed in a process of its own: over a county's months of reports it takes seconds of
// CPU, and in the server's own thread those seconds would hold up every map, report and rectification.
// `tsx server/briefing-job.ts '<job as JSON>'`, started by the server's scheduled jobs (see server.ts).
import { openStore, type StoreOptions } from './store/connect.ts';
import { createDeps, withTownship, type DepsOptions } from './services/context.ts';
import { archiveBriefing } from './services/briefings.ts';

export interface BriefingJob {
  store: StoreOptions;
  deps: Partial<DepsOptions> & { photosDir: string };
  townshipId: string;
  week: string;
  /** the server's clock when it found the briefing due (ISO) */
  now: string;
}

const job = JSON.parse(process.argv[2] ?? '{}') as BriefingJob;
const store = openStore(job.store);
try {
  const deps = createDeps(store, { ...job.deps, now: () => new Date(job.now) });
  const week = await withTownship(job.townshipId, () => archiveBriefing(deps, job.week));
  process.send?.({ week });
} finally {
  await store.close();
}

import type { Store } from '../store/connect.ts';
import type { TownshipRow } from '../store/townships.ts';
import { findDefaultTownship } from '../store/townships.ts';
import { listAreas } from '../store/areas.ts';
import { createRouter, type RoutableArea, type Router } from '../domain/routing.ts';
import type { AreaGeometry } from '../domain/geo.ts';
import { AppError } from './errors.ts';

/** What every service needs: the store, a clock (tests pass one they control) and a few settings. */
export interface Deps {
  store: Store;
  now: () => Date;
  cache: ServiceCache;
  options: DepsOptions;
}

export interface DepsOptions {
  /** Where photo files live. */
  photosDir: string;
  /** Anyone on the network may read the map without signing in. */
  publicMap: boolean;
}

/** Per-process caches of data that changes rarely; cleared by the services that change it. */
export interface ServiceCache {
  township?: TownshipRow;
  routers: Map<string, { router: Router; areas: RoutableArea[] }>;
}

export function createDeps(
  store: Store,
  opts: Partial<DepsOptions> & { now?: () => Date; photosDir: string },
): Deps {
  return {
    store,
    now: opts.now ?? (() => new Date()),
    cache: { routers: new Map() },
    options: { photosDir: opts.photosDir, publicMap: opts.publicMap ?? false },
  };
}

/** The township this deployment serves (the first one created). */
export async function currentTownship(deps: Deps): Promise<TownshipRow> {
  if (deps.cache.township) return deps.cache.township;
  const t = await findDefaultTownship(deps.store.db);
  if (!t) {
    throw new AppError(
      503,
      'no_township',
      'No township has been set up yet. Start with HOTSPOTS_DEMO=1 for the demo town, or import your boundaries.',
    );
  }
  deps.cache.township = t;
  return t;
}

/** The router for a township's areas, built once and reused. */
export async function townshipRouter(deps: Deps, township: TownshipRow): Promise<{ router: Router; areas: RoutableArea[] }> {
  const hit = deps.cache.routers.get(township.id);
  if (hit) return hit;
  const rows = await listAreas(deps.store.db, township.id);
  const areas: RoutableArea[] = rows.map((a) => ({
    id: a.id,
    kind: a.kind,
    code: a.code,
    nameZh: a.name_zh,
    nameEn: a.name_en,
    geometry: JSON.parse(a.polygon) as AreaGeometry,
  }));
  const entry = { router: createRouter(JSON.parse(township.boundary) as AreaGeometry, areas), areas };
  deps.cache.routers.set(township.id, entry);
  return entry;
}

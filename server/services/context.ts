import { AsyncLocalStorage } from 'node:async_hooks';
import type { Store } from '../store/connect.ts';
import type { TownshipRow } from '../store/townships.ts';
import { findDefaultTownship, findTownshipById } from '../store/townships.ts';
import { listAreas } from '../store/areas.ts';
import type { UserRow } from '../store/users.ts';
import type { CategoryRow } from '../store/categories.ts';
import { createRouter, type RoutableArea, type Router } from '../domain/routing.ts';
import type { AreaGeometry } from '../domain/geo.ts';
import type { TileSource } from '../domain/tiles.ts';
import { AppError } from './errors.ts';

/** What every service needs: the store, a clock (tests pass one they control) and a few settings. */
export interface Deps {
  store: Store;
  now: () => Date;
  cache: ServiceCache;
  options: DepsOptions;
  /** The scheduled jobs of this process: rounds finished and when the last one ended (the health check says them). */
  jobs: { rounds: number; lastAt: string | null };
}

export interface DepsOptions {
  /** Where photo files live. */
  photosDir: string;
  /** Anyone on the network may read the map without signing in. */
  publicMap: boolean;
  /** The address people open the map at (links in webhook messages). */
  publicUrl?: string | undefined;
  /** Tiles drawn under the township's data (null: the offline basemap only). */
  tiles?: TileSource | null | undefined;
  /** The PMTiles file served at /api/basemap/tiles.pmtiles. */
  pmtilesFile?: string | undefined;
  /** How long a desk role's session lasts without a request (HOTSPOTS_IDLE_MINUTES). */
  deskIdleMs?: number | undefined;
  /** The field view places a pin at the first fix at least this accurate, in metres (HOTSPOTS_GPS_ACCEPT_M, 30). */
  gpsAcceptM?: number | undefined;
  /** Webhooks may call this computer or the local network (HOTSPOTS_WEBHOOK_PRIVATE=1): off, so a webhook cannot reach inside. */
  privateWebhooks?: boolean | undefined;
}

/**
 * Per-process caches of data that changes rarely. The process that changes the data clears them at once;
 * other servers on the same database see the change when their entry expires (CACHE_TTL_MS).
 */
export interface ServiceCache {
  townships: Map<string, { row: TownshipRow; at: number }>;
  defaultTownshipId?: string | undefined;
  routers: Map<string, { router: Router; areas: RoutableArea[]; at: number }>;
  /** Users and categories by township, for naming people and categories in report views. */
  people: Map<string, { users: UserRow[]; categories: CategoryRow[]; at: number }>;
}

/** How long another server's change to a township, its areas or categories may take to show here. */
export const CACHE_TTL_MS = 5_000;

/** Forgets cached townships and areas (after this process changed them). */
export function clearCaches(deps: Deps): void {
  deps.cache.townships.clear();
  deps.cache.defaultTownshipId = undefined;
  deps.cache.routers.clear();
  deps.cache.people.clear();
}

// The township of the signed-in user, for the duration of their request (see sessionMiddleware).
const requestTownship = new AsyncLocalStorage<string>();

/** Runs fn with every service call inside it scoped to one township (a user's own, or a job's). */
export function withTownship<T>(townshipId: string, fn: () => T): T {
  return requestTownship.run(townshipId, fn);
}

export function createDeps(
  store: Store,
  opts: Partial<DepsOptions> & { now?: () => Date; photosDir: string },
): Deps {
  return {
    store,
    now: opts.now ?? (() => new Date()),
    cache: { townships: new Map(), routers: new Map(), people: new Map() },
    jobs: { rounds: 0, lastAt: null },
    options: { photosDir: opts.photosDir, publicMap: opts.publicMap ?? false, publicUrl: opts.publicUrl, tiles: opts.tiles ?? null, pmtilesFile: opts.pmtilesFile, privateWebhooks: opts.privateWebhooks ?? false, deskIdleMs: opts.deskIdleMs, gpsAcceptM: opts.gpsAcceptM },
  };
}

/**
 * The township a request works in: the signed-in user's own. Without a user (the public map, jobs run
 * outside withTownship) it is the first township created, the one a single-township deployment serves.
 * Every query of the services is filtered by this township's id, so nobody reads or changes another's.
 */
export async function currentTownship(deps: Deps): Promise<TownshipRow> {
  const now = Date.now();
  const fresh = (e: { at: number } | undefined) => e !== undefined && now - e.at < CACHE_TTL_MS;
  const id = requestTownship.getStore() ?? deps.cache.defaultTownshipId;
  const hit = id ? deps.cache.townships.get(id) : undefined;
  if (hit && fresh(hit)) return hit.row;
  const t = id ? await findTownshipById(deps.store.db, id) : await findDefaultTownship(deps.store.db);
  if (!t) {
    throw new AppError(
      503,
      'no_township',
      '还没有乡镇。No township has been set up yet: add one from its boundary file (npm run township -- add <file> --code … --name-zh …), or start with HOTSPOTS_DEMO=1 for the demo town.',
    );
  }
  if (!requestTownship.getStore()) deps.cache.defaultTownshipId = t.id;
  deps.cache.townships.set(t.id, { row: t, at: now });
  return t;
}

/** The router for a township's areas, built once and reused. */
export async function townshipRouter(deps: Deps, township: TownshipRow): Promise<{ router: Router; areas: RoutableArea[] }> {
  const hit = deps.cache.routers.get(township.id);
  if (hit && Date.now() - hit.at < CACHE_TTL_MS) return hit;
  const rows = await listAreas(deps.store.db, township.id);
  const areas: RoutableArea[] = rows.map((a) => ({
    id: a.id,
    kind: a.kind,
    code: a.code,
    nameZh: a.name_zh,
    nameEn: a.name_en,
    geometry: JSON.parse(a.polygon) as AreaGeometry,
  }));
  const entry = { router: createRouter(JSON.parse(township.boundary) as AreaGeometry, areas), areas, at: Date.now() };
  deps.cache.routers.set(township.id, entry);
  return entry;
}

import type { Deps } from './context.ts';
import type { CategoryRow } from '../store/categories.ts';
import type { TownshipRow } from '../store/townships.ts';
import { candidateRows, nearbyCandidates, pruneNearbyTable } from '../store/report-nearby.ts';
import { classifyNearby, radiusInDegrees, RECURRENCE_DAYS } from '../domain/responsibility.ts';

// What lies near a new report: open items of its kind it may be a duplicate of, and the one it may bring back.

/**
 * Open items nearby returned with a new report, nearest first (with how many there are in all): enough for the
 * reporter to add a sighting instead, and a small answer for a phone on a weak line (twenty made 20 KB).
 */
export const NEARBY_SHOWN = 5;

/**
 * Open items of the category near a spot (possible duplicates), nearest first, with the full rows of the first
 * `shown`, and the recently closed one it may bring back.
 */
export async function nearbyOf(deps: Deps, t: TownshipRow, category: CategoryRow, lon: number, lat: number, now: string, shown: number) {
  const { dLon, dLat } = radiusInDegrees(lat, category.duplicate_radius_m);
  const candidates = await nearbyCandidates(deps.store, {
    townshipId: t.id,
    bbox: [lon - dLon, lat - dLat, lon + dLon, lat + dLat],
    category: category.code,
    // Only what can be a duplicate (open) or be brought back (closed lately).
    since: new Date(Date.parse(now) - RECURRENCE_DAYS * 86_400_000).toISOString(),
    limit: 200,
  });
  const found = classifyNearby(
    [lon, lat],
    category.duplicate_radius_m,
    now,
    candidates.map((r) => ({ id: r.id, status: r.status, lon: r.lon, lat: r.lat, closedAt: r.closed_at })),
  );
  const open = found.open.slice(0, shown);
  const seqOf = new Map(candidates.map((c) => [c.id, c.seq]));
  const rows = await candidateRows(deps.store, t.id, open.map((c) => seqOf.get(c.id)!));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return {
    open: open.filter((c) => byId.has(c.id)).map((c) => ({ row: byId.get(c.id)!, distanceM: c.distanceM })),
    count: found.open.length,
    recurrenceOf: found.recurrenceOf,
  };
}

/** Each minute: items closed too long ago to come back leave the duplicate check's index. */
export async function pruneNearbyCandidates(deps: Deps): Promise<number> {
  return pruneNearbyTable(deps.store, new Date(deps.now().getTime() - (RECURRENCE_DAYS + 1) * 86_400_000).toISOString());
}

import type { Deps } from './context.ts';
import { currentTownship } from './context.ts';
import { toView, viewContext } from './report-views.ts';
import { listBasemapFeatures } from '../store/basemap.ts';
import { queryReports, type ReportSearch } from '../store/report-query.ts';
import type { TownshipRow } from '../store/townships.ts';
import { defaultCasePrefix, normaliseCaseNo } from '../domain/case-numbers.ts';
import { radiusInDegrees } from '../domain/responsibility.ts';
import { bbox as bboxOf } from '@turf/turf';

// One search box for the map and the ledger: a case number (NJ-2026-000123, or 2026-123 in this township), words
// of the description, or the name of a street or landmark (the items within REACH_M of it).

/** How far from a named street or landmark an item still counts as "at" it. */
export const REACH_M = 100;

export interface Place {
  nameZh: string;
  nameEn: string | null;
  layer: string;
  kind: string;
  /** [minLon, minLat, maxLon, maxLat] of the place itself. */
  bbox: [number, number, number, number];
}

export const casePrefixOf = (t: TownshipRow) => t.case_prefix ?? defaultCasePrefix(t.code, t.name_zh);

/** Streets and landmarks whose name holds the text. */
export async function placesNamed(deps: Deps, t: TownshipRow, text: string): Promise<Place[]> {
  const needle = text.trim().toLowerCase();
  if (!needle) return [];
  const features = await listBasemapFeatures(deps.store.db, t.id);
  return features
    .filter((f) => f.name_zh?.toLowerCase().includes(needle) || f.name_en?.toLowerCase().includes(needle))
    .slice(0, 20)
    .map((f) => ({ nameZh: f.name_zh ?? f.name_en ?? '', nameEn: f.name_en, layer: f.layer, kind: f.kind, bbox: bboxOf(JSON.parse(f.geometry)).slice(0, 4) as Place['bbox'] }));
}

/** What the typed text matches, as the store's search (the places named, when already looked up, are not read again). */
export async function searchOf(deps: Deps, t: TownshipRow, text: string, named?: Place[]): Promise<ReportSearch> {
  const caseNo = normaliseCaseNo(text, casePrefixOf(t));
  if (caseNo) return { caseNo };
  const words = text.trim().split(/\s+/).filter(Boolean).slice(0, 5);
  const boxes = (named ?? (await placesNamed(deps, t, text))).map((p) => {
    const mid = (p.bbox[1] + p.bbox[3]) / 2;
    const { dLon, dLat } = radiusInDegrees(mid, REACH_M);
    return [p.bbox[0] - dLon, p.bbox[1] - dLat, p.bbox[2] + dLon, p.bbox[3] + dLat] as const;
  });
  return { words, boxes };
}

/** The search box's answer: matching items (newest first) and the places of that name. */
export async function search(deps: Deps, text: string, limit = 10) {
  const t = await currentTownship(deps);
  const ctx = await viewContext(deps, t);
  const places = normaliseCaseNo(text, casePrefixOf(t)) ? [] : await placesNamed(deps, t, text);
  const rows = await queryReports(deps.store.db, deps.store.dialect, { townshipId: t.id, search: await searchOf(deps, t, text, places), limit });
  return { items: rows.slice(0, limit).map((r) => toView(r, ctx)), more: rows.length > limit, places };
}

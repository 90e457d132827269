import { useEffect, useMemo, useState } from 'react';
import { api, unwrap, type AreasCompared, type Chronic, type Emerging, type Hotspots, type ReportList, type TimePatterns } from '../api.ts';
import type { BinaryPoints } from '../map/layers/points.ts';
import type { AnalysisLayer } from '../components/FilterPanel.tsx';
import type { displayFor } from '../map/display.ts';
import { decodePoints } from '../../server/domain/points.ts';

// What the map view loads for its filters: the pins, every matching report as binary points for heat and
// hexagons, the analysis layer shown and the weekday × hour matrix — each computed on the server for the same
// categories and period, each answer dropped when the filters changed while it was on its way.

const REPORT_LIMIT = 5000;
const NO_POINTS: BinaryPoints = { length: 0, positions: new Float32Array(0) };

export interface MapDataInput {
  categories: readonly string[];
  /** How many categories the township has: all of them chosen means no category filter. */
  allCategories: number;
  period: { from: string; to: string };
  /** The time matrix follows the date filter, not the week being replayed. */
  patternsPeriod: { from: string; to: string };
  analysis: AnalysisLayer;
  /** Bumped after a change (a new report) to load again. */
  reload: number;
  display: ReturnType<typeof displayFor>;
  /** Only items in these states, of this zone or village (pins and heat). */
  scope?: { status?: string | undefined; zone?: string | undefined; village?: string | undefined } | undefined;
}

export function useMapData({ categories, allCategories, period, patternsPeriod, analysis, reload, display, scope }: MapDataInput) {
  const [reports, setReports] = useState<ReportList | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [hotspots, setHotspots] = useState<Hotspots | null>(null);
  const [emerging, setEmerging] = useState<Emerging | null>(null);
  const [chronic, setChronic] = useState<Chronic | null>(null);
  const [trends, setTrends] = useState<AreasCompared | null>(null);
  const [analysisError, setAnalysisError] = useState<string | null>(null);
  const [patterns, setPatterns] = useState<TimePatterns | null>(null);
  const [points, setPoints] = useState<BinaryPoints>(NO_POINTS);

  const none = categories.length === 0;
  const categoryQuery = useMemo(() => (categories.length === allCategories ? {} : { category: categories.join(',') }), [categories, allCategories]);
  const scopeQuery = useMemo(
    () => Object.fromEntries(Object.entries({ status: scope?.status, zone: scope?.zone, village: scope?.village }).filter(([, v]) => v)) as Record<string, string>,
    [scope?.status, scope?.zone, scope?.village],
  );

  useEffect(() => {
    let live = true;
    setLoadError(null);
    if (none) {
      setReports({ type: 'FeatureCollection', numberReturned: 0, limit: REPORT_LIMIT, truncated: false, features: [] });
      return;
    }
    unwrap(api.reports.$get({ query: { ...categoryQuery, ...scopeQuery, from: period.from, to: period.to, limit: String(REPORT_LIMIT) } }))
      .then((r) => live && setReports(display.geo(r)))
      .catch((e: Error) => live && setLoadError(e.message));
    return () => {
      live = false;
    };
  }, [categoryQuery, scopeQuery, period.from, period.to, none, reload]);

  useEffect(() => {
    let live = true;
    const q = { ...categoryQuery, from: period.from, to: period.to };
    // a failed layer says so in the legend rather than showing an empty map
    const failed = (e: Error) => live && setAnalysisError(e.message);
    setAnalysisError(null);
    if (analysis === 'hotspots')
      unwrap(api.hotspots.$get({ query: q }))
        .then((r) => live && 'grid' in r && setHotspots(r))
        .catch(failed);
    if (analysis === 'emerging') unwrap(api.analysis.emerging.$get({ query: categoryQuery })).then((r) => live && setEmerging(r)).catch(failed);
    if (analysis === 'chronic') unwrap(api.analysis.chronic.$get({ query: categoryQuery })).then((r) => live && setChronic(display.geo(r))).catch(failed);
    if (analysis === 'areas') unwrap(api.analysis.areas.$get({ query: categoryQuery })).then((r) => live && setTrends(display.geo(r))).catch(failed);
    return () => {
      live = false;
    };
  }, [analysis, categoryQuery, period.from, period.to, display]);

  useEffect(() => {
    let live = true;
    unwrap(api.analysis['time-patterns'].$get({ query: { ...categoryQuery, from: patternsPeriod.from, to: patternsPeriod.to } }))
      .then((r) => live && setPatterns(r))
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [categoryQuery, patternsPeriod.from, patternsPeriod.to]);

  // Heat and hexagons come from the binary endpoint: every matching report, 5 bytes each, no objects.
  useEffect(() => {
    let live = true;
    if (none) {
      setPoints(NO_POINTS);
      return;
    }
    api.reports.points
      .$get({ query: { ...categoryQuery, ...scopeQuery, from: period.from, to: period.to } })
      .then((r) => (r.ok ? r.arrayBuffer() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((buf) => {
        if (!live) return;
        const d = decodePoints(buf);
        setPoints({ length: d.count, positions: display.positions(d.positions) });
      })
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [categoryQuery, scopeQuery, period.from, period.to, none, reload, display]);

  return { reports, setReports, loadError, hotspots, emerging, chronic, trends, patterns, analysisError, points, setPoints };
}

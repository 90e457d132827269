import { useEffect, useMemo, useState } from 'react';
import { api, unwrap, type ReportList, type TimePatterns } from '../api.ts';
import type { BinaryPoints } from '../map/layers/points.ts';
import { analysisLayer, type AnalysisKey } from '../map/layers/analysis/index.ts';
import type { displayFor } from '../map/display.ts';
import { decodePoints } from '../../server/domain/points.ts';

// What the map view loads for its filters: the pins, every matching report as binary points for heat and
// hexagons, the analysis layer shown (through its own load in the registry) and the weekday × hour matrix — each
// computed on the server for the same categories and period, each answer dropped when the filters changed while
// it was on its way.

const REPORT_LIMIT = 5000;
const NO_POINTS: BinaryPoints = { length: 0, positions: new Float32Array(0) };

export interface MapDataInput {
  categories: readonly string[];
  /** How many categories the township has: all of them chosen means no category filter. */
  allCategories: number;
  period: { from: string; to: string };
  /** The time matrix follows the date filter, not the week being replayed. */
  patternsPeriod: { from: string; to: string };
  analysis: AnalysisKey;
  /** Bumped after a change (a new report) to load again. */
  reload: number;
  display: ReturnType<typeof displayFor>;
  /** Only items in these states, of this zone or village (pins and heat). */
  scope?: { status?: string | undefined; zone?: string | undefined; village?: string | undefined } | undefined;
}

/** The shown analysis layer's answer: which layer, whether it is here, and why not when it failed. */
export interface AnalysisState {
  key: AnalysisKey;
  state: 'loading' | 'loaded' | 'failed';
  error: string | null;
}

export function useMapData({ categories, allCategories, period, patternsPeriod, analysis, reload, display, scope }: MapDataInput) {
  const [reports, setReports] = useState<ReportList | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  // each layer's last answer stays drawn (hidden) while another is shown, as deck.gl keeps its layers
  const [answers, setAnswers] = useState<Record<AnalysisKey, unknown>>({});
  // the last load of a layer's own answer (layers drawn from the points follow the points instead)
  const [loaded, setLoaded] = useState<AnalysisState>({ key: analysis, state: 'loading', error: null });
  const [pointsLoaded, setPointsLoaded] = useState(false);
  const [pointsError, setPointsError] = useState<string | null>(null);
  const [patternsError, setPatternsError] = useState<string | null>(null);
  const [patterns, setPatterns] = useState<TimePatterns | null>(null);
  const [points, setPoints] = useState<BinaryPoints>(NO_POINTS);

  const none = categories.length === 0;
  const categoryQuery = useMemo<Record<string, string>>(() => (categories.length === allCategories ? {} : { category: categories.join(',') }) as Record<string, string>, [categories, allCategories]);
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
  }, [categoryQuery, scopeQuery, period.from, period.to, none, reload, display]);

  useEffect(() => {
    let live = true;
    const def = analysisLayer(analysis);
    if (!def?.load) return;
    setLoaded({ key: analysis, state: 'loading', error: null });
    def
      .load({ categories: categoryQuery, period, display })
      .then((data) => {
        if (!live) return;
        setAnswers((a) => ({ ...a, [analysis]: data }));
        setLoaded({ key: analysis, state: 'loaded', error: null });
      })
      // a failed layer says so in the legend rather than showing an empty map
      .catch((e: Error) => live && setLoaded({ key: analysis, state: 'failed', error: e.message }));
    return () => {
      live = false;
    };
    // the period is read through its two dates
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [analysis, categoryQuery, period.from, period.to, display]);

  useEffect(() => {
    let live = true;
    setPatternsError(null);
    unwrap(api.analysis['time-patterns'].$get({ query: { ...categoryQuery, from: patternsPeriod.from, to: patternsPeriod.to } }))
      .then((r) => live && setPatterns(r))
      .catch((e: Error) => live && setPatternsError(e.message));
    return () => {
      live = false;
    };
  }, [categoryQuery, patternsPeriod.from, patternsPeriod.to]);

  // Heat and hexagons come from the binary endpoint: every matching report, 5 bytes each, no objects.
  useEffect(() => {
    let live = true;
    setPointsLoaded(false);
    setPointsError(null);
    if (none) {
      setPoints(NO_POINTS);
      setPointsLoaded(true);
      return;
    }
    api.reports.points
      .$get({ query: { ...categoryQuery, ...scopeQuery, from: period.from, to: period.to } })
      // a refusal is JSON like every other: unwrap turns it into the server's message
      .then((r) => (r.ok ? r.arrayBuffer() : unwrap(Promise.resolve(r)).then(() => Promise.reject(new Error(`HTTP ${r.status}`)))))
      .then((buf) => {
        if (!live) return;
        const d = decodePoints(buf);
        setPoints({ length: d.count, positions: display.positions(d.positions) });
        setPointsLoaded(true);
      })
      .catch((e: Error) => live && setPointsError(e.message));
    return () => {
      live = false;
    };
  }, [categoryQuery, scopeQuery, period.from, period.to, none, reload, display]);

  const def = analysisLayer(analysis);
  const analysisState: AnalysisState = !def
    ? { key: analysis, state: 'loaded', error: null }
    : !def.load
      ? // layers drawn from the points are here when the points are, and fail when they do
        { key: analysis, state: pointsError ? 'failed' : pointsLoaded ? 'loaded' : 'loading', error: pointsError }
      : loaded.key === analysis
        ? loaded
        : { key: analysis, state: 'loading', error: null };
  return { reports, setReports, loadError, answers, analysisState, patterns, patternsError, points, setPoints };
}

import { GeoJsonLayer } from '@deck.gl/layers';
import { api, unwrap, type Emerging } from '../../../api.ts';
import type { RGB } from '../../colors.ts';
import { cellFeatures, type CellFeature, type GridFrame } from '../grid-cells.ts';
import { EMERGING_CATEGORIES } from '../../../../server/analysis/emerging.ts';
import { EMERGING_NAMES, TREND_NAMES } from '../../../../server/domain/emerging-names.ts';
import { defineAnalysisLayer } from './types.ts';
import { collectionOf } from '../memo.ts';

// Emerging hot spots: how each cell's Gi* went over the last weeks (new, intensifying, persistent …), as ArcGIS's
// space-time pattern mining names them.

export const EMERGING_LAYER_ID = 'analysis-emerging';

/** Emerging categories' colours: reds for hot, blues for cold, darker the more it matters now. */
export const EMERGING_COLORS: Record<string, RGB> = {
  intensifying_hot: [103, 0, 13],
  persistent_hot: [203, 24, 29],
  consecutive_hot: [239, 59, 44],
  new_hot: [253, 141, 60],
  diminishing_hot: [252, 187, 161],
  sporadic_hot: [254, 217, 118],
  oscillating_hot: [188, 128, 189],
  historical_hot: [191, 165, 150],
  intensifying_cold: [8, 48, 107],
  persistent_cold: [33, 113, 181],
  consecutive_cold: [66, 146, 198],
  new_cold: [107, 174, 214],
  diminishing_cold: [198, 219, 239],
  sporadic_cold: [158, 202, 225],
  oscillating_cold: [150, 150, 220],
  historical_cold: [160, 170, 190],
};

export interface EmergingCellProps {
  category: string;
  reports: number;
  hotWeeks: number;
  coldWeeks: number;
  tau: number | null;
  trendP: number | null;
}

export interface EmergingAnswerCells {
  grid: GridFrame;
  cells: { index: number[]; category: string[]; reports: number[]; hotWeeks: number[]; coldWeeks: number[]; tau: (number | null)[]; trendP: (number | null)[] };
}

export function emergingCells(a: EmergingAnswerCells): CellFeature<EmergingCellProps>[] {
  return cellFeatures(a.grid, a.cells.index, (k) => ({
    category: a.cells.category[k]!,
    reports: a.cells.reports[k]!,
    hotWeeks: a.cells.hotWeeks[k]!,
    coldWeeks: a.cells.coldWeeks[k]!,
    tau: a.cells.tau[k] ?? null,
    trendP: a.cells.trendP[k] ?? null,
  }));
}

export function emergingLayer(cells: readonly CellFeature<EmergingCellProps>[], ui: { visible: boolean }) {
  return new GeoJsonLayer({
    id: EMERGING_LAYER_ID,
    visible: ui.visible,
    data: collectionOf(cells) as never,
    stroked: false,
    filled: true,
    pickable: true,
    getFillColor: (f: { properties: EmergingCellProps }) => [...(EMERGING_COLORS[f.properties.category] ?? [200, 200, 200]), 170] as [number, number, number, number],
    updateTriggers: { getFillColor: cells },
  });
}

export interface EmergingData {
  answer: Emerging;
  cells: CellFeature<EmergingCellProps>[];
}

const NO_CELLS: CellFeature<EmergingCellProps>[] = [];

export const emerging = defineAnalysisLayer<EmergingData>({
  key: 'emerging',
  label: 'layerEmerging',
  layerId: EMERGING_LAYER_ID,
  // the last twelve whole weeks, whatever the date filter says
  async load({ categories, display }) {
    const answer = await unwrap(api.analysis.emerging.$get({ query: categories }));
    return { answer, cells: display.geo({ type: 'FeatureCollection' as const, features: emergingCells(answer) }).features };
  },
  layer: (data, ui) => emergingLayer(data?.cells ?? NO_CELLS, { visible: ui.visible }),
  tooltip(o, data, { t, lang }) {
    const p = o.properties;
    const trend = p.trendP !== null && p.trendP <= 0.05 ? (p.tau > 0 ? 'rising' : 'falling') : 'steady';
    const l = lang === 'en' ? 'en' : 'zh';
    return t('tipEmerging', {
      category: EMERGING_NAMES[p.category]?.[l] ?? p.category,
      hot: p.hotWeeks,
      weeks: data?.answer.weeks.length ?? 0,
      reports: p.reports,
      trend: TREND_NAMES[trend][l],
    });
  },
  legend({ data, i18n: { t, lang } }) {
    const answer = data?.answer;
    const present = answer ? EMERGING_CATEGORIES.filter((c) => c !== 'none' && answer.cells.category.includes(c)) : [];
    return (
      <>
        <h3>{t('layerEmerging')}</h3>
        {answer && (
          <>
            <ul className="legend-list">
              {present.map((c) => (
                <li key={c} data-category={c}>
                  <span className="swatch" style={{ background: `rgb(${EMERGING_COLORS[c]!.join(',')})` }} />
                  {EMERGING_NAMES[c]![lang === 'en' ? 'en' : 'zh']}
                </li>
              ))}
            </ul>
            {!present.length && <p className="muted small">{t('noEmerging')}</p>}
            <p className="muted small">{t('emergingInfo', { weeks: answer.weeks.length, cell: answer.cellSize_m, band: answer.distanceBand_m })}</p>
          </>
        )}
      </>
    );
  },
});

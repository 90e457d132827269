import type { Category } from '../api.ts';
import { useI18n } from '../i18n/index.tsx';
import type { MessageKey } from '../i18n/zh-CN.ts';

export interface Filters {
  categories: string[];
  from: string;
  to: string;
}

export interface LayerToggles {
  areas: boolean;
  pins: boolean;
  labels: boolean;
}

export const ANALYSIS_LAYERS = ['heatmap', 'hexagons', 'hotspots', 'emerging', 'chronic', 'areas', 'none'] as const;
export type AnalysisLayer = (typeof ANALYSIS_LAYERS)[number];

interface Props {
  categories: Category[];
  filters: Filters;
  onFilters(f: Filters): void;
  layers: LayerToggles;
  onLayers(l: LayerToggles): void;
  analysis: AnalysisLayer;
  onAnalysis(a: AnalysisLayer): void;
  today: string;
}

export function daysBefore(ymd: string, days: number): string {
  const d = new Date(`${ymd}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
}

/** Category and period filters, and which layers are drawn. */
const ANALYSIS_LABEL: Record<AnalysisLayer, MessageKey> = {
  heatmap: 'layerHeatmap',
  hexagons: 'layerHexagons',
  hotspots: 'layerHotspots',
  emerging: 'layerEmerging',
  chronic: 'layerChronic',
  areas: 'layerAreasCompared',
  none: 'layerNone',
};

export function FilterPanel({ categories, filters, onFilters, layers, onLayers, analysis, onAnalysis, today }: Props) {
  const { t, name } = useI18n();
  const toggleCategory = (code: string) => {
    const set = new Set(filters.categories);
    if (set.has(code)) set.delete(code);
    else set.add(code);
    onFilters({ ...filters, categories: categories.map((c) => c.code).filter((c) => set.has(c)) });
  };
  const preset = (days: number) => onFilters({ ...filters, from: daysBefore(today, days - 1), to: today });
  return (
    <>
      <section className="panel" aria-label={t('filters')}>
        <h2>{t('categories')}</h2>
        <div className="row small-buttons">
          <button type="button" onClick={() => onFilters({ ...filters, categories: categories.map((c) => c.code) })}>
            {t('all')}
          </button>
          <button type="button" onClick={() => onFilters({ ...filters, categories: [] })}>
            {t('none')}
          </button>
        </div>
        <ul className="checks" data-testid="category-filter">
          {categories.map((c) => (
            <li key={c.code}>
              <label>
                <input
                  type="checkbox"
                  checked={filters.categories.includes(c.code)}
                  onChange={() => toggleCategory(c.code)}
                  data-testid={`filter-${c.code}`}
                />
                <span className="swatch dot" style={{ background: c.color }} />
                {name(c)}
              </label>
            </li>
          ))}
        </ul>
        <h2>{t('dateRange')}</h2>
        <div className="row small-buttons">
          <button type="button" onClick={() => preset(7)}>{t('last7')}</button>
          <button type="button" onClick={() => preset(30)}>{t('last30')}</button>
          <button type="button" onClick={() => preset(90)}>{t('last90')}</button>
        </div>
        <div className="dates">
          <label>
            {t('from')}
            <input
              type="date"
              value={filters.from}
              max={filters.to}
              onChange={(e) => e.target.value && onFilters({ ...filters, from: e.target.value })}
              data-testid="filter-from"
            />
          </label>
          <label>
            {t('to')}
            <input
              type="date"
              value={filters.to}
              min={filters.from}
              onChange={(e) => e.target.value && onFilters({ ...filters, to: e.target.value })}
              data-testid="filter-to"
            />
          </label>
        </div>
      </section>
      <section className="panel" aria-label={t('layers')}>
        <h2>{t('layers')}</h2>
        <ul className="checks">
          {(
            [
              ['areas', 'layerAreas'],
              ['pins', 'layerPins'],
              ['labels', 'layerLabels'],
            ] as const
          ).map(([key, label]) => (
            <li key={key}>
              <label>
                <input
                  type="checkbox"
                  checked={layers[key]}
                  onChange={() => onLayers({ ...layers, [key]: !layers[key] })}
                  data-testid={`layer-${key}`}
                />
                {t(label)}
              </label>
            </li>
          ))}
        </ul>
        <h2>{t('analysisLayer')}</h2>
        <ul className="checks" role="radiogroup" aria-label={t('analysisLayer')}>
          {ANALYSIS_LAYERS.map((a) => (
            <li key={a}>
              <label>
                <input type="radio" name="analysis" checked={analysis === a} onChange={() => onAnalysis(a)} data-testid={`analysis-${a}`} />
                {t(ANALYSIS_LABEL[a])}
              </label>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

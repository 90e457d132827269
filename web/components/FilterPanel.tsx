import type { Category } from '../api.ts';
import { useI18n } from '../i18n/index.tsx';
import type { MessageKey } from '../i18n/zh-CN.ts';
import { ANALYSIS_LAYERS, NO_ANALYSIS, type AnalysisKey } from '../map/layers/analysis/index.ts';

export interface Filters {
  categories: string[];
  from: string;
  to: string;
  /** '' every state, 'open' not yet closed, 'closed' closed. */
  state?: '' | 'open' | 'closed';
  /** '' everywhere, or a zone's or village's id. */
  areaId?: string;
}

/** The report statuses a state filter stands for. */
export const STATE_STATUSES: Record<'open' | 'closed', string> = { open: 'reported,notified,rectified', closed: 'closed' };

export interface LayerToggles {
  areas: boolean;
  pins: boolean;
  labels: boolean;
}

/** The analysis layer shown: a key of the registry, or 'none'. */
export type AnalysisLayer = AnalysisKey;
/** The picker's choices: every registered layer, then none. */
const CHOICES: { key: AnalysisKey; label: MessageKey }[] = [...ANALYSIS_LAYERS.map((l) => ({ key: l.key, label: l.label })), { key: NO_ANALYSIS, label: 'layerNone' }];

interface Props {
  categories: Category[];
  filters: Filters;
  onFilters(f: Filters): void;
  layers: LayerToggles;
  onLayers(l: LayerToggles): void;
  analysis: AnalysisLayer;
  onAnalysis(a: AnalysisLayer): void;
  today: string;
  /** Zones and villages to narrow the map to. */
  areas?: { id: string; name: string }[];
}

export function daysBefore(ymd: string, days: number): string {
  const d = new Date(`${ymd}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
}

/** Category and period filters, and which layers are drawn. */
export function FilterPanel({ categories, filters, onFilters, layers, onLayers, analysis, onAnalysis, today, areas = [] }: Props) {
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
        <div className="row scope-filters">
          <label>
            {t('filterState')}{' '}
            <select value={filters.state ?? ''} onChange={(e) => onFilters({ ...filters, state: e.target.value as Filters['state'] })} data-testid="filter-state">
              <option value="">{t('allStatuses')}</option>
              <option value="open">{t('filterOpen')}</option>
              <option value="closed">{t('filterClosed')}</option>
            </select>
          </label>
          {areas.length > 0 && (
            <label>
              {t('filterArea')}{' '}
              <select value={filters.areaId ?? ''} onChange={(e) => onFilters({ ...filters, areaId: e.target.value })} data-testid="filter-area">
                <option value="">{t('allAreas')}</option>
                {areas.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name}
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
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
          {CHOICES.map(({ key, label }) => (
            <li key={key}>
              <label>
                <input type="radio" name="analysis" checked={analysis === key} onChange={() => onAnalysis(key)} data-testid={`analysis-${key}`} />
                {t(label)}
              </label>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

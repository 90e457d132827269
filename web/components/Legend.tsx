import type { Category } from '../api.ts';
import { useI18n } from '../i18n/index.tsx';
import { STATE_COLORS, UNIT_FILL, VILLAGE_LINE, ZONE_COLORS, type PinState } from '../map/colors.ts';
import type { MessageKey } from '../i18n/zh-CN.ts';
import { analysisLayer } from '../map/layers/analysis/index.ts';
import type { AnalysisState } from '../views/useMapData.ts';

interface Props {
  categories: Category[];
  zones: { code: string; nameZh: string; nameEn: string }[];
  colorBy: 'category' | 'state';
  /** The analysis layer shown, and whether its answer is here (or why it is not). */
  analysis: AnalysisState;
  /** Its last answer, kept while a newer one is on its way so the legend does not flicker. */
  shownData?: unknown;
}

/** What every colour on the map means. */
export function Legend({ categories, zones, analysis, colorBy, shownData }: Props) {
  const i18n = useI18n();
  const { t, name, said } = i18n;
  const def = analysisLayer(analysis.key);
  return (
    <section className="panel legend" data-testid="legend" aria-label={t('legend')}>
      <h2>{t('legend')}</h2>
      <ul className="legend-list" data-testid={`legend-${colorBy}`}>
        {colorBy === 'category'
          ? categories.map((c) => (
              <li key={c.code}>
                <span className="swatch dot" style={{ background: c.color }} />
                {name(c)}
              </li>
            ))
          : (Object.keys(STATE_COLORS) as PinState[]).map((s) => (
              <li key={s}>
                <span className="swatch dot" style={{ background: STATE_COLORS[s] }} />
                {t(`state.${s}` as MessageKey)}
              </li>
            ))}
        {colorBy === 'category' && (
          <li>
            <span className="swatch dot ring" style={{ borderColor: STATE_COLORS.overdue }} />
            {t('state.overdue')}
          </li>
        )}
      </ul>
      <h3>{t('legendZones')}</h3>
      <ul className="legend-list">
        {zones.map((z, i) => (
          <li key={z.code}>
            <span className="swatch" style={{ background: ZONE_COLORS[i % ZONE_COLORS.length], opacity: 0.7 }} />
            {name(z)}
          </li>
        ))}
        <li>
          <span className="swatch line" style={{ borderColor: VILLAGE_LINE }} />
          {t('legendVillage')}
        </li>
        <li>
          <span className="swatch" style={{ background: UNIT_FILL, opacity: 0.6 }} />
          {t('legendUnit')}
        </li>
      </ul>
      {def && (
        <div data-testid={`legend-${def.key}`} data-state={analysis.state}>
          {def.legend?.({ data: shownData ?? null, i18n })}
        </div>
      )}
      {analysis.state === 'failed' && (
        <p className="error small" role="alert" data-testid="analysis-error">
          {t('analysisFailed', { msg: said(analysis.error) })}
        </p>
      )}
    </section>
  );
}

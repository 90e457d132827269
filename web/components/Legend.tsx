import type { Category, Emerging, Hotspots } from '../api.ts';
import { EMERGING_COLORS } from '../map/layers/grid-cells.ts';
import { EMERGING_CATEGORIES } from '../../server/analysis/emerging.ts';
import { EMERGING_NAMES } from '../../server/domain/emerging-names.ts';
import { useI18n } from '../i18n/index.tsx';
import { HEAT_RAMP, STATE_COLORS, UNIT_FILL, VILLAGE_LINE, ZONE_COLORS, type PinState } from '../map/colors.ts';
import type { MessageKey } from '../i18n/zh-CN.ts';
import { BIN_COLORS, CHANGE_COLORS } from '../map/layers/analysis.ts';
import type { AnalysisLayer } from './FilterPanel.tsx';

interface Props {
  categories: Category[];
  zones: { code: string; nameZh: string; nameEn: string }[];
  analysis: AnalysisLayer;
  colorBy: 'category' | 'state';
  /** The hot-spot answer, when loaded: its scale, study area, whether cold spots can appear, and its spots. */
  hotspots?: Hotspots | null;
  emerging?: Emerging | null;
  /** Why the analysis layer could not be loaded. */
  analysisError?: string | null;
}

const SPOTS_LISTED = 5;

/** What every colour on the map means. */
export function Legend({ categories, zones, analysis, colorBy, hotspots, emerging, analysisError }: Props) {
  const { t, name, lang } = useI18n();
  const en = lang === 'en';
  const bins = hotspots && !hotspots.legend.coldPossible ? ([3, 2, 1] as const) : ([3, 2, 1, -1, -2, -3] as const);
  const present = emerging ? EMERGING_CATEGORIES.filter((c) => c !== 'none' && emerging.cells.category.includes(c)) : [];
  const ramp = `linear-gradient(to right, ${HEAT_RAMP.map((c) => `rgb(${c.join(',')})`).join(', ')})`;
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
      {(analysis === 'heatmap' || analysis === 'hexagons') && (
        <>
          <h3>{analysis === 'heatmap' ? t('legendHeat') : t('hexLegend')}</h3>
          <div className="ramp" style={{ background: ramp }} />
          <div className="ramp-labels">
            <span>{t('legendLow')}</span>
            <span>{t('legendHigh')}</span>
          </div>
        </>
      )}
      {analysisError && (
        <p className="error small" role="alert" data-testid="analysis-error">
          {t('analysisFailed', { msg: analysisError })}
        </p>
      )}
      {analysis === 'hotspots' && (
        <div data-testid="legend-hotspots" data-state={hotspots ? 'loaded' : 'loading'}>
          <h3>{t('layerHotspots')}</h3>
          <ul className="legend-list">
            {bins.map((b) => (
              <li key={b}>
                <span className="swatch" style={{ background: `rgb(${BIN_COLORS[b]!.join(',')})` }} />
                {b > 0 ? t('hotLegend') : t('coldLegend')} {t(Math.abs(b) === 3 ? 'conf99' : Math.abs(b) === 2 ? 'conf95' : 'conf90')}
              </li>
            ))}
            <li>
              <span className="swatch outline" style={{ borderColor: `rgb(${BIN_COLORS[3]!.join(',')})`, background: `rgba(${BIN_COLORS[3]!.join(',')},0.18)` }} />
              {t('neighbourOnlyLegend')}
            </li>
          </ul>
          {hotspots && (
            <>
              {!hotspots.legend.coldPossible && (
                <p className="muted small" data-testid="cold-impossible">
                  {t('coldImpossible', { z: hotspots.legend.lowestReachableZ.toFixed(2) })}
                </p>
              )}
              <p className="muted small">{t('cellInfo', { cell: hotspots.cellSize_m, band: hotspots.distanceBand_m })}</p>
              <p className="muted small" data-testid="study-area">
                {t('studyArea', { rule: en ? hotspots.studyArea.rule : hotspots.studyArea.ruleZh, n: hotspots.studyArea.outsideReports })}
              </p>
              <h3>{t('spotsTitle')}</h3>
              {hotspots.spots.length ? (
                <ol className="spot-list" data-testid="hotspot-spots">
                  {hotspots.spots.slice(0, SPOTS_LISTED).map((sp) => (
                    <li key={sp.id}>
                      <bdi>{[...new Set([sp.near?.name, ...sp.landmarks].filter(Boolean))].slice(0, 2).join('、') || '—'}</bdi>
                      {(sp.village ?? sp.zone) && <> · <bdi>{sp.village ?? sp.zone}</bdi></>}{' '}
                      {t('spotReports', { n: sp.reports })}
                      {sp.responsible.find((r) => r.person) && (
                        <>
                          {' · '}
                          <bdi>{sp.responsible.find((r) => r.person)!.person}</bdi>
                        </>
                      )}
                    </li>
                  ))}
                </ol>
              ) : (
                <p className="muted small">{t('noSpots', { n: 3 })}</p>
              )}
            </>
          )}
        </div>
      )}
      {analysis === 'emerging' && (
        <div data-testid="legend-emerging" data-state={emerging ? 'loaded' : 'loading'}>
          <h3>{t('layerEmerging')}</h3>
          {emerging && (
            <>
              <ul className="legend-list">
                {present.map((c) => (
                  <li key={c} data-category={c}>
                    <span className="swatch" style={{ background: `rgb(${EMERGING_COLORS[c]!.join(',')})` }} />
                    {EMERGING_NAMES[c]![en ? 'en' : 'zh']}
                  </li>
                ))}
              </ul>
              {!present.length && <p className="muted small">{t('noEmerging')}</p>}
              <p className="muted small">{t('emergingInfo', { weeks: emerging.weeks.length, cell: emerging.cellSize_m, band: emerging.distanceBand_m })}</p>
            </>
          )}
        </div>
      )}
      {analysis === 'chronic' && (
        <>
          <h3>{t('layerChronic')}</h3>
          <p className="muted small">{t('chronicLegend')}</p>
        </>
      )}
      {analysis === 'areas' && (
        <>
          <h3>{t('layerAreasCompared')}</h3>
          <ul className="legend-list">
            {(
              [
                ['rise', 'areasLegendRise'],
                ['steady', 'areasLegendSteady'],
                ['fall', 'areasLegendFall'],
              ] as const
            ).map(([k, label]) => (
              <li key={k}>
                <span className="swatch" style={{ background: `rgb(${CHANGE_COLORS[k].join(',')})` }} />
                {t(label)}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

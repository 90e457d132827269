import type { Category } from '../api.ts';
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
  /** Cell size and band of the hot-spot layer, when shown. */
  hotspotInfo?: { cellSize: number; band: number } | null;
}

/** What every colour on the map means. */
export function Legend({ categories, zones, analysis, colorBy, hotspotInfo }: Props) {
  const { t, name } = useI18n();
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
      {analysis === 'hotspots' && (
        <div data-testid="legend-hotspots" data-state={hotspotInfo ? 'loaded' : 'loading'}>
          <h3>{t('layerHotspots')}</h3>
          <ul className="legend-list">
            {([3, 2, 1, -1, -2, -3] as const).map((b) => (
              <li key={b}>
                <span className="swatch" style={{ background: `rgb(${BIN_COLORS[b]!.join(',')})` }} />
                {b > 0 ? t('hotLegend') : t('coldLegend')} {t(Math.abs(b) === 3 ? 'conf99' : Math.abs(b) === 2 ? 'conf95' : 'conf90')}
              </li>
            ))}
          </ul>
          {hotspotInfo && <p className="muted small">{t('cellInfo', { cell: hotspotInfo.cellSize, band: hotspotInfo.band })}</p>}
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

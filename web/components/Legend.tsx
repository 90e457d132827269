import type { Category } from '../api.ts';
import { useI18n } from '../i18n/index.tsx';
import { HEAT_RAMP, STATE_COLORS, UNIT_FILL, VILLAGE_LINE, ZONE_COLORS, type PinState } from '../map/colors.ts';
import type { MessageKey } from '../i18n/zh-CN.ts';

interface Props {
  categories: Category[];
  zones: { code: string; nameZh: string; nameEn: string }[];
  showHeat: boolean;
  colorBy: 'category' | 'state';
}

/** What every colour on the map means. */
export function Legend({ categories, zones, showHeat, colorBy }: Props) {
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
      {showHeat && (
        <>
          <h3>{t('legendHeat')}</h3>
          <div className="ramp" style={{ background: ramp }} />
          <div className="ramp-labels">
            <span>{t('legendLow')}</span>
            <span>{t('legendHigh')}</span>
          </div>
        </>
      )}
    </section>
  );
}

import { HEAT_RAMP } from '../../colors.ts';
import type { I18n } from '../../../i18n/index.tsx';
import type { MessageKey } from '../../../i18n/zh-CN.ts';

/** The heat ramp from few to many, under a heading: the legend of the layers drawn from the points. */
export function RampLegend({ title, i18n }: { title: MessageKey; i18n: I18n }) {
  const ramp = `linear-gradient(to right, ${HEAT_RAMP.map((c) => `rgb(${c.join(',')})`).join(', ')})`;
  return (
    <>
      <h3>{i18n.t(title)}</h3>
      <div className="ramp" style={{ background: ramp }} />
      <div className="ramp-labels">
        <span>{i18n.t('legendLow')}</span>
        <span>{i18n.t('legendHigh')}</span>
      </div>
    </>
  );
}

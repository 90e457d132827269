import { useEffect, useState } from 'react';
import type { InferResponseType } from 'hono/client';
import { api, unwrap } from '../api.ts';
import { useI18n } from '../i18n/index.tsx';

type Figures = InferResponseType<typeof api.headline.$get, 200>;

/** The leading group's start: today's and this week's figures, and 按期结案率 against last week. */
export function Headline({ reload }: { reload: number }) {
  const { t } = useI18n();
  const [h, setH] = useState<Figures | null>(null);
  useEffect(() => {
    let live = true;
    void unwrap(api.headline.$get()).then((r) => live && setH(r), () => {});
    return () => {
      live = false;
    };
  }, [reload]);
  if (!h) return null;
  const rate = (v: number | null) => (v === null ? '—' : `${v.toFixed(1)}%`);
  const change = h.week.onTimeRate !== null && h.lastWeek.onTimeRate !== null ? h.week.onTimeRate - h.lastWeek.onTimeRate : null;
  return (
    <section className="panel headline" aria-label={t('headline')} data-testid="headline">
      <div className="figures-row">
        <div>
          <b data-testid="headline-today-new">{h.today.new}</b>
          <span>{t('headlineTodayNew')}</span>
        </div>
        <div>
          <b>{h.today.closed}</b>
          <span>{t('headlineTodayClosed')}</span>
        </div>
        <div className={h.overdue > 0 ? 'error' : ''}>
          <b data-testid="headline-overdue">{h.overdue}</b>
          <span>{t('headlineOverdue')}</span>
        </div>
      </div>
      <div className="figures-row">
        <div>
          <b>{h.week.new}</b>
          <span>{t('headlineWeekNew')}</span>
        </div>
        <div>
          <b>{h.week.closed}</b>
          <span>{t('headlineWeekClosed')}</span>
        </div>
        <div>
          <b data-testid="headline-on-time">{rate(h.week.onTimeRate)}</b>
          <span>
            {t('headlineOnTime')}
            {change !== null && (
              <small className={change < 0 ? 'error' : 'ok'}>
                {' '}
                {change >= 0 ? '▲' : '▼'}
                {Math.abs(change).toFixed(1)}
              </small>
            )}
          </span>
        </div>
      </div>
      <p className="muted small">{t('headlineLastWeek', { rate: rate(h.lastWeek.onTimeRate), n: h.lastWeek.new })}</p>
    </section>
  );
}

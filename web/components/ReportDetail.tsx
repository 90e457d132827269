import { useEffect, useState } from 'react';
import { api, unwrap, type Category, type ReportDetail as Detail } from '../api.ts';
import { useI18n } from '../i18n/index.tsx';
import type { MessageKey } from '../i18n/zh-CN.ts';

interface Props {
  id: string;
  categories: Category[];
  onClose(): void;
}

/** One report: what, where, who owns it, and what has happened to it. */
export function ReportDetail({ id, categories, onClose }: Props) {
  const { t, name, formatTime } = useI18n();
  const [detail, setDetail] = useState<Detail | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setDetail(null);
    setError(null);
    unwrap(api.reports[':id'].$get({ param: { id } }))
      .then((d) => live && setDetail(d))
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [id]);

  const category = categories.find((c) => c.code === detail?.category);
  return (
    <aside className="panel detail" data-testid="report-detail" aria-label={t('detail')}>
      <header className="row">
        <h2>{t('detail')}</h2>
        <button type="button" className="link" onClick={onClose} aria-label={t('close')}>
          ✕
        </button>
      </header>
      {error && <p className="error">{t('loadFailed', { msg: error })}</p>}
      {!detail && !error && <p>{t('loading')}</p>}
      {detail && (
        <>
          <p className="detail-title">
            <span className="swatch dot" style={{ background: category?.color ?? '#888' }} />
            <strong>{category ? name(category) : detail.category}</strong>
            <span className={`status status-${detail.status}`}>{t(`status.${detail.status}` as MessageKey)}</span>
          </p>
          {detail.description && <p className="description">{detail.description}</p>}
          <dl>
            <dt>{t('zone')}</dt>
            <dd>{detail.zone ? name(detail.zone) : t('noZone')}</dd>
            <dt>{t('village')}</dt>
            <dd>{detail.village ? name(detail.village) : t('noVillage')}</dd>
            {detail.unit && (
              <>
                <dt>{t('unit')}</dt>
                <dd>{name(detail.unit)}</dd>
              </>
            )}
            <dt>{t('observedAt')}</dt>
            <dd>{formatTime(detail.observedAt)}</dd>
            <dt>{t('deadlineAt')}</dt>
            <dd>{formatTime(detail.deadlineAt)}</dd>
            {detail.closedAt && (
              <>
                <dt>{t('closedAt')}</dt>
                <dd>{formatTime(detail.closedAt)}</dd>
              </>
            )}
          </dl>
          <h3>{t('history')}</h3>
          <ol className="history">
            {detail.events.map((e, i) => (
              <li key={i}>
                <time>{formatTime(e.at)}</time> {t(`event.${e.type}` as MessageKey)}
                {e.note ? ` · ${e.note}` : ''}
              </li>
            ))}
          </ol>
        </>
      )}
    </aside>
  );
}

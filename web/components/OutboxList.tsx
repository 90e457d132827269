import { useI18n } from '../i18n/index.tsx';
import type { MessageKey } from '../i18n/zh-CN.ts';
import type { Category } from '../api.ts';
import { deleteItem, putItem, type OutboxItem } from '../offline/outbox.ts';

/** The person's queue, newest first: what waits, what went, what the server refused (with its reason, to retry or discard). */
export function OutboxList({ items, categories, statuses, onChanged, onSync, onSignIn }: {
  items: OutboxItem[];
  categories: Category[];
  /** What the server says of each sent report now (asked for when online). */
  statuses?: Map<string, { status: string; overdue: boolean }>;
  onChanged(): void;
  onSync(): void;
  /** Sign in again: held items are sent after. */
  onSignIn(): void;
}) {
  const { t, name, formatTime } = useI18n();
  const held = items.filter((i) => i.state === 'held').length;
  const what = (i: OutboxItem) =>
    i.kind === 'rectify' ? t('outboxRectify') : i.kind === 'sighting' ? t('outboxSighting') : name(categories.find((c) => c.code === i.category) ?? { nameZh: i.category, nameEn: i.category });
  return (
    <>
      {held > 0 && (
        <div className="held" role="alert" data-testid="outbox-held">
          <p className="small">{t('outboxHeld', { n: held })}</p>
          <button type="button" onClick={onSignIn} data-testid="sign-in-again">
            {t('signInAgain')}
          </button>
        </div>
      )}
      <ul className="outbox" data-testid="outbox">
        {[...items].reverse().map((i) => (
          <li key={i.key} className={`outbox-item ${i.state}`} data-testid="outbox-item" data-state={i.state} data-kind={i.kind ?? 'report'}>
            <span>
              {what(i)} · {i.placeLabel}
              <small> {formatTime(i.capturedAt)}</small>
            </span>
            <b>
              {t(`outbox.${i.state}` as MessageKey)}
              {i.state === 'sent' && i.reportId && statuses?.get(i.reportId) && (
                <span className="muted" data-testid="report-status">
                  {' · '}
                  {statuses.get(i.reportId)!.overdue ? t('overdue') : t(`status.${statuses.get(i.reportId)!.status}` as MessageKey)}
                </span>
              )}
            </b>
            {i.state === 'failed' && (
              <span className="error small" data-testid="outbox-error">
                {i.error}{' '}
                <button type="button" className="link" onClick={() => void putItem({ ...i, state: 'waiting', error: null }).then(onSync)} data-testid="outbox-retry">
                  {t('retry')}
                </button>
                <button type="button" className="link" onClick={() => void deleteItem(i.key).then(onChanged)}>
                  {t('discard')}
                </button>
              </span>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}

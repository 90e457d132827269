import { NOTE_MAX } from '../../server/domain/limits.ts';
import { useCallback, useEffect, useState } from 'react';
import { api, unwrap, type Category, type ReportAction, type ReportDetail as Detail } from '../api.ts';
import { useI18n } from '../i18n/index.tsx';
import type { MessageKey } from '../i18n/zh-CN.ts';
import { PhotoPicker, type PickedPhoto } from './PhotoPicker.tsx';

interface Props {
  id: string;
  categories: Category[];
  onClose(): void;
  /** Called after an action moved the item, with its new state. */
  onChanged?(d: { id: string; status: string; overdue: boolean }): void;
  /** Rectify through the phone's outbox (the tasks view) instead of at once: called with the item as shown. */
  onRectify?(d: Detail): void;
}

/** One item: photos before and after, who answers for it, its history, and the actions the viewer may take. */
export function ReportDetail({ id, categories, onClose, onChanged, onRectify }: Props) {
  const { t, name, formatTime, said } = useI18n();
  const [detail, setDetail] = useState<Detail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [acting, setActing] = useState<ReportAction | null>(null);

  const load = useCallback(() => {
    setError(null);
    return unwrap(api.reports[':id'].$get({ param: { id } }))
      .then((d) => setDetail(d))
      .catch((e: unknown) => setError(e));
  }, [id]);

  useEffect(() => {
    setDetail(null);
    setActing(null);
    void load();
  }, [load]);

  const category = categories.find((c) => c.code === detail?.category);
  const photoLabel: Record<string, MessageKey> = { before: 'photoBefore', after: 'photoAfter', sighting: 'photoSighting' };
  return (
    <aside className="panel detail" data-testid="report-detail" aria-label={t('detail')}>
      <header className="row">
        <h2>
          {t('detail')}
          {detail?.caseNo && (
            <span className="case-no" data-testid="detail-case-no">
              {detail.caseNo}
            </span>
          )}
        </h2>
        <button type="button" className="link" onClick={onClose} aria-label={t('close')}>
          ✕
        </button>
      </header>
      {error != null && <p className="error">{t('loadFailed', { msg: said(error) })}</p>}
      {!detail && error == null && <p>{t('loading')}</p>}
      {detail && (
        <>
          <p className="detail-title">
            <span className="swatch dot" style={{ background: category?.color ?? '#888' }} />
            <strong>{category ? name(category) : detail.category}</strong>
            <span className={`status status-${detail.overdue ? 'overdue' : detail.status}`} data-testid="detail-status">
              {detail.overdue ? t('overdue') : t(`status.${detail.status}` as MessageKey)}
            </span>
          </p>
          {detail.description && (
            <p className="description" data-testid="detail-description">
              {/* Isolated: a right-to-left override in someone's text cannot turn the page around it. */}
              <bdi>{detail.description}</bdi>
            </p>
          )}
          {detail.urgency === 'urgent' && (
            <p className="badge urgent" data-testid="detail-urgent">
              {t('urgency.urgent')}
            </p>
          )}
          {detail.recurrenceOf && <p className="badge">{t('recurrence')}</p>}
          {detail.parkedAt && (
            <p className="badge" data-testid="detail-parked">
              {t('parkedSince', { time: formatTime(detail.parkedAt) })}
            </p>
          )}
          {detail.extensionUntil && (
            <p className="badge due-soon" data-testid="detail-extension">
              {t('extensionAsked', { time: formatTime(detail.extensionUntil) })}
            </p>
          )}
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
            <dt>{t('assignee')}</dt>
            <dd data-testid="detail-assignee">{detail.assignee?.displayName ?? '—'}</dd>
            <dt>{t('observedAt')}</dt>
            <dd>{formatTime(detail.observedAt)}</dd>
            <dt>{t('deadlineAt')}</dt>
            <dd className={detail.overdue ? 'error' : ''}>{formatTime(detail.deadlineAt)}</dd>
            {detail.closedAt && (
              <>
                <dt>{t('closedAt')}</dt>
                <dd>{formatTime(detail.closedAt)}</dd>
              </>
            )}
          </dl>
          {detail.photos.length > 0 && (
            <>
              <h3>{t('photos')}</h3>
              <div className="thumbs" data-testid="detail-photos">
                {detail.photos.map((p) => (
                  <a key={`${p.id}-${p.kind}`} href={p.url} target="_blank" rel="noreferrer" className="thumb-link">
                    <img src={p.thumbUrl} alt={t(photoLabel[p.kind] ?? 'photos')} className="thumb" />
                    <span>{t(photoLabel[p.kind] ?? 'photos')}</span>
                  </a>
                ))}
              </div>
            </>
          )}
          {detail.deductions.length > 0 && (
            <>
              <h3>{t('deductions')}</h3>
              <ul className="plain" data-testid="detail-deductions">
                {detail.deductions.map((d) => (
                  <li key={d.deadlineAt}>
                    {t('deductionLine', { area: d.area ? name(d.area) : '', yuan: d.amountYuan, points: d.points })}
                  </li>
                ))}
              </ul>
            </>
          )}
          {detail.allowedActions.length > 0 && (
            <div className="actions" data-testid="detail-actions">
              {detail.allowedActions.map((a) => (
                <button
                  key={a}
                  type="button"
                  className={a === 'rectify' || a === 'verify' ? 'primary' : ''}
                  onClick={() => (a === 'rectify' && onRectify ? onRectify(detail) : setActing(a))}
                  data-testid={`action-${a}`}
                >
                  {t(`action.${a}` as MessageKey)}
                </button>
              ))}
            </div>
          )}
          {acting && (
            <ActionForm
              action={acting}
              detail={detail}
              onCancel={() => setActing(null)}
              onDone={async (updated) => {
                setActing(null);
                onChanged?.(updated);
                await load();
              }}
            />
          )}
          <h3>{t('history')}</h3>
          <ol className="history" data-testid="detail-history">
            {detail.events.map((e, i) => (
              <li key={i}>
                <time>{formatTime(e.at)}</time> {t(`event.${e.type}` as MessageKey)}
                {e.actor ? ` · ${e.actor.displayName}` : ''}
                {e.note ? (
                  <>
                    {' · '}
                    <bdi>{e.note}</bdi>
                  </>
                ) : null}
              </li>
            ))}
          </ol>
        </>
      )}
    </aside>
  );
}

function ActionForm({
  action,
  detail,
  onCancel,
  onDone,
}: {
  action: ReportAction;
  detail: Detail;
  onCancel(): void;
  onDone(d: { id: string; status: string; overdue: boolean }): void;
}) {
  const { t, name, said } = useI18n();
  const [note, setNote] = useState('');
  const [photos, setPhotos] = useState<PickedPhoto[]>([]);
  const [duplicateOf, setDuplicateOf] = useState('');
  const [toAreaId, setToAreaId] = useState('');
  const [until, setUntil] = useState('');
  const [areas, setAreas] = useState<{ id: string; name: string; kind: string }[]>([]);
  // notify and dispatch name who answers (the routed person by default) and how urgent it is
  const sends = action === 'notify' || action === 'dispatch';
  const [people, setPeople] = useState<{ id: string; displayName: string; areaId: string | null }[]>([]);
  const [toAssigneeId, setToAssigneeId] = useState('');
  const [urgency, setUrgency] = useState<'normal' | 'urgent'>(detail.urgency);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const needsPhoto = action === 'rectify';
  // these steps must say why
  const needsReason = ['reject', 'return', 'extend', 'park', 'refuse_extension'].includes(action);
  useEffect(() => {
    if (action !== 'dispatch') return;
    void unwrap(api.areas.$get({ query: {} })).then((r) =>
      setAreas(
        r.features
          .map((f) => ({ id: String(f.id), name: name(f.properties), kind: f.properties.kind }))
          .sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name, 'zh-CN')),
      ),
    );
  }, [action, name]);
  useEffect(() => {
    if (!sends) return;
    void unwrap(api['responsible-people'].$get()).then((r) => setPeople([...r.people].sort((a, b) => a.displayName.localeCompare(b.displayName, 'zh-CN'))));
  }, [sends]);
  // dispatching to an area offers that area's people first
  const offered = action === 'dispatch' && toAreaId ? people.filter((p) => p.areaId === toAreaId) : people;
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await unwrap(
        api.reports[':id'].transitions.$post({
          param: { id: detail.id },
          // at the desk the answer is seen at once: no key needed (the tasks view's rectification goes through the outbox)
          header: {},
          json: {
            action,
            note: note.trim() || undefined,
            photoIds: photos.length ? photos.map((p) => p.id) : undefined,
            duplicateOf: action === 'merge' ? duplicateOf.trim() : undefined,
            toAreaId: action === 'dispatch' && toAreaId ? toAreaId : undefined,
            toAssigneeId: sends && toAssigneeId ? toAssigneeId : undefined,
            urgency: sends && urgency !== detail.urgency ? urgency : undefined,
            until: action === 'extend' ? until : undefined,
            version: detail.version,
          },
        }),
      );
      onDone({ id: r.id, status: r.status, overdue: r.overdue });
    } catch (e) {
      setError(said(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="action-form" data-testid="action-form">
      <h3>{t(`action.${action}` as MessageKey)}</h3>
      {needsPhoto && <PhotoPicker photos={photos} onChange={setPhotos} testId="action-photo" />}
      {action === 'merge' && (
        <label>
          {t('mergeInto')}
          <input value={duplicateOf} onChange={(e) => setDuplicateOf(e.target.value)} placeholder="NJ-2026-000123" data-testid="merge-into" />
        </label>
      )}
      {action === 'dispatch' && (
        <label>
          {t('dispatchTo')}
          <select value={toAreaId} onChange={(e) => setToAreaId(e.target.value)} data-testid="dispatch-area">
            <option value="">—</option>
            {areas.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {sends && (
        <label>
          {t('dispatchPerson')}
          <select value={toAssigneeId} onChange={(e) => setToAssigneeId(e.target.value)} data-testid="dispatch-person">
            <option value="">{action === 'dispatch' ? t('dispatchPersonOfArea') : detail.assignee ? t('keepAssignee', { name: detail.assignee.displayName }) : t('dispatchPersonOfArea')}</option>
            {offered.map((p) => (
              <option key={p.id} value={p.id}>
                {p.displayName}
              </option>
            ))}
          </select>
        </label>
      )}
      {sends && (
        <fieldset className="urgency-choice" data-testid="urgency-choice">
          <legend>{t('urgency')}</legend>
          {(['normal', 'urgent'] as const).map((u) => (
            <label key={u} className="inline">
              <input type="radio" name="urgency" value={u} checked={urgency === u} onChange={() => setUrgency(u)} data-testid={`urgency-${u}`} />
              {t(`urgency.${u}`)}
            </label>
          ))}
        </fieldset>
      )}
      {action === 'extend' && (
        <label>
          {t('extendUntil')}
          <input type="date" value={until} min={new Date().toISOString().slice(0, 10)} onChange={(e) => setUntil(e.target.value)} data-testid="extend-until" />
        </label>
      )}
      <label>
        {action === 'reject' ? t('rejectReason') : needsReason ? t('stepReason') : t('actionNote')}
        <textarea rows={2} maxLength={NOTE_MAX} value={note} onChange={(e) => setNote(e.target.value)} data-testid="action-note" />
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="row">
        <button type="button" onClick={onCancel} disabled={busy}>
          {t('cancel')}
        </button>
        <button
          type="button"
          className="primary"
          onClick={submit}
          disabled={busy || (needsPhoto && photos.length === 0) || (needsReason && !note.trim()) || (action === 'dispatch' && !toAreaId && !toAssigneeId) || (action === 'extend' && !until)}
          data-testid="action-submit"
        >
          {t('confirm')}
        </button>
      </div>
    </div>
  );
}

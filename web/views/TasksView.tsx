import { REFERENCE_URLS, registerOffline } from '../offline/register.ts';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, unwrap, type TaskItem } from '../api.ts';
import { LiteMap, type Marker } from '../map/LiteMap.tsx';
import type { Position } from '../../server/domain/geo.ts';
import { useI18n } from '../i18n/index.tsx';
import { useSession } from '../session.tsx';
import { ReportDetail } from '../components/ReportDetail.tsx';
import type { ReferenceData } from './ReviewView.tsx';
import { groupTasks, isDueSoon, TASK_GROUPS, type TaskGroup } from '../../server/domain/task-order.ts';
import { useOutbox } from '../offline/useOutbox.ts';
import { OutboxList } from '../components/OutboxList.tsx';
import { withTimeLimit } from '../offline/transport.ts';
import type { MessageKey } from '../i18n/zh-CN.ts';
import { RectifyForm } from './tasks/RectifyForm.tsx';

const GROUP_TITLES: Record<TaskGroup, MessageKey> = { urgent: 'tasksUrgent', later: 'tasksLater', backlog: 'tasksBacklog', waiting: 'tasksWaiting' };

/**
 * A cleaner's (or unit's) own open items on a small map, in the order the day's work goes (due today first, the
 * backlog after, rectified items waiting for verification last), each one a tap from the rectify-with-photo form.
 * The list opens offline after one visit, and a rectification goes into the phone's outbox like a report.
 */
export function TasksView({ data }: { data: ReferenceData }) {
  const { t, name, formatTime, said } = useI18n();
  const { user, signOut } = useSession();
  const outbox = useOutbox(user.id);
  const [items, setItems] = useState<TaskItem[] | null>(null);
  const [rectifying, setRectifying] = useState<TaskItem | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [selected, setSelected] = useState<string | null>(null);
  /** The item whose full detail (photos, history) is open: needs the network. */
  const [detailOf, setDetailOf] = useState<string | null>(null);

  const load = useCallback(() => {
    // with a time limit: on a stalled line the service worker's copy answers within seconds
    withTimeLimit('/api/tasks', (signal) => unwrap(api.tasks.$get({}, { init: { signal } })))
      .then((r) => setItems(r.items))
      .catch((e: unknown) => setError(e));
  }, []);
  useEffect(load, [load]);
  // a rectification the outbox has delivered moves its item to "waiting for verification": read the list again
  // (only those delivered since the view opened: the week's earlier ones must not read the list a second time)
  const [openedAt] = useState(() => new Date().toISOString());
  const delivered = outbox.items.filter((i) => i.kind === 'rectify' && i.state === 'sent' && (i.sentAt ?? '') > openedAt).length;
  useEffect(() => {
    if (delivered > 0) load();
  }, [delivered, load]);
  // After one visit the tasks open with no signal: the shell, the reference data and the list are kept.
  useEffect(() => void registerOffline(['/tasks', '/api/tasks', ...REFERENCE_URLS]), []);

  const categories = useMemo(() => new Map(data.categories.map((c) => [c.code, c])), [data.categories]);
  const groups = useMemo(() => groupTasks(items ?? [], new Date(), data.township.timezone), [items, data.township.timezone]);
  /** Items with a rectification still in the outbox: shown as done on this phone, not offered again. */
  const queued = useMemo(() => new Set(outbox.items.filter((i) => i.kind === 'rectify' && i.state !== 'sent' && i.state !== 'failed').map((i) => i.targetId)), [outbox.items]);
  const placeOf = (i: TaskItem) => [i.zone ? name(i.zone) : null, i.village ? name(i.village) : null].filter(Boolean).join(' · ');
  const myArea = data.areas.features.find((f) => f.properties.id === user.areaId);
  // The map is the small SVG one the field view uses (the township's own data, no map library): the list is what a
  // cleaner needs first on a weak signal, the map shows where the items are.
  const markers = useMemo<Marker[]>(
    () => (items ?? []).map((i) => ({ id: i.id, at: [i.lon, i.lat] as Position, color: categories.get(i.category)?.color ?? '#888', late: i.overdue, selected: i.id === selected })),
    [items, categories, selected],
  );
  const focus = useMemo<Position | null>(() => {
    const chosen = items?.find((i) => i.id === selected);
    return chosen ? [chosen.lon, chosen.lat] : null;
  }, [items, selected]);
  // all of the person's items in view when the list arrives
  const fit = useMemo(() => {
    if (!items?.length) return null;
    const xs = items.map((i) => i.lon);
    const ys = items.map((i) => i.lat);
    return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)] as const;
  }, [items]);

  return (
    <div className="tasks">
      <div className="tasks-map">
        <LiteMap township={data.township} areas={data.areas} basemap={data.basemap} fix={null} pin={null} markers={markers} onMarker={setSelected} focus={focus} fit={fit} />
      </div>
      <section className="tasks-list" data-testid="tasks">
        <h2>
          {t('tasksTitle')}
          {myArea && <span className="muted"> · {name(myArea.properties)}</span>}
        </h2>
        {error != null && <p className="error">{t('loadFailed', { msg: said(error) })}</p>}
        {items && items.length === 0 && <p>{t('noTasks')}</p>}
        {saved && (
          <p className="toast-inline" role="status" data-testid="tasks-saved">
            {saved}
          </p>
        )}
        {TASK_GROUPS.filter((g) => groups[g].length > 0).map((g) => (
          <section key={g} className={`task-group task-group-${g}`} data-testid={`task-group-${g}`}>
            <h3>
              {t(GROUP_TITLES[g])} <span className="muted">{groups[g].length}</span>
            </h3>
            <ul className="task-items">
              {groups[g].map((i) => {
                const c = categories.get(i.category);
                const isQueued = queued.has(i.id);
                return (
                  <li key={i.id}>
                    <button
                      type="button"
                      className={`task ${i.overdue ? 'late' : ''} ${selected === i.id ? 'selected' : ''}`}
                      onClick={() => setSelected(i.id)}
                      data-testid="task-item"
                      data-report-id={i.id}
                    >
                      <span className="swatch dot" style={{ background: c?.color ?? '#888' }} />
                      <span className="task-main">
                        <strong>{c ? name(c) : i.category}</strong> <bdi>{i.description ?? ''}</bdi>
                        <small>
                          {i.caseNo && <span className="case-no">{i.caseNo}</span>} {placeOf(i)}
                        </small>
                      </span>
                      <span className="task-when">
                        {isQueued ? (
                          <b>{t('outbox.waiting')}</b>
                        ) : i.overdue ? (
                          <b className="error">{t('overdue')}</b>
                        ) : isDueSoon(i, Date.now()) ? (
                          <b className="due-soon" data-testid="due-soon">
                            {t('dueSoon')}
                          </b>
                        ) : (
                          t(`status.${i.status}` as MessageKey)
                        )}
                        {i.deadlineAt && <small>{t('deadlineIn', { time: formatTime(i.deadlineAt) })}</small>}
                      </span>
                    </button>
                    {rectifying?.id === i.id && (
                      <RectifyForm
                        item={rectifying}
                        title={`${c ? name(c) : i.category}${i.description ? ` · ${i.description}` : ''}`}
                        userId={user.id}
                        placeLabel={placeOf(rectifying)}
                        onCancel={() => setRectifying(null)}
                        onQueued={() => {
                          setRectifying(null);
                          setSelected(null);
                          setSaved(t('rectifyQueued'));
                          outbox.refresh();
                          if (navigator.onLine) outbox.sync();
                        }}
                      />
                    )}
                    {selected === i.id && !rectifying && (
                      <div className="row task-actions">
                        <button type="button" onClick={() => setDetailOf(i.id)} data-testid="task-details">
                          {t('taskDetails')}
                        </button>
                        {i.status === 'notified' && !isQueued && (
                          <button type="button" className="primary big" onClick={() => setRectifying(i)} data-testid="task-rectify">
                            {t('rectifyHere')}
                          </button>
                        )}
                      </div>
                    )}
                  </li>
                );
              })}
            </ul>
          </section>
        ))}
        <OutboxList items={outbox.items.filter((i) => i.kind === 'rectify')} categories={data.categories} onChanged={outbox.refresh} onSync={() => outbox.sync(true)} onSignIn={signOut} />
      </section>
      {detailOf && (
        <ReportDetail
          id={detailOf}
          categories={data.categories}
          onClose={() => setDetailOf(null)}
          onChanged={() => load()}
          onRectify={() => {
            const item = items?.find((x) => x.id === detailOf);
            if (item) setRectifying(item);
            setDetailOf(null);
          }}
        />
      )}
    </div>
  );
}

import { useEffect, useMemo, useState } from 'react';
import { api, unwrap, type Accountability, type LedgerResponse } from '../api.ts';
import { useI18n } from '../i18n/index.tsx';
import { useSession } from '../session.tsx';
import type { MessageKey } from '../i18n/zh-CN.ts';
import { ReportDetail } from '../components/ReportDetail.tsx';
import { RatesTable } from './ledger/RatesTable.tsx';
import type { ReferenceData } from './ReviewView.tsx';
import { localDate } from '../../server/domain/calendar.ts';
import { REPORT_STATUSES } from '../../server/domain/reports.ts';

const PAGE = 200;

/** The office's ledger (台账) of every item, overdue first if asked, and the month's accountability table. */
export function LedgerView({ data }: { data: ReferenceData }) {
  const { t } = useI18n();
  const [tab, setTab] = useState<'ledger' | 'accountability' | 'rates'>('ledger');
  return (
    <div className="ledger">
      <div className="tabs" role="tablist">
        {(['ledger', 'accountability', 'rates'] as const).map((k) => (
          <button key={k} type="button" role="tab" aria-selected={tab === k} className={tab === k ? 'selected' : ''} onClick={() => setTab(k)} data-testid={`tab-${k}`}>
            {t(k)}
          </button>
        ))}
      </div>
      {tab === 'ledger' ? <LedgerTable data={data} /> : tab === 'rates' ? <RatesTable timezone={data.township.timezone} /> : <AccountabilityTable timezone={data.township.timezone} />}
    </div>
  );
}

type Sort = 'observed' | 'deadline' | 'case' | 'category' | 'zone' | 'responsible' | 'status' | 'photos';

/** How late an item is, in days and hours ("逾期1天5小时", "逾期13小时"). */
export function lateness(t: ReturnType<typeof useI18n>['t'], hours: number): string {
  const d = Math.floor(hours / 24);
  return d > 0 ? t('overdueDaysHours', { d, h: hours % 24 }) : t('overdueHours', { h: hours });
}

function LedgerTable({ data }: { data: ReferenceData }) {
  const { t, name, formatTime, said } = useI18n();
  const [status, setStatus] = useState('');
  const [category, setCategory] = useState('');
  const [overdueOnly, setOverdueOnly] = useState(false);
  const [dueSoonOnly, setDueSoonOnly] = useState(false);
  const [urgentOnly, setUrgentOnly] = useState(false);
  const [typed, setTyped] = useState('');
  const [q, setQ] = useState('');
  // sorted by deadline, the longest overdue come first
  const [sort, setSort] = useState<{ by: Sort; dir?: 'asc' | 'desc' }>({ by: 'observed' });
  const [limit, setLimit] = useState(PAGE);
  const [result, setResult] = useState<LedgerResponse | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  // rows ticked for a bulk action, and what the last one did
  const [ticked, setTicked] = useState<Set<string>>(new Set());
  const [bulkSaid, setBulkSaid] = useState<string | null>(null);
  const [bulkBusy, setBulkBusy] = useState(false);
  const categories = useMemo(() => new Map(data.categories.map((c) => [c.code, c])), [data.categories]);
  const tick = (id: string, on: boolean) =>
    setTicked((s) => {
      const next = new Set(s);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const bulk = async (action: 'notify' | 'urge') => {
    setBulkBusy(true);
    setBulkSaid(null);
    try {
      const r = await unwrap(api.reports['bulk-transitions'].$post({ json: { ids: [...ticked], action } }));
      setBulkSaid(t('bulkDone', { done: r.done, refused: r.refused }));
      setTicked(new Set());
      setReload((n) => n + 1);
    } catch (e) {
      setBulkSaid(said(e));
    } finally {
      setBulkBusy(false);
    }
  };
  const role = useSession().user.role;
  const mayBulk = role === 'office' || role === 'admin';
  // what the screen shows is what every file holds: the same query for the list, its CSV and the exports
  const query = useMemo(() => {
    const out: Record<string, string> = { sort: sort.by };
    if (sort.dir) out.dir = sort.dir;
    if (status) out.status = status;
    if (category) out.category = category;
    if (overdueOnly) out.overdue = '1';
    if (dueSoonOnly) out.dueSoon = '1';
    if (urgentOnly) out.urgency = 'urgent';
    if (q) out.q = q;
    return out;
  }, [status, category, overdueOnly, dueSoonOnly, urgentOnly, q, sort]);

  useEffect(() => {
    let live = true;
    setError(null);
    unwrap(api.ledger.$get({ query: { ...query, limit: String(limit) } }))
      .then((r) => live && setResult(r))
      .catch((e: unknown) => live && setError(e));
    return () => {
      live = false;
    };
  }, [query, limit, reload, said]);

  const params = new URLSearchParams(query).toString();
  const sortBy = (by: Sort) =>
    setSort((s) => (s.by === by ? { by, dir: (s.dir ?? natural(by)) === 'asc' ? 'desc' : 'asc' } : { by }));
  const header = (by: Sort, label: MessageKey) => {
    const on = sort.by === by;
    const dir = sort.dir ?? natural(by);
    return (
      <th className="sortable" aria-sort={on ? (dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
        <button type="button" onClick={() => sortBy(by)} data-testid={`sort-${by}`} title={on ? t(dir === 'asc' ? 'sortAsc' : 'sortDesc') : t('sortBy')}>
          {t(label)}
          {on ? (dir === 'asc' ? ' ▲' : ' ▼') : ''}
        </button>
      </th>
    );
  };
  return (
    <section className="panel wide">
      <div className="toolbar">
        <form
          className="search-box"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            setLimit(PAGE);
            setQ(typed.trim());
          }}
        >
          <input
            type="search"
            value={typed}
            onChange={(e) => {
              setTyped(e.target.value);
              if (!e.target.value) setQ('');
            }}
            placeholder={t('searchPlaceholder')}
            aria-label={t('search')}
            maxLength={100}
            data-testid="ledger-search"
          />
          <button type="submit">{t('search')}</button>
        </form>
        <select value={status} onChange={(e) => setStatus(e.target.value)} data-testid="ledger-status" aria-label={t('colStatus')}>
          <option value="">{t('allStatuses')}</option>
          {REPORT_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`status.${s}` as MessageKey)}
            </option>
          ))}
        </select>
        <select value={category} onChange={(e) => setCategory(e.target.value)} aria-label={t('colCategory')}>
          <option value="">{t('allCategories')}</option>
          {data.categories.map((c) => (
            <option key={c.code} value={c.code}>
              {name(c)}
            </option>
          ))}
        </select>
        <label className="check">
          <input
            type="checkbox"
            checked={overdueOnly}
            onChange={(e) => {
              setOverdueOnly(e.target.checked);
              // the overdue list reads best longest-late first
              if (e.target.checked) setSort({ by: 'deadline' });
            }}
            data-testid="ledger-overdue"
          />
          {t('overdueOnly')}
        </label>
        <label className="check">
          <input type="checkbox" checked={dueSoonOnly} onChange={(e) => setDueSoonOnly(e.target.checked)} data-testid="ledger-due-soon" />
          {t('dueSoonOnly')}
        </label>
        <label className="check">
          <input type="checkbox" checked={urgentOnly} onChange={(e) => setUrgentOnly(e.target.checked)} data-testid="ledger-urgent" />
          {t('urgentOnly')}
        </label>
        <a className="button" href={`/api/ledger.csv?${params}`} download data-testid="ledger-csv">
          {t('exportCsv')}
        </a>
        <span className="export" data-testid="export-links">
          {t('exportAs')}:{' '}
          {(['geojson', 'csv', 'xlsx'] as const).map((f) => (
            <a key={f} className="button" href={`/api/export/reports.${f}?${params}`} download data-testid={`export-${f}`}>
              {{ geojson: 'GeoJSON', csv: 'CSV', xlsx: 'Excel' }[f]}
            </a>
          ))}
        </span>
        {result && (
          <span className="muted" data-testid="ledger-total" data-total={result.total}>
            {t('rowsTotal', { n: result.total, shown: result.rows.length })}
          </span>
        )}
      </div>
      {error != null && <p className="error">{t('loadFailed', { msg: said(error) })}</p>}
      {mayBulk && (ticked.size > 0 || bulkSaid) && (
        <div className="toolbar bulk" data-testid="ledger-bulk">
          {ticked.size > 0 && (
            <>
              <span>{t('bulkTicked', { n: ticked.size })}</span>
              <button type="button" disabled={bulkBusy} onClick={() => void bulk('notify')} data-testid="bulk-notify">
                {t('bulkNotify')}
              </button>
              <button type="button" disabled={bulkBusy} onClick={() => void bulk('urge')} data-testid="bulk-urge">
                {t('bulkUrge')}
              </button>
            </>
          )}
          {bulkSaid && (
            <span role="status" data-testid="bulk-said">
              {bulkSaid}
            </span>
          )}
        </div>
      )}
      <div className="table-wrap">
        <table data-testid="ledger-table">
          <thead>
            <tr>
              {mayBulk && (
                <th>
                  <input
                    type="checkbox"
                    aria-label={t('bulkAll')}
                    checked={!!result?.rows.length && result.rows.every((r) => ticked.has(r.id))}
                    onChange={(e) => setTicked(e.target.checked ? new Set(result?.rows.map((r) => r.id) ?? []) : new Set())}
                    data-testid="tick-all"
                  />
                </th>
              )}
              {header('case', 'caseNo')}
              {header('observed', 'colObserved')}
              {header('category', 'colCategory')}
              {header('zone', 'colPlace')}
              {header('responsible', 'colResponsible')}
              {header('deadline', 'colDeadline')}
              {header('status', 'colStatus')}
              <th>{t('colDays')}</th>
              {header('photos', 'colPhotos')}
            </tr>
          </thead>
          <tbody>
            {(result?.rows ?? []).map((r) => {
              const c = categories.get(r.category);
              return (
                <tr key={r.id} className={r.overdue ? 'late' : ''} onClick={() => setSelected(r.id)} data-testid="ledger-row" data-report-id={r.id}>
                  {mayBulk && (
                    <td onClick={(e) => e.stopPropagation()}>
                      <input type="checkbox" aria-label={r.caseNo ?? r.id} checked={ticked.has(r.id)} onChange={(e) => tick(r.id, e.target.checked)} data-testid="tick" />
                    </td>
                  )}
                  <td className="case-no">
                    {r.caseNo}
                    {r.urgency === 'urgent' && (
                      <span className="urgent-mark" data-testid="urgent-mark">
                        {t('urgency.urgent')}
                      </span>
                    )}
                  </td>
                  <td>{formatTime(r.observedAt)}</td>
                  <td>
                    <span className="swatch dot" style={{ background: c?.color ?? '#888' }} />
                    {c ? name(c) : r.category}
                  </td>
                  <td>{[r.zone ? name(r.zone) : null, r.village ? name(r.village) : null].filter(Boolean).join(' · ')}</td>
                  <td>
                    <bdi>{r.assignee?.displayName ?? (r.responsibleArea ? name(r.responsibleArea) : '—')}</bdi>
                  </td>
                  <td>{formatTime(r.deadlineAt)}</td>
                  <td data-testid="ledger-state">
                    {r.overdue ? (
                      <b className="error late-time">{lateness(t, r.hoursOverdue)}</b>
                    ) : (
                      <>
                        {t(`status.${r.status}` as MessageKey)}
                        {r.dueSoon && (
                          <>
                            {' '}
                            <span className="due-soon" data-testid="due-soon">
                              {t('dueSoon')}
                            </span>
                          </>
                        )}
                      </>
                    )}
                  </td>
                  <td>{r.daysOpen}</td>
                  <td>{r.photoCount || ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {result?.truncated && (
        <button type="button" onClick={() => setLimit((n) => n + PAGE)}>
          {t('more')}
        </button>
      )}
      {selected && (
        <ReportDetail id={selected} categories={data.categories} onClose={() => setSelected(null)} onChanged={() => setReload((n) => n + 1)} />
      )}
    </section>
  );
}

const natural = (by: Sort): 'asc' | 'desc' => (by === 'observed' || by === 'photos' ? 'desc' : 'asc');

function AccountabilityTable({ timezone }: { timezone: string }) {
  const { t, name, said } = useI18n();
  const [month, setMonth] = useState(localDate(Date.now(), timezone).slice(0, 7));
  const [by, setBy] = useState<'area' | 'person'>('area');
  const [result, setResult] = useState<Accountability | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    setError(null);
    unwrap(api.accountability.$get({ query: { month } }))
      .then((r) => live && setResult(r))
      .catch((e: unknown) => live && setError(e));
    return () => {
      live = false;
    };
  }, [month]);
  return (
    <section className="panel wide">
      <div className="toolbar">
        <label>
          {t('month')} <input type="month" value={month} onChange={(e) => e.target.value && setMonth(e.target.value)} data-testid="acc-month" />
        </label>
        <div className="segmented">
          {(['area', 'person'] as const).map((k) => (
            <button key={k} type="button" className={by === k ? 'selected' : ''} onClick={() => setBy(k)}>
              {t(k === 'area' ? 'byArea' : 'byPerson')}
            </button>
          ))}
        </div>
        <a className="button" href={`/api/accountability.csv?month=${month}`} download>
          {t('exportCsv')}
        </a>
      </div>
      {error != null && <p className="error">{t('loadFailed', { msg: said(error) })}</p>}
      <div className="table-wrap">
        <table data-testid="accountability-table">
          <thead>
            <tr>
              <th>{by === 'area' ? t('colArea') : t('colPerson')}</th>
              <th>{by === 'area' ? t('colPerson') : t('colArea')}</th>
              <th>{t('colItems')}</th>
              <th>{t('colOverdue')}</th>
              <th>{t('colYuan')}</th>
              <th>{t('colScore')}</th>
            </tr>
          </thead>
          <tbody>
            {by === 'area'
              ? (result?.areas ?? []).map((r) => (
                  <tr key={r.area.id} data-testid="acc-row">
                    <td>{name(r.area)}</td>
                    <td>{r.person ?? '—'}</td>
                    <td>{r.items}</td>
                    <td>{r.overdue}</td>
                    <td>{r.deductionYuan}</td>
                    <td className={r.score < 90 ? 'error' : ''}>{r.score}</td>
                  </tr>
                ))
              : (result?.people ?? []).map((r) => (
                  <tr key={r.person.id}>
                    <td>
                    <bdi>{r.person.displayName}</bdi>
                  </td>
                    <td>{r.area ?? '—'}</td>
                    <td>{r.items}</td>
                    <td>{r.overdue}</td>
                    <td>{r.deductionYuan}</td>
                    <td className={r.score < 90 ? 'error' : ''}>{r.score}</td>
                  </tr>
                ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

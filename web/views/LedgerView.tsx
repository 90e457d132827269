import { useEffect, useMemo, useState } from 'react';
import { api, unwrap, type Accountability, type LedgerResponse } from '../api.ts';
import { useI18n } from '../i18n/index.tsx';
import type { MessageKey } from '../i18n/zh-CN.ts';
import { ReportDetail } from '../components/ReportDetail.tsx';
import type { ReferenceData } from './ReviewView.tsx';
import { localDate } from '../../server/domain/calendar.ts';
import { REPORT_STATUSES } from '../../server/domain/reports.ts';

const PAGE = 200;

/** The office's ledger (台账) of every item, overdue first if asked, and the month's accountability table. */
export function LedgerView({ data }: { data: ReferenceData }) {
  const { t } = useI18n();
  const [tab, setTab] = useState<'ledger' | 'accountability'>('ledger');
  return (
    <div className="ledger">
      <div className="tabs" role="tablist">
        {(['ledger', 'accountability'] as const).map((k) => (
          <button key={k} type="button" role="tab" aria-selected={tab === k} className={tab === k ? 'selected' : ''} onClick={() => setTab(k)} data-testid={`tab-${k}`}>
            {t(k)}
          </button>
        ))}
      </div>
      {tab === 'ledger' ? <LedgerTable data={data} /> : <AccountabilityTable timezone={data.township.timezone} />}
    </div>
  );
}

function LedgerTable({ data }: { data: ReferenceData }) {
  const { t, name, formatTime } = useI18n();
  const [status, setStatus] = useState('');
  const [category, setCategory] = useState('');
  const [overdueOnly, setOverdueOnly] = useState(false);
  const [sort, setSort] = useState<'observed' | 'deadline'>('observed');
  const [limit, setLimit] = useState(PAGE);
  const [result, setResult] = useState<LedgerResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  const categories = useMemo(() => new Map(data.categories.map((c) => [c.code, c])), [data.categories]);
  const query = useMemo(() => {
    const q: Record<string, string> = { sort };
    if (status) q.status = status;
    if (category) q.category = category;
    if (overdueOnly) q.overdue = '1';
    return q;
  }, [status, category, overdueOnly, sort]);

  useEffect(() => {
    let live = true;
    setError(null);
    unwrap(api.ledger.$get({ query: { ...query, limit: String(limit) } }))
      .then((r) => live && setResult(r))
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [query, limit, reload]);

  const csvHref = `/api/ledger.csv?${new URLSearchParams(query).toString()}`;
  // The export takes the map's filters (status and category here), not the ledger's sort or overdue switch.
  const exportQuery = Object.fromEntries(Object.entries(query).filter(([k]) => k === 'status' || k === 'category'));
  return (
    <section className="panel wide">
      <div className="toolbar">
        <select value={status} onChange={(e) => setStatus(e.target.value)} data-testid="ledger-status">
          <option value="">{t('allStatuses')}</option>
          {REPORT_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`status.${s}` as MessageKey)}
            </option>
          ))}
        </select>
        <select value={category} onChange={(e) => setCategory(e.target.value)}>
          <option value="">{t('allCategories')}</option>
          {data.categories.map((c) => (
            <option key={c.code} value={c.code}>
              {name(c)}
            </option>
          ))}
        </select>
        <label className="check">
          <input type="checkbox" checked={overdueOnly} onChange={(e) => setOverdueOnly(e.target.checked)} data-testid="ledger-overdue" />
          {t('overdueOnly')}
        </label>
        <select value={sort} onChange={(e) => setSort(e.target.value as 'observed' | 'deadline')} aria-label={t('sortBy')}>
          <option value="observed">{t('sortObserved')}</option>
          <option value="deadline">{t('sortDeadline')}</option>
        </select>
        <a className="button" href={csvHref} download data-testid="ledger-csv">
          {t('exportCsv')}
        </a>
        <span className="export" data-testid="export-links">
          {t('exportAs')}:{' '}
          {(['geojson', 'csv', 'xlsx'] as const).map((f) => (
            <a key={f} className="button" href={`/api/export/reports.${f}?${new URLSearchParams(exportQuery).toString()}`} download data-testid={`export-${f}`}>
              {{ geojson: 'GeoJSON', csv: 'CSV', xlsx: 'Excel' }[f]}
            </a>
          ))}
        </span>
        {result && <span className="muted">{t('rowsShown', { n: result.rows.length })}</span>}
      </div>
      {error && <p className="error">{t('loadFailed', { msg: error })}</p>}
      <div className="table-wrap">
        <table data-testid="ledger-table">
          <thead>
            <tr>
              <th>{t('colObserved')}</th>
              <th>{t('colCategory')}</th>
              <th>{t('colPlace')}</th>
              <th>{t('colResponsible')}</th>
              <th>{t('colDeadline')}</th>
              <th>{t('colStatus')}</th>
              <th>{t('colDays')}</th>
              <th>{t('colPhotos')}</th>
            </tr>
          </thead>
          <tbody>
            {(result?.rows ?? []).map((r) => {
              const c = categories.get(r.category);
              return (
                <tr key={r.id} className={r.overdue ? 'late' : ''} onClick={() => setSelected(r.id)} data-testid="ledger-row" data-report-id={r.id}>
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
                  <td>{r.overdue ? <b className="error">{t('overdueDays', { n: r.daysOverdue })}</b> : t(`status.${r.status}` as MessageKey)}</td>
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

function AccountabilityTable({ timezone }: { timezone: string }) {
  const { t, name } = useI18n();
  const [month, setMonth] = useState(localDate(Date.now(), timezone).slice(0, 7));
  const [by, setBy] = useState<'area' | 'person'>('area');
  const [result, setResult] = useState<Accountability | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setError(null);
    unwrap(api.accountability.$get({ query: { month } }))
      .then((r) => live && setResult(r))
      .catch((e: Error) => live && setError(e.message));
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
      {error && <p className="error">{t('loadFailed', { msg: error })}</p>}
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

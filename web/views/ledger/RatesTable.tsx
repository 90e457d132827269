import { useEffect, useState } from 'react';
import type { InferResponseType } from 'hono/client';
import { api, unwrap } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { localDate } from '../../../server/domain/calendar.ts';

type Rates = InferResponseType<typeof api.rates.$get, 200>;

/** The standard rates (结案率, 按期结案率, 返工率) with score and grade, per area, person or category. */
export function RatesTable({ timezone }: { timezone: string }) {
  const { t, lang, said } = useI18n();
  const today = localDate(Date.now(), timezone);
  const month = today.slice(0, 7);
  const quarter = `${today.slice(0, 4)}-Q${Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1}`;
  const [period, setPeriod] = useState(month);
  const [by, setBy] = useState<'area' | 'person' | 'category'>('area');
  const [result, setResult] = useState<Rates | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setError(null);
    unwrap(api.rates.$get({ query: { period, by } }))
      .then((r) => live && setResult(r))
      .catch((e: unknown) => live && setError(said(e)));
    return () => {
      live = false;
    };
  }, [period, by, said]);
  const pct = (v: number | null) => (v === null ? '—' : `${v.toFixed(2)}%`);
  const whole = { nameZh: t('ratesWholeTownship'), nameEn: t('ratesWholeTownship') };
  const row = (r: Rates['total'], label: string, total = false) => (
    <tr key={label} className={total ? 'total' : ''} data-testid={total ? 'rates-total' : 'rates-row'}>
      <td>
        <bdi>{label}</bdi>
      </td>
      <td>{r.due}</td>
      <td>{r.closed}</td>
      <td>{r.closedOnTime}</td>
      <td>{pct(r.closeRate)}</td>
      <td>{pct(r.onTimeRate)}</td>
      <td>{pct(r.reworkRate)}</td>
      <td>{r.score ?? '—'}</td>
      <td className={r.grade && 'DE'.includes(r.grade) ? 'error' : ''}>
        <b>{r.grade ?? '—'}</b>
      </td>
    </tr>
  );
  return (
    <section className="panel wide">
      <div className="toolbar">
        <select value={period} onChange={(e) => setPeriod(e.target.value)} aria-label={t('ratesPeriod')} data-testid="rates-period">
          <option value={month}>{t('ratesMonth', { p: month })}</option>
          <option value={quarter}>{t('ratesQuarter', { p: quarter })}</option>
          <option value={today.slice(0, 4)}>{t('ratesYear', { p: today.slice(0, 4) })}</option>
        </select>
        <div className="segmented">
          {(['area', 'person', 'category'] as const).map((k) => (
            <button key={k} type="button" className={by === k ? 'selected' : ''} onClick={() => setBy(k)} data-testid={`rates-by-${k}`}>
              {t(k === 'area' ? 'byArea' : k === 'person' ? 'byPerson' : 'byCategory')}
            </button>
          ))}
        </div>
      </div>
      {error && <p className="error">{t('loadFailed', { msg: error })}</p>}
      <p className="muted small">{t('ratesFormulas')}</p>
      {result && (
        <p className="muted small" data-testid="rates-weights">
          {t('ratesWeights', {
            close: share(result.evaluation.weights, 'close'),
            onTime: share(result.evaluation.weights, 'onTime'),
            rework: share(result.evaluation.weights, 'rework'),
          })}
        </p>
      )}
      <p className="report-links" data-testid="period-report-links">
        {t('periodReport')}:{' '}
        {(['html', 'pdf', 'xlsx'] as const).map((ext) => (
          <a key={ext} href={`/api/period-reports/${period}.${ext}`} target={ext === 'html' ? '_blank' : undefined} rel="noreferrer" download={ext === 'html' ? undefined : `report-${period}.${ext}`} data-testid={`period-report-${ext}`}>
            {ext === 'html' ? t('periodReportPage') : ext.toUpperCase()}
          </a>
        ))}
      </p>
      <div className="table-wrap">
        <table data-testid="rates-table">
          <thead>
            <tr>
              <th>{t(by === 'area' ? 'colArea' : by === 'person' ? 'colPerson' : 'colCategory')}</th>
              <th>{t('ratesDue')}</th>
              <th>{t('ratesClosed')}</th>
              <th>{t('ratesOnTime')}</th>
              <th>{t('ratesCloseRate')}</th>
              <th>{t('ratesOnTimeRate')}</th>
              <th>{t('ratesReworkRate')}</th>
              <th>{t('colScore')}</th>
              <th>{t('ratesGrade')}</th>
            </tr>
          </thead>
          <tbody>
            {result && row(result.total, t('ratesWholeTownship'), true)}
            {(result?.rows ?? []).map((r) => row(r, lang === 'en' ? r.name.nameEn : r.name.nameZh))}
          </tbody>
        </table>
      </div>
      {result && (
        <div className="rates-side">
          <SideTable
            title={t('inspectionTitle', { hours: result.inspection.verifyHours })}
            testId="inspection-table"
            headers={[t('colInspector'), t('inspectionDue'), t('inspectionOnTime'), t('inspectionRate')]}
            rows={[{ ...result.inspection.total, name: whole }, ...result.inspection.rows].map((r) => [lang === 'en' ? r.name.nameEn : r.name.nameZh, r.due, r.onTime, pct(r.onTimeRate)])}
          />
          <SideTable
            title={t('returnsTitle')}
            testId="returns-table"
            headers={[t('colArea'), t('returnsSent'), t('returnsReturned'), t('returnRate')]}
            rows={[{ ...result.dispatch.total, name: whole }, ...result.dispatch.rows].map((r) => [lang === 'en' ? r.name.nameEn : r.name.nameZh, r.sent, r.returned, pct(r.returnRate)])}
          />
        </div>
      )}
    </section>
  );
}

/** A weight as its share of the score, in percent. */
function share(w: { close: number; onTime: number; rework: number }, k: 'close' | 'onTime' | 'rework'): string {
  const sum = w.close + w.onTime + w.rework;
  return `${Math.round((w[k] / sum) * 1000) / 10}%`;
}

/** A small table beside the rates; its first row is the whole township. */
function SideTable({ title, testId, headers, rows }: { title: string; testId: string; headers: string[]; rows: (string | number)[][] }) {
  return (
    <div className="table-wrap">
      <h3>{title}</h3>
      <table data-testid={testId}>
        <thead>
          <tr>
            {headers.map((h) => (
              <th key={h}>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i} className={i === 0 ? 'total' : ''}>
              <td>
                <bdi>{r[0]}</bdi>
              </td>
              {r.slice(1).map((c, j) => (
                <td key={j}>{c}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

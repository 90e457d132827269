import { useState } from 'react';
import type { InferResponseType } from 'hono/client';
import { useI18n } from '../../i18n/index.tsx';
import { api, ApiFailure, unwrap } from '../../api.ts';
import { SetupUpload } from '../county/TownshipSetup.tsx';

type ReportImport = InferResponseType<typeof api.import.reports.$post, 200>;
type BoundaryImport = InferResponseType<typeof api.import.boundaries.$post, 200>;

/** Upload, check row by row, then import the whole file in one go. */
export function ImportTab() {
  const { t, said } = useI18n();
  const [what, setWhat] = useState<'reports' | 'boundaries' | 'basemap'>('reports');
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<ReportImport | BoundaryImport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const send = async (dryRun: boolean) => {
    if (!file) return;
    setBusy(true);
    setError(null);
    const args = { query: { dryRun: dryRun ? '1' : '0' }, form: { file } } as const;
    try {
      setResult(what === 'reports' ? await unwrap(api.import.reports.$post(args)) : await unwrap(api.import.boundaries.$post(args)));
    } catch (e) {
      // a refused file still says row by row what is wrong
      const details = e instanceof ApiFailure ? (e.details as ReportImport | BoundaryImport | undefined) : undefined;
      if (details) setResult(details);
      setError(said(e));
    } finally {
      setBusy(false);
    }
  };

  const problems = result ? ('errors' in result ? result.errors : result.rows.filter((r) => r.problems.length)) : [];
  const fileProblems = result && 'fileProblems' in result ? result.fileProblems : [];
  const clean = result !== null && problems.length === 0 && fileProblems.length === 0;
  return (
    <section className="panel wide">
      <div className="toolbar">
        <label>
          {t('importWhat')}{' '}
          <select value={what} onChange={(e) => { setWhat(e.target.value as 'reports' | 'boundaries' | 'basemap'); setResult(null); }} data-testid="import-what">
            <option value="reports">{t('importReports')}</option>
            <option value="boundaries">{t('importBoundaries')}</option>
            <option value="basemap">{t('importBasemap')}</option>
          </select>
        </label>
        {what === 'basemap' && <SetupUpload kind="basemap" onDone={() => {}} />}
        {what !== 'basemap' && (
          <>
        <input type="file" accept={what === 'reports' ? '.csv,.xlsx,.geojson,.json' : '.geojson,.json,.zip,.kml,.kmz,.topojson'} onChange={(e) => { setFile(e.target.files?.[0] ?? null); setResult(null); }} data-testid="import-file" />
        <button type="button" disabled={!file || busy} onClick={() => void send(true)} data-testid="import-check">
          {t('importCheck')}
        </button>
        <button type="button" className="primary" disabled={!clean || !result?.dryRun || busy} onClick={() => void send(false)} data-testid="import-run">
          {t('importRun')}
        </button>
          </>
        )}
      </div>
      {result && (
        <p data-testid="import-summary">
          {'errors' in result
            ? t('importSummaryReports', { total: result.total, imported: result.imported, already: result.alreadyThere, errors: result.errors.length })
            : t('importSummaryBoundaries', { total: result.total, inserted: result.inserted, updated: result.updated, errors: problems.length })}
          {!result.dryRun && !error && <strong> {t('importDone')}</strong>}
          {result.dryRun && !clean && <span className="error"> {t('importFixFirst')}</span>}
        </p>
      )}
      {error && <p className="error">{error}</p>}
      {fileProblems.length > 0 && (
        <>
          <h3>{t('importFileProblems')}</h3>
          <ul data-testid="import-file-problems">
            {fileProblems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </>
      )}
      {problems.length > 0 && (
        <div className="table-wrap">
          <table data-testid="import-problems">
            <thead>
              <tr>
                <th>{t('importLine')}</th>
                <th>{t('importProblems')}</th>
              </tr>
            </thead>
            <tbody>
              {problems.map((p) => (
                <tr key={p.line}>
                  <td>{p.line}</td>
                  <td className="wrap">{p.problems.join(' ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

import { useState } from 'react';
import { api, unwrap, ApiFailure, type TownshipAddReport } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';

// The county admin adds a township: upload its boundary file (a county-wide file is fine), pick the feature,
// name it, check, create. Nothing is stored until the check reads clean and the admin says create.

const CRS_CHOICES = ['', 'gcj02', 'EPSG:4490', 'EPSG:3857'] as const;

export function AddTownship({ onAdded }: { onAdded(code: string): void }) {
  const { t, said } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [draft, setDraft] = useState({ code: '', nameZh: '', nameEn: '', timezone: 'Asia/Shanghai', crs: '', pick: '', force: false });
  const [report, setReport] = useState<TownshipAddReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<string | null>(null);

  const send = async (dryRun: boolean, over: Partial<typeof draft> = {}) => {
    if (!file) return;
    const d = { ...draft, ...over };
    setBusy(true);
    setError(null);
    try {
      const form: Record<string, string | File> = { file, code: d.code, nameZh: d.nameZh, dryRun: dryRun ? '1' : '0' };
      for (const k of ['nameEn', 'timezone', 'crs', 'pick'] as const) if (d[k].trim()) form[k] = d[k].trim();
      if (d.force) form.force = '1';
      const r = await unwrap(api.county.townships.$post({ form: form as never }));
      setReport(r);
      if (!dryRun) {
        setCreated(d.code);
        onAdded(d.code);
      }
    } catch (e) {
      const f = e as ApiFailure;
      if (f.details && typeof f.details === 'object' && 'problems' in (f.details as object)) setReport(f.details as TownshipAddReport);
      setError(said(f));
    } finally {
      setBusy(false);
    }
  };

  const choose = (index: number, featureName: string | null) => {
    const over = { pick: `#${index}`, nameZh: draft.nameZh || featureName || '' };
    setDraft({ ...draft, ...over });
    void send(true, over);
  };
  const set = (k: keyof typeof draft) => (e: { target: { value: string } }) => {
    setDraft({ ...draft, [k]: e.target.value });
    setReport(null);
  };
  const clean = report !== null && report.problems.length === 0 && report.township !== null;

  return (
    <section className="panel wide" data-testid="add-township">
      <h2>{t('countyAddTitle')}</h2>
      <p className="hint-text">{t('countyAddHint')}</p>
      <div className="form-grid">
        <label>
          {t('countyFile')}
          <input type="file" accept=".geojson,.json,.zip,.kml,.kmz,.topojson" onChange={(e) => { setFile(e.target.files?.[0] ?? null); setReport(null); setCreated(null); }} data-testid="township-file" />
        </label>
        <label>
          {t('countyCode')}
          <input value={draft.code} onChange={set('code')} placeholder="dongcheng" data-testid="township-code" />
        </label>
        <label>
          {t('countyNameZh')}
          <input value={draft.nameZh} onChange={set('nameZh')} data-testid="township-name-zh" />
        </label>
        <label>
          {t('countyNameEn')}
          <input value={draft.nameEn} onChange={set('nameEn')} data-testid="township-name-en" />
        </label>
        <label>
          {t('countyTimezone')}
          <input value={draft.timezone} onChange={set('timezone')} />
        </label>
        <label>
          {t('countyCrs')}
          <select value={draft.crs} onChange={set('crs')} data-testid="township-crs">
            {CRS_CHOICES.map((c) => (
              <option key={c} value={c}>
                {c === '' ? t('countyCrsAuto') : c === 'gcj02' ? t('countyCrsGcj') : c}
              </option>
            ))}
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={draft.force} onChange={(e) => setDraft({ ...draft, force: e.target.checked })} />
          {t('countyForce')}
        </label>
      </div>
      <div className="toolbar">
        <button type="button" disabled={!file || !draft.code || busy} onClick={() => void send(true)} data-testid="township-check">
          {t('importCheck')}
        </button>
        <button type="button" className="primary" disabled={!clean || busy} onClick={() => void send(false)} data-testid="township-create">
          {t('countyCreate')}
        </button>
      </div>
      {error && (
        <p className="error" role="alert">
          {said(error)}
        </p>
      )}
      {report && (
        <div data-testid="township-report">
          <p>
            {t('countyFileRead', { format: report.file.format, crs: report.file.crs })}
            {report.file.encoding ? ` · ${report.file.encoding}` : ''}
          </p>
          {report.file.notes.map((n) => (
            <p key={n} className="hint-text">
              {said(n)}
            </p>
          ))}
          {report.problems.length > 0 && (
            <ul className="problems" data-testid="township-problems">
              {report.problems.map((p) => (
                <li key={p} className="error">
                  {said(p)}
                </li>
              ))}
            </ul>
          )}
          {report.township && (
            <p data-testid="township-summary">
              {t('countySummary', { name: report.township.nameZh, code: report.township.code, km2: report.township.areaKm2 })}
              {created && <strong> {t('countyCreated')}</strong>}
            </p>
          )}
          {report.features.length > 1 && (
            <div className="table-wrap features">
              <table data-testid="township-features">
                <thead>
                  <tr>
                    <th>#</th>
                    <th>{t('countyFeatureName')}</th>
                    <th className="num">km²</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {report.features.map((f) => (
                    <tr key={f.index} className={report.picked?.index === f.index ? 'selected' : ''}>
                      <td>{f.index}</td>
                      <td>{f.name ?? '—'}</td>
                      <td className="num">{f.areaKm2 ?? '—'}</td>
                      <td>
                        <button type="button" disabled={busy} onClick={() => choose(f.index, f.name)} data-testid={`township-pick-${f.index}`}>
                          {report.picked?.index === f.index ? t('countyPicked') : t('countyPick')}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      )}
    </section>
  );
}

import { useState } from 'react';
import { api, unwrap, ApiFailure, type CountyTownship } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { passwordRuleProblems } from '../../../server/domain/password-rules.ts';

// Setting one township up from the county: its zones and villages, its basemap (an OSM extract), its first admin.
// Each upload is checked first and stored only when the admin says so.

type Kind = 'boundaries' | 'basemap';

/** Check, then import, a township's boundaries or basemap; for the county, in the township given. */
export function SetupUpload({ township, kind, onDone }: { township?: CountyTownship; kind: Kind; onDone(): void }) {
  const { t, said } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [summary, setSummary] = useState<{ text: string; ok: boolean; lines: string[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  const send = async (dryRun: boolean) => {
    if (!file) return;
    setBusy(true);
    setDone(false);
    try {
      // The imports work in the township the county person is looking at.
      if (township) await unwrap(api.county.viewing.$put({ json: { code: township.code } }));
      const query = { dryRun: dryRun ? '1' : '0' } as const;
      if (kind === 'boundaries') {
        const r = await unwrap(api.import.boundaries.$post({ query, form: { file } }));
        const bad = r.rows.filter((x) => x.problems.length);
        setSummary({
          ok: bad.length === 0 && r.fileProblems.length === 0,
          text: `${t('importSummaryBoundaries', { total: r.total, inserted: r.inserted, updated: r.updated, errors: bad.length })} · ${r.crs}`,
          lines: [...r.notes, ...r.fileProblems, ...bad.map((x) => `${x.line} ${x.nameZh ?? ''}: ${x.problems.join(' ')}`), ...r.rows.flatMap((x) => x.changes.map((c) => `${x.nameZh}: ${c.field} ${c.from ?? '—'} → ${c.to ?? '—'}`))],
        });
      } else {
        const r = await unwrap(api.import.basemap.$post({ query, form: { file } }));
        const kinds = Object.entries(r.counts).map(([layer, k]) => `${t(`basemapLayer.${layer}` as never)} ${Object.values(k).reduce((a, b) => a + b, 0)}`);
        setSummary({ ok: true, text: t('basemapSummary', { total: r.total, read: r.read, unnamed: r.unnamedRoads, replaced: r.replaced }), lines: kinds });
      }
      if (!dryRun) {
        setDone(true);
        onDone();
      }
    } catch (e) {
      const f = e as ApiFailure;
      const rows = (f.details as { rows?: Array<{ line: number; problems: string[] }>; fileProblems?: string[] } | undefined) ?? {};
      setSummary({ ok: false, text: said(f), lines: [...(rows.fileProblems ?? []), ...(rows.rows ?? []).filter((x) => x.problems.length).map((x) => `${x.line}: ${x.problems.join(' ')}`)] });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="setup-step" data-testid={`setup-${kind}`}>
      <h3>{kind === 'boundaries' ? t('countySetupAreas') : t('countySetupBasemap')}</h3>
      <div className="toolbar">
        <input type="file" accept={kind === 'boundaries' ? '.geojson,.json,.zip,.kml,.kmz,.topojson' : '.pbf,.osm,.geojson,.json'} onChange={(e) => { setFile(e.target.files?.[0] ?? null); setSummary(null); }} data-testid={`setup-${kind}-file`} />
        <button type="button" disabled={!file || busy} onClick={() => void send(true)} data-testid={`setup-${kind}-check`}>
          {t('importCheck')}
        </button>
        <button type="button" className="primary" disabled={!summary?.ok || busy || done} onClick={() => void send(false)} data-testid={`setup-${kind}-run`}>
          {t('importRun')}
        </button>
      </div>
      {summary && (
        <div data-testid={`setup-${kind}-summary`}>
          <p className={summary.ok ? '' : 'error'}>
            {summary.text}
            {done && <strong> {t('importDone')}</strong>}
          </p>
          {summary.lines.length > 0 && (
            <ul className="problems">
              {summary.lines.slice(0, 30).map((l, i) => (
                <li key={i}>{said(l)}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}

function FirstAdmin({ township }: { township: CountyTownship }) {
  const { t, said, lang } = useI18n();
  const [draft, setDraft] = useState({ username: '', displayName: '', password: '' });
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const send = async () => {
    setBusy(true);
    try {
      const r = await unwrap(api.county.townships[':code'].people.$post({ param: { code: township.code }, json: { ...draft, role: 'admin' } }));
      setMessage({ ok: true, text: t('countyAdminCreated', { username: r.username }) });
      setDraft({ username: '', displayName: '', password: '' });
    } catch (e) {
      // The form keeps what was typed, so a refused password or name can be corrected.
      setMessage({ ok: false, text: said(e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="setup-step" data-testid="setup-admin">
      <h3>{t('countySetupAdmin')}</h3>
      <div className="form-grid">
        <label>
          {t('username')}
          <input value={draft.username} onChange={(e) => setDraft({ ...draft, username: e.target.value })} autoComplete="off" data-testid="setup-admin-username" />
        </label>
        <label>
          {t('displayName')}
          <input value={draft.displayName} onChange={(e) => setDraft({ ...draft, displayName: e.target.value })} data-testid="setup-admin-name" />
        </label>
        <label>
          {t('password')}
          <input type="password" value={draft.password} onChange={(e) => setDraft({ ...draft, password: e.target.value })} autoComplete="new-password" data-testid="setup-admin-password" />
        </label>
        {draft.password && passwordRuleProblems(draft.password, draft.username).length > 0 && (
          <p className="hint-text" data-testid="setup-admin-password-rules">
            {passwordRuleProblems(draft.password, draft.username).map((p) => (lang === 'en' ? p.en : p.zh)).join(lang === 'en' ? '; ' : ';')}
          </p>
        )}
      </div>
      <button type="button" className="primary" disabled={busy || !draft.username || !draft.displayName || passwordRuleProblems(draft.password, draft.username).length > 0} onClick={() => void send()} data-testid="setup-admin-create">
        {t('countyCreateAdmin')}
      </button>
      {message && (
        <p className={message.ok ? '' : 'error'} role="status" data-testid="setup-admin-message">
          {message.text}
        </p>
      )}
    </div>
  );
}

export function TownshipSetup({ township, onChanged, onClose }: { township: CountyTownship; onChanged(): void; onClose(): void }) {
  const { t, name } = useI18n();
  return (
    <section className="panel wide" data-testid={`township-setup-${township.code}`}>
      <div className="row">
        <h2>{t('countySetupTitle', { name: name(township) })}</h2>
        <button type="button" className="link" onClick={onClose} aria-label={t('close')}>
          ✕
        </button>
      </div>
      <SetupUpload township={township} kind="boundaries" onDone={onChanged} />
      <SetupUpload township={township} kind="basemap" onDone={onChanged} />
      <FirstAdmin township={township} />
    </section>
  );
}

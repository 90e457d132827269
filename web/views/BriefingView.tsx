import { useEffect, useMemo, useState } from 'react';
import { api, unwrap } from '../api.ts';
import { useI18n } from '../i18n/index.tsx';
import { useSession } from '../session.tsx';
import type { ReferenceData } from './ReviewView.tsx';
import { lastWeeks } from '../components/WeekPlayer.tsx';

/** The weekly briefing: pick a week, read it as the page the leading group gets, download PDF/CSV/XLSX. */
export function BriefingView({ data }: { data: ReferenceData }) {
  const { t, said } = useI18n();
  const { user } = useSession();
  // Complete weeks only: the current one is not over yet.
  const weeks = useMemo(() => lastWeeks(Date.now() - 7 * 86_400_000, data.township.timezone, 12).reverse(), [data.township.timezone]);
  const [archive, setArchive] = useState<{ week: string; generatedAt: string }[]>([]);
  const [week, setWeek] = useState(weeks[0]!.label);
  const [version, setVersion] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    unwrap(api.briefings.$get())
      .then((r) => setArchive(r.briefings))
      .catch((e: unknown) => setError(e));
  }, [version]);

  const archived = new Map(archive.map((a) => [a.week, a.generatedAt]));
  const canRegenerate = user.role === 'office' || user.role === 'admin';
  const regenerate = async () => {
    setBusy(true);
    setError(null);
    try {
      await unwrap(api.briefings[':week'].regenerate.$post({ param: { week } }));
      setVersion((v) => v + 1);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="briefing">
      <div className="toolbar panel">
        <label>
          {t('briefingWeek')}{' '}
          <select value={week} onChange={(e) => setWeek(e.target.value)} data-testid="briefing-week">
            {weeks.map((w) => (
              <option key={w.label} value={w.label}>
                {w.label}({w.from.slice(5)}–{w.to.slice(5)}){archived.has(w.label) ? ' ✓' : ''}
              </option>
            ))}
          </select>
        </label>
        <a className="button" href={`/api/briefings/${week}.pdf`} data-testid="briefing-pdf">
          PDF
        </a>
        <a className="button" href={`/api/briefings/${week}.xlsx`}>
          Excel
        </a>
        <a className="button" href={`/api/briefings/${week}.csv`}>
          CSV
        </a>
        {canRegenerate && (
          <button type="button" onClick={regenerate} disabled={busy} data-testid="briefing-regenerate">
            {busy ? t('loading') : t('regenerate')}
          </button>
        )}
        {archived.has(week) && <span className="muted">{t('archivedAt', { time: new Date(archived.get(week)!).toLocaleString() })}</span>}
        {error != null && <span className="error">{said(error)}</span>}
      </div>
      <iframe key={`${week}-${version}`} title={week} src={`/api/briefings/${week}.html`} className="briefing-frame" data-testid="briefing-frame" />
    </div>
  );
}

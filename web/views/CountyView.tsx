import { useCallback, useEffect, useState } from 'react';
import { api, unwrap, ApiFailure, type CountyTownship } from '../api.ts';
import { useI18n } from '../i18n/index.tsx';
import { useSession } from '../session.tsx';
import { CountyMap } from '../map/CountyMap.tsx';
import { COUNTY_NONE, COUNTY_STEPS } from '../map/county-shade.ts';
import { AddTownship } from './county/AddTownship.tsx';
import { TownshipSetup } from './county/TownshipSetup.tsx';
import { SecondFactor } from '../components/SecondFactor.tsx';

// The county's start page: every township side by side (who is behind, whose overdue items pile up), a county
// map shaded by overdue items, and for the county admin, adding townships and setting them up.

export function CountyView({ onViewTownship, onTownshipsChanged }: { onViewTownship(code: string, path: string): Promise<void>; onTownshipsChanged(): void }) {
  const { t, name, said } = useI18n();
  const { user } = useSession();
  const admin = user.role === 'county_admin';
  const [townships, setTownships] = useState<CountyTownship[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [setup, setSetup] = useState<string | null>(null);

  const load = useCallback(() => {
    unwrap(api.county.townships.$get())
      .then((r) => {
        setTownships(r.townships);
        setError(null);
      })
      .catch((e: ApiFailure) => setError(e));
  }, []);
  useEffect(load, [load]);

  const percent = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
  return (
    <div className="county" data-testid="county-view">
      <section className="panel wide">
        <h2>{t('countyTitle')}</h2>
        {error != null && (
          <p className="error" role="alert">
            {t('loadFailed', { msg: said(error) })}{' '}
            <button type="button" className="link" onClick={load}>
              {t('retry')}
            </button>
          </p>
        )}
        {townships && townships.length === 0 && <p data-testid="county-empty">{admin ? t('countyEmptyAdmin') : t('countyEmpty')}</p>}
        {townships && townships.length > 0 && (
          <div className="county-grid">
            <div className="table-wrap">
              <table data-testid="county-table">
                <thead>
                  <tr>
                    <th>{t('countyTownship')}</th>
                    <th className="num">{t('countyOpen')}</th>
                    <th className="num">{t('countyOverdue')}</th>
                    <th className="num">{t('countyClosedWeek')}</th>
                    <th className="num" title={t('countyOnTimeHint')}>{t('countyOnTime')}</th>
                    <th>{t('countyOpenViews')}</th>
                  </tr>
                </thead>
                <tbody>
                  {townships.map((tw) => (
                    <tr key={tw.code} data-testid={`county-row-${tw.code}`}>
                      <td>{name(tw)}</td>
                      <td className="num" data-testid="county-open">{tw.open}</td>
                      <td className="num" data-testid="county-overdue">{tw.overdue}</td>
                      <td className="num">{tw.closedThisWeek}</td>
                      <td className="num">{percent(tw.onTimeRate)}</td>
                      <td className="row-actions">
                        <button type="button" onClick={() => void onViewTownship(tw.code, '/')} data-testid={`county-open-map-${tw.code}`}>
                          {t('navMap')}
                        </button>
                        <button type="button" onClick={() => void onViewTownship(tw.code, '/ledger')}>
                          {t('navLedger')}
                        </button>
                        <button type="button" onClick={() => void onViewTownship(tw.code, '/briefing')}>
                          {t('navBriefing')}
                        </button>
                        {admin && (
                          <button type="button" onClick={() => setSetup(setup === tw.code ? null : tw.code)} data-testid={`county-setup-${tw.code}`}>
                            {t('countySetup')}
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <figure className="county-figure">
              <CountyMap
                title={t('countyMapTitle')}
                townships={townships.map((tw) => ({ code: tw.code, label: name(tw), overdue: tw.overdue, boundary: tw.boundary }))}
                onOpen={(code) => void onViewTownship(code, '/')}
              />
              <figcaption className="legend-list county-legend">
                <span>{t('countyMapTitle')}:</span>
                <span>
                  <span className="swatch" style={{ background: COUNTY_NONE }} />
                  {t('countyNone')}
                </span>
                <span>
                  {COUNTY_STEPS.map((c) => (
                    <span key={c} className="swatch" style={{ background: c }} />
                  ))}
                  {t('countyMore')}
                </span>
              </figcaption>
            </figure>
          </div>
        )}
      </section>
      {admin && setup && townships?.some((tw) => tw.code === setup) && (
        <TownshipSetup township={townships.find((tw) => tw.code === setup)!} onChanged={load} onClose={() => setSetup(null)} />
      )}
      <SecondFactor />
      {admin && (
        <AddTownship
          onAdded={(code) => {
            load();
            setSetup(code);
            onTownshipsChanged();
          }}
        />
      )}
    </div>
  );
}

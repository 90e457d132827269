import { useEffect, useState } from 'react';
import { api, unwrap } from './api.ts';
import { useI18n } from './i18n/index.tsx';
import { ReviewView, type ReferenceData } from './views/ReviewView.tsx';

/** The shell: header, language switch, and the view for the current address. */
export function App() {
  const { t, lang, setLang, name } = useI18n();
  const [data, setData] = useState<ReferenceData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let live = true;
    setError(null);
    Promise.all([
      unwrap(api.township.$get()),
      unwrap(api.areas.$get({ query: {} })),
      unwrap(api.categories.$get()),
      unwrap(api.basemap.$get()),
    ])
      .then(([township, areas, categories, basemap]) => live && setData({ township, areas, categories, basemap }))
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [attempt]);

  useEffect(() => {
    document.title = data ? `${t('appTitle')} · ${name(data.township)}` : t('appTitle');
    document.documentElement.lang = lang;
  }, [data, lang, t, name]);

  return (
    <div className="app">
      <header className="topbar">
        <h1>
          {t('appTitle')}
          {data && <span className="township">{name(data.township)}</span>}
        </h1>
        <button
          type="button"
          className="lang"
          title={t('langSwitchTitle')}
          onClick={() => setLang(lang === 'en' ? 'zh-CN' : 'en')}
          data-testid="lang-switch"
        >
          {t('langSwitch')}
        </button>
      </header>
      <main>
        {error && (
          <div className="fatal" role="alert">
            <p>{t('loadFailed', { msg: error })}</p>
            <button type="button" onClick={() => setAttempt((n) => n + 1)}>
              {t('retry')}
            </button>
          </div>
        )}
        {!error && !data && <p className="fatal">{t('loading')}</p>}
        {data && <ReviewView data={data} />}
      </main>
    </div>
  );
}

import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { api, unwrap, type CountyTownship, type Me } from './api.ts';
import { useI18n } from './i18n/index.tsx';
import type { MessageKey } from './i18n/zh-CN.ts';
import { SessionContext, type Session } from './session.tsx';
import { LoginView } from './views/LoginView.tsx';
import { ChangePasswordView } from './views/ChangePasswordView.tsx';
import type { ReferenceData } from './views/ReviewView.tsx';

// Each view is its own chunk: a phone opening the field view never downloads the analysis map's deck.gl.
const ReviewView = lazy(() => import('./views/ReviewView.tsx').then((m) => ({ default: m.ReviewView })));
const TasksView = lazy(() => import('./views/TasksView.tsx').then((m) => ({ default: m.TasksView })));
const LedgerView = lazy(() => import('./views/LedgerView.tsx').then((m) => ({ default: m.LedgerView })));
const BriefingView = lazy(() => import('./views/BriefingView.tsx').then((m) => ({ default: m.BriefingView })));
const FieldView = lazy(() => import('./views/FieldView.tsx').then((m) => ({ default: m.FieldView })));
const AdminView = lazy(() => import('./views/AdminView.tsx').then((m) => ({ default: m.AdminView })));
const CountyView = lazy(() => import('./views/CountyView.tsx').then((m) => ({ default: m.CountyView })));

type ViewName = 'county' | 'map' | 'field' | 'tasks' | 'ledger' | 'briefing' | 'admin';
const PATHS: Record<ViewName, string> = { county: '/county', map: '/', field: '/field', tasks: '/tasks', ledger: '/ledger', briefing: '/briefing', admin: '/admin' };
const COUNTY = ['county_admin', 'county_leader'];
const NAV: { view: ViewName; label: MessageKey; roles: string[] }[] = [
  { view: 'county', label: 'navCounty', roles: COUNTY },
  { view: 'map', label: 'navMap', roles: ['admin', 'leader', 'office', 'inspector', 'cleaner', 'unit', ...COUNTY] },
  { view: 'field', label: 'navField', roles: ['admin', 'office', 'inspector', 'cleaner', 'unit'] },
  { view: 'tasks', label: 'navTasks', roles: ['admin', 'office', 'inspector', 'cleaner', 'unit'] },
  { view: 'ledger', label: 'navLedger', roles: ['admin', 'leader', 'office', 'inspector', ...COUNTY] },
  { view: 'briefing', label: 'navBriefing', roles: ['admin', 'leader', 'office', 'inspector', ...COUNTY] },
  { view: 'admin', label: 'navAdmin', roles: ['admin', 'office'] },
];

function viewOf(path: string): ViewName | null {
  return (Object.entries(PATHS).find(([, p]) => p === path)?.[0] as ViewName | undefined) ?? null;
}

/** The shell: sign-in, header with the views this role may open, language switch, and the current view. */
export function App() {
  const { t, lang, setLang, name, said } = useI18n();
  const [user, setUser] = useState<Me | null | undefined>(undefined);
  const [demo, setDemo] = useState(false);
  const [data, setData] = useState<ReferenceData | null>(null);
  // the failure itself, put in words when shown: in the language the user has chosen by then
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const [path, setPath] = useState(window.location.pathname);

  useEffect(() => {
    const onPop = () => setPath(window.location.pathname);
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  useEffect(() => {
    unwrap(api.health.$get())
      .then((h) => setDemo(h.demo))
      .catch(() => {});
    unwrap(api.auth.me.$get())
      .then((r) => setUser(r.user))
      .catch((e: unknown) => setError(e));
  }, []);

  // The county's people switch between townships; the list comes with each township's figures.
  const [townships, setTownships] = useState<CountyTownship[]>([]);
  useEffect(() => {
    if (!user?.county || user.mustChangePassword) return;
    unwrap(api.county.townships.$get())
      .then((r) => setTownships(r.townships))
      .catch(() => setTownships([]));
  }, [user, attempt]);

  useEffect(() => {
    // A county person before any township exists has only the county page; a password to change comes first.
    if (!user || user.mustChangePassword || (user.county && !user.townshipId)) return;
    let live = true;
    setError(null);
    setData(null);
    Promise.all([
      unwrap(api.township.$get()),
      unwrap(api.areas.$get({ query: {} })),
      unwrap(api.categories.$get()),
      unwrap(api.basemap.$get()),
    ])
      .then(([township, areas, categories, basemap]) => live && setData({ township, areas, categories, basemap }))
      .catch((e: unknown) => live && setError(e));
    return () => {
      live = false;
    };
  }, [user, attempt]);

  useEffect(() => {
    document.title = data ? `${t('appTitle')} · ${name(data.township)}` : t('appTitle');
    document.documentElement.lang = lang;
  }, [data, lang, t, name]);

  const navigate = useCallback((to: string) => {
    window.history.pushState(null, '', to);
    setPath(to);
  }, []);
  const signOut = useCallback(() => {
    // The service worker forgets the cached township data and items of this session.
    navigator.serviceWorker?.controller?.postMessage({ type: 'signed-out' });
    void unwrap(api.auth.logout.$post()).finally(() => {
      setUser(null);
      setData(null);
    });
  }, []);
  const session = useMemo<Session | null>(() => (user ? { user, signOut, navigate } : null), [user, signOut, navigate]);
  /** Looks at another township (county people): the session remembers it, every view then reads it. */
  const viewTownship = useCallback(
    async (code: string, to?: string) => {
      await unwrap(api.county.viewing.$put({ json: { code } }));
      const me = await unwrap(api.auth.me.$get());
      setUser(me.user);
      setAttempt((n) => n + 1);
      if (to) navigate(to);
    },
    [navigate],
  );
  /** After the county adds a township: who am I looking at now, and which townships are there. */
  const refreshMe = useCallback(async () => {
    setUser((await unwrap(api.auth.me.$get())).user);
    setAttempt((n) => n + 1);
  }, []);
  const view = viewOf(path);
  const nav = user ? NAV.filter((n) => n.roles.includes(user.role)) : [];
  const home: ViewName = user?.county ? 'county' : 'map';
  const allowedView = view && nav.some((n) => n.view === view) ? view : home;
  const needsTownship = allowedView !== 'county';
  const viewing = townships.find((tw) => tw.id === user?.townshipId);

  return (
    <div className="app">
      <header className="topbar">
        <h1>
          {t('appTitle')}
          {data && !user?.county && <span className="township">{name(data.township)}</span>}
        </h1>
        {user?.county && townships.length > 0 && (
          <select
            className="township-switch"
            aria-label={t('townshipSwitch')}
            title={t('townshipSwitch')}
            value={viewing?.code ?? ''}
            onChange={(e) => void viewTownship(e.target.value)}
            data-testid="township-switch"
          >
            {townships.map((tw) => (
              <option key={tw.code} value={tw.code}>
                {name(tw)}
              </option>
            ))}
          </select>
        )}
        {session && (
          <nav className="nav" data-testid="nav">
            {nav.map((n) => (
              <a
                key={n.view}
                href={PATHS[n.view]}
                className={n.view === allowedView ? 'active' : ''}
                onClick={(e) => {
                  e.preventDefault();
                  navigate(PATHS[n.view]);
                }}
                data-testid={`nav-${n.view}`}
              >
                {t(n.label)}
              </a>
            ))}
          </nav>
        )}
        <div className="topbar-right">
          {user && (
            <>
              <span className="who" data-testid="who">
                <bdi>{user.displayName}</bdi>
              </span>
              <button type="button" className="lang" onClick={signOut} data-testid="sign-out">
                {t('signOut')}
              </button>
            </>
          )}
          <button
            type="button"
            className="lang"
            title={t('langSwitchTitle')}
            onClick={() => setLang(lang === 'en' ? 'zh-CN' : 'en')}
            data-testid="lang-switch"
          >
            {t('langSwitch')}
          </button>
        </div>
      </header>
      <main>
        {error != null && (
          <div className="fatal" role="alert">
            <p>{t('loadFailed', { msg: said(error) })}</p>
            <button type="button" onClick={() => setAttempt((n) => n + 1)}>
              {t('retry')}
            </button>
          </div>
        )}
        {user === null && <LoginView onSignedIn={setUser} demo={demo} />}
        {user?.mustChangePassword && <ChangePasswordView user={user} onChanged={setUser} />}
        {user && !user.mustChangePassword && !error && !data && needsTownship && <p className="fatal">{t("loading")}</p>}
        {session && !user?.mustChangePassword && !needsTownship && (
          <SessionContext.Provider value={session}>
            <Suspense fallback={<p className="fatal">{t('loading')}</p>}>
              <CountyView onViewTownship={(code, to) => viewTownship(code, to)} onTownshipsChanged={() => void refreshMe()} />
            </Suspense>
          </SessionContext.Provider>
        )}
        {session && data && !user?.mustChangePassword && needsTownship && (
          <SessionContext.Provider value={session}>
            <Suspense fallback={<p className="fatal">{t('loading')}</p>}>
            {allowedView === 'map' && <ReviewView data={data} />}
            {allowedView === 'field' && <FieldView data={data} />}
            {allowedView === 'tasks' && <TasksView data={data} />}
            {allowedView === 'ledger' && <LedgerView data={data} />}
            {allowedView === 'briefing' && <BriefingView data={data} />}
            {allowedView === 'admin' && <AdminView data={data} />}
            </Suspense>
          </SessionContext.Provider>
        )}
      </main>
    </div>
  );
}

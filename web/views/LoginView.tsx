import { useState, type FormEvent } from 'react';
import { api, unwrap, ApiFailure, type Me } from '../api.ts';
import { useI18n } from '../i18n/index.tsx';

/** Sign-in: a user name and a password, and the authenticator's code for those who turned it on. */
export function LoginView({ onSignedIn, demo }: { onSignedIn(u: Me): void; demo: boolean }) {
  const { t, said } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [needsCode, setNeedsCode] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await unwrap(api.auth.login.$post({ json: { username: username.trim(), password, ...(needsCode && code.trim() ? { code: code.trim() } : {}) } }));
      onSignedIn(r.user);
    } catch (err) {
      const f = err as ApiFailure;
      if (f.code === 'second_factor_required') {
        setNeedsCode(true);
        setError(null);
      } else setError(said(f));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="panel login" onSubmit={submit} data-testid="login">
      <h2>{t('signIn')}</h2>
      <label>
        {t('username')}
        <input autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} data-testid="login-username" required />
      </label>
      <label>
        {t('password')}
        <input
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          data-testid="login-password"
          required
        />
      </label>
      {needsCode && (
        <label>
          {t('secondFactorCode')}
          <input inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} data-testid="login-code" required autoFocus />
        </label>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy} data-testid="login-submit">
        {busy ? t('signingIn') : t('signIn')}
      </button>
      {demo && <p className="hint-text">{t('demoAccounts')}</p>}
    </form>
  );
}

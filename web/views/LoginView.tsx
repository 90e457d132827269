import { useState, type FormEvent } from 'react';
import { api, unwrap, type Me } from '../api.ts';
import { useI18n } from '../i18n/index.tsx';

/** Sign-in: a user name and a password. */
export function LoginView({ onSignedIn, demo }: { onSignedIn(u: Me): void; demo: boolean }) {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await unwrap(api.auth.login.$post({ json: { username: username.trim(), password } }));
      onSignedIn(r.user);
    } catch (err) {
      setError((err as Error).message);
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

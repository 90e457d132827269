import { useState, type FormEvent } from 'react';
import { api, unwrap, ApiFailure, type Me } from '../api.ts';
import { useI18n } from '../i18n/index.tsx';
import { passwordRuleProblems } from '../../server/domain/password-rules.ts';

/** A new password, when an administrator asked for one: nothing else opens until it is chosen. */
export function ChangePasswordView({ user, onChanged }: { user: Me; onChanged(u: Me): void }) {
  const { t, said, lang } = useI18n();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const rules = next ? passwordRuleProblems(next, user.username) : [];
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      onChanged((await unwrap(api.auth.password.$post({ json: { current, next } }))).user);
    } catch (err) {
      setError(said(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="panel login" onSubmit={submit} data-testid="change-password">
      <h2>{t('changePasswordTitle')}</h2>
      <p className="hint-text">{t('changePasswordHint')}</p>
      <label>
        {t('changePasswordCurrent')}
        <input type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} data-testid="change-password-current" required />
      </label>
      <label>
        {t('changePasswordNext')}
        <input type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} data-testid="change-password-next" required />
      </label>
      {rules.length > 0 && <p className="hint-text">{rules.map((r) => (lang === 'en' ? r.en : r.zh)).join(lang === 'en' ? '; ' : ';')}</p>}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy || rules.length > 0 || !current} data-testid="change-password-submit">
        {t('changePasswordSubmit')}
      </button>
    </form>
  );
}

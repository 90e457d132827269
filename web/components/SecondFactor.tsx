import { useState } from 'react';
import { api, unwrap, ApiFailure } from '../api.ts';
import { useI18n } from '../i18n/index.tsx';

// Turning on the second factor: the key to type (or the otpauth address) into an authenticator app, one code from
// it to confirm, and the recovery codes, shown this once.

export function SecondFactor() {
  const { t, said } = useI18n();
  const [start, setStart] = useState<{ secret: string; uri: string } | null>(null);
  const [code, setCode] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const begin = () =>
    unwrap(api.auth['second-factor'].$post())
      .then((r) => {
        setStart(r);
        setError(null);
      })
      .catch((e: ApiFailure) => setError(said(e)));
  const confirm = () =>
    unwrap(api.auth['second-factor'].confirm.$post({ json: { secret: start!.secret, code: code.trim() } }))
      .then((r) => {
        setCodes(r.recoveryCodes);
        setError(null);
      })
      .catch((e: ApiFailure) => setError(said(e)));
  return (
    <section className="panel wide" data-testid="second-factor">
      <h2>{t('secondFactorTitle')}</h2>
      {!start && !codes && (
        <button type="button" onClick={() => void begin()} data-testid="second-factor-start">
          {t('secondFactorStart')}
        </button>
      )}
      {start && !codes && (
        <>
          <p className="hint-text">{t('secondFactorHint')}</p>
          <p>
            <code data-testid="second-factor-secret">{start.secret.replace(/(.{4})/g, '$1 ').trim()}</code>
          </p>
          <p className="hint-text wrap">{start.uri}</p>
          <div className="toolbar">
            <input inputMode="numeric" value={code} onChange={(e) => setCode(e.target.value)} placeholder="123456" data-testid="second-factor-code" />
            <button type="button" className="primary" disabled={!/^\d{6}$/.test(code.trim())} onClick={() => void confirm()} data-testid="second-factor-confirm">
              {t('secondFactorConfirm')}
            </button>
          </div>
        </>
      )}
      {codes && (
        <>
          <p>{t('secondFactorOn')}</p>
          <ul className="recovery-codes" data-testid="second-factor-codes">
            {codes.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ul>
        </>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

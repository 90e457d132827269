import { useCallback, useEffect, useState } from 'react';
import type { InferResponseType } from 'hono/client';
import { useI18n } from '../../i18n/index.tsx';
import { api, unwrap } from '../../api.ts';

type ApiKey = InferResponseType<(typeof api)['api-keys']['$get'], 200>['keys'][number];

export function KeysTab() {
  const { t, formatTime, said } = useI18n();
  const [keys, setKeys] = useState<ApiKey[]>([]);
  const [nameText, setNameText] = useState('');
  const [fresh, setFresh] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => void unwrap(api['api-keys'].$get()).then((r) => setKeys(r.keys), (e: unknown) => setError(e)), []);
  useEffect(load, [load]);
  const issue = async () => {
    try {
      const r = await unwrap(api['api-keys'].$post({ json: { name: nameText } }));
      setFresh(r.key);
      setNameText('');
      load();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section className="panel wide">
      <div className="toolbar">
        <input placeholder={t('keysName')} value={nameText} onChange={(e) => setNameText(e.target.value)} size={30} data-testid="key-name" />
        <button type="button" className="primary" disabled={!nameText.trim()} onClick={() => void issue()} data-testid="key-issue">
          {t('keysIssue')}
        </button>
      </div>
      {fresh && (
        <p className="ok">
          {t('keysShownOnce')} <code data-testid="key-fresh">{fresh}</code>
        </p>
      )}
      {error != null && <p className="error">{said(error)}</p>}
      <table>
        <tbody>
          {keys.map((k) => (
            <tr key={k.id}>
              <td>{k.name}</td>
              <td>
                <code>{k.prefix}…</code>
              </td>
              <td>{formatTime(k.createdAt)}</td>
              <td>
                {t('keysLastUsed')}: {k.lastUsedAt ? formatTime(k.lastUsedAt) : '—'}
              </td>
              <td>
                {k.revokedAt ? (
                  t('keysRevoked')
                ) : (
                  <button type="button" onClick={() => void unwrap(api['api-keys'][':id'].$delete({ param: { id: k.id } })).then(load, (e: unknown) => setError(e))}>
                    {t('keysRevoke')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

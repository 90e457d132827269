import { useEffect, useState } from 'react';
import type { InferResponseType } from 'hono/client';
import { useI18n } from '../../i18n/index.tsx';
import { api, unwrap } from '../../api.ts';

type AuditEntry = InferResponseType<typeof api.audit.$get, 200>['entries'][number];

export function AuditTab() {
  const { t, formatTime } = useI18n();
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => void unwrap(api.audit.$get({ query: { limit: '200' } })).then((r) => setEntries(r.entries), (e: Error) => setError(e.message)), []);
  return (
    <section className="panel wide">
      {error && <p className="error">{error}</p>}
      <div className="table-wrap">
        <table data-testid="audit-table">
          <thead>
            <tr>
              <th>{t('auditWhen')}</th>
              <th>{t('auditWho')}</th>
              <th>{t('auditWhat')}</th>
              <th>{t('auditTarget')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id} title={JSON.stringify(e.detail)}>
                <td>{formatTime(e.at)}</td>
                <td>{e.actor.username}</td>
                <td>
                  <code>{e.action}</code>
                </td>
                <td>{e.target}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

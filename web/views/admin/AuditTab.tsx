import { useEffect, useState } from 'react';
import type { InferResponseType } from 'hono/client';
import { useI18n } from '../../i18n/index.tsx';
import type { MessageKey } from '../../i18n/zh-CN.ts';
import { api, unwrap } from '../../api.ts';
import { fieldLabel } from '../../i18n/errors.ts';

type AuditEntry = InferResponseType<typeof api.audit.$get, 200>['entries'][number];

/** A stored value as a person reads it: yes or no, a shape is "(图形)", a list or object in short JSON. */
function shown(v: unknown, words: { shape: string; yes: string; no: string }): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? words.yes : words.no;
  if (typeof v === 'object' && v && 'type' in v && 'coordinates' in v) return words.shape;
  if (typeof v === 'object') {
    const s = JSON.stringify(v);
    return s.length > 80 ? `${s.slice(0, 77)}…` : s;
  }
  return String(v);
}

/** What changed: before → after per field when the entry has both, else its facts. */
export function changeRows(detail: unknown): { field: string; before?: unknown; after: unknown }[] {
  if (!detail || typeof detail !== 'object') return [];
  const d = detail as Record<string, unknown>;
  const before = d.before && typeof d.before === 'object' ? (d.before as Record<string, unknown>) : null;
  const after = (d.changes ?? d.after) as Record<string, unknown> | undefined;
  if (before && after && typeof after === 'object') {
    const keys = Object.keys(after).length ? Object.keys(after) : Object.keys(before);
    return keys.map((k) => ({ field: k, before: before[k], after: after[k] }));
  }
  return Object.entries(d).map(([field, after]) => ({ field, after }));
}

export function AuditTab() {
  const { t, formatTime, said, lang } = useI18n();
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => void unwrap(api.audit.$get({ query: { limit: '200' } })).then((r) => setEntries(r.entries), (e: Error) => setError(said(e))), [said]);
  const shape = { shape: t('auditShape'), yes: t('yes'), no: t('no') };
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
              <th>{t('auditChange')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => {
              const rows = changeRows(e.detail);
              const paired = rows.some((r) => 'before' in r);
              return (
                <tr key={e.id} data-testid="audit-row" data-action={e.action}>
                  <td>{formatTime(e.at)}</td>
                  <td>
                    <bdi>{e.actor.username}</bdi>
                  </td>
                  <td>{t(`audit.${e.action}` as MessageKey)}</td>
                  <td>
                    <bdi>{e.target}</bdi>
                  </td>
                  <td>
                    {rows.length > 0 && (
                      <table className="changes" data-testid="audit-changes">
                        {paired && (
                          <thead>
                            <tr>
                              <th />
                              <th>{t('auditBefore')}</th>
                              <th>{t('auditAfter')}</th>
                            </tr>
                          </thead>
                        )}
                        <tbody>
                          {rows.map((r) => (
                            <tr key={r.field}>
                              <th scope="row">{fieldLabel(r.field, lang)}</th>
                              {paired && <td>{shown(r.before, shape)}</td>}
                              <td>{paired ? `→ ${shown(r.after, shape)}` : shown(r.after, shape)}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

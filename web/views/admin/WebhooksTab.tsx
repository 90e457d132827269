import { useCallback, useEffect, useState } from 'react';
import type { InferResponseType } from 'hono/client';
import { useI18n } from '../../i18n/index.tsx';
import type { MessageKey } from '../../i18n/zh-CN.ts';
import { api, unwrap } from '../../api.ts';

type Hook = InferResponseType<typeof api.webhooks.$get, 200>['webhooks'][number];
type HookEvent = Hook['events'][number];
const EVENTS: HookEvent[] = ['report.overdue', 'report.due_soon', 'report.urged', 'briefing.ready'];

export function WebhooksTab() {
  const { t, said } = useI18n();
  const [hooks, setHooks] = useState<Hook[]>([]);
  const [draft, setDraft] = useState({ name: '', format: 'wecom' as Hook['format'], url: '', events: EVENTS, secret: '', keyword: '' });
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => void unwrap(api.webhooks.$get()).then((r) => setHooks(r.webhooks), (e: unknown) => setError(e)), []);
  useEffect(load, [load]);
  const add = async () => {
    try {
      // the signing secret and the keyword only when given (and the secret only for DingTalk)
      const { secret, keyword, ...rest } = draft;
      await unwrap(api.webhooks.$post({ json: { ...rest, ...(secret.trim() && draft.format === 'dingtalk' ? { secret: secret.trim() } : {}), ...(keyword.trim() && draft.format !== 'json' ? { keyword: keyword.trim() } : {}) } }));
      setDraft({ ...draft, name: '', url: '', secret: '', keyword: '' });
      setError(null);
      load();
    } catch (e) {
      setError(e);
    }
  };
  const toggle = (ev: HookEvent) => setDraft({ ...draft, events: draft.events.includes(ev) ? draft.events.filter((x) => x !== ev) : [...draft.events, ev] });
  return (
    <section className="panel wide">
      <div className="toolbar">
        <input placeholder={t('hooksName')} value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
        <select value={draft.format} onChange={(e) => setDraft({ ...draft, format: e.target.value as Hook['format'] })}>
          {(['wecom', 'dingtalk', 'json'] as const).map((f) => (
            <option key={f} value={f}>
              {t(`format.${f}` as MessageKey)}
            </option>
          ))}
        </select>
        <input placeholder={t('hooksUrl')} value={draft.url} onChange={(e) => setDraft({ ...draft, url: e.target.value })} size={40} />
        {draft.format === 'dingtalk' && (
          <input placeholder={t('hooksSecret')} value={draft.secret} onChange={(e) => setDraft({ ...draft, secret: e.target.value })} size={24} data-testid="hook-secret" />
        )}
        {draft.format !== 'json' && (
          <input placeholder={t('hooksKeyword')} value={draft.keyword} onChange={(e) => setDraft({ ...draft, keyword: e.target.value })} size={10} data-testid="hook-keyword" />
        )}
        {EVENTS.map((ev) => (
          <label key={ev} className="check">
            <input type="checkbox" checked={draft.events.includes(ev)} onChange={() => toggle(ev)} />
            {t(`event.${ev}` as MessageKey)}
          </label>
        ))}
        <button type="button" className="primary" onClick={() => void add()}>
          {t('hooksAdd')}
        </button>
      </div>
      {error != null && <p className="error">{said(error)}</p>}
      <table>
        <tbody>
          {hooks.map((h) => (
            <tr key={h.id} className={h.active ? '' : 'muted'}>
              <td>{h.name}</td>
              <td>{t(`format.${h.format}` as MessageKey)}</td>
              <td>
                <code>{h.url}</code>
              </td>
              <td>{h.events.map((ev) => t(`event.${ev}` as MessageKey)).join('、')}</td>
              <td>{[h.signed ? t('hooksSigned') : null, h.keyword ? t('hooksKeywordIs', { k: h.keyword }) : null].filter(Boolean).join(' · ')}</td>
              <td data-testid="hook-deliveries">
                {t('hooksDeliveries', { ok: h.deliveries.delivered, pending: h.deliveries.pending, failed: h.deliveries.failed })}
                {h.deliveries.lastError && (
                  <div className="error small" data-testid="hook-error">
                    {t('hooksLastError')} <bdi>{h.deliveries.lastError}</bdi>
                  </div>
                )}
              </td>
              <td>
                {h.active && (
                  <button type="button" onClick={() => void unwrap(api.webhooks[':id'].$delete({ param: { id: h.id } })).then(load, (e: unknown) => setError(e))}>
                    {t('hooksRemove')}
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

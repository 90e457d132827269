import { useCallback, useEffect, useMemo, useState } from 'react';
import type { InferResponseType } from 'hono/client';
import { useI18n } from '../../i18n/index.tsx';
import type { MessageKey } from '../../i18n/zh-CN.ts';
import { api, unwrap } from '../../api.ts';
import type { ReferenceData } from '../ReviewView.tsx';

type Person = InferResponseType<typeof api.users.$get, 200>['users'][number];
const ROLES = ['admin', 'leader', 'office', 'inspector', 'cleaner', 'unit'] as const;

/** The township's people: add one, reset a password (which signs them out), deactivate. */
export function PeopleTab({ data }: { data: ReferenceData }) {
  const { t, name, said } = useI18n();
  const [people, setPeople] = useState<Person[]>([]);
  const [draft, setDraft] = useState({ username: '', displayName: '', role: 'inspector' as (typeof ROLES)[number], password: '', areaId: '' });
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const areaName = useMemo(() => new Map(data.areas.features.map((a) => [a.id as string, name(a.properties)])), [data.areas, name]);
  const load = useCallback(() => void unwrap(api.users.$get()).then((r) => setPeople(r.users), (e: unknown) => setError(e)), []);
  useEffect(load, [load]);
  /** Does it; true when done. A refused form keeps what was typed, so it can be corrected. */
  const act = async (f: () => Promise<unknown>, message: string): Promise<boolean> => {
    try {
      await f();
      setError(null);
      setDone(message);
      load();
      return true;
    } catch (e) {
      setError(e);
      setDone(null);
      return false;
    }
  };
  const change = (id: string, json: { password?: string; mustChangePassword?: boolean; active?: boolean }) => unwrap(api.users[':id'].$patch({ param: { id }, json }));
  const needsArea = draft.role === 'cleaner' || draft.role === 'unit';
  return (
    <section className="panel wide">
      <div className="toolbar">
        <input placeholder={t('peopleUsername')} value={draft.username} onChange={(e) => setDraft({ ...draft, username: e.target.value })} size={12} data-testid="person-username" />
        <input placeholder={t('peopleName')} value={draft.displayName} onChange={(e) => setDraft({ ...draft, displayName: e.target.value })} size={10} data-testid="person-name" />
        <select value={draft.role} onChange={(e) => setDraft({ ...draft, role: e.target.value as (typeof ROLES)[number] })}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`role.${r}` as MessageKey)}
            </option>
          ))}
        </select>
        {needsArea && (
          <select value={draft.areaId} onChange={(e) => setDraft({ ...draft, areaId: e.target.value })}>
            <option value="">{t('peopleArea')}</option>
            {data.areas.features
              .filter((a) => (draft.role === 'unit' ? a.properties.kind === 'unit' : a.properties.kind !== 'unit'))
              .map((a) => (
                <option key={a.id} value={a.id as string}>
                  {name(a.properties)}
                </option>
              ))}
          </select>
        )}
        <input type="password" placeholder={t('peoplePassword')} value={draft.password} onChange={(e) => setDraft({ ...draft, password: e.target.value })} size={16} data-testid="person-password" />
        <button
          type="button"
          className="primary"
          data-testid="person-add"
          onClick={() =>
            void act(
              () => unwrap(api.users.$post({ json: { username: draft.username, displayName: draft.displayName, role: draft.role, password: draft.password, ...(needsArea && draft.areaId ? { areaId: draft.areaId } : {}) } })),
              t('saved'),
            ).then((ok) => ok && setDraft({ ...draft, username: '', displayName: '', password: '' }))
          }
        >
          {t('peopleAdd')}
        </button>
      </div>
      {error != null && (
        <p className="error" role="alert" data-testid="people-error">
          {said(error)}
        </p>
      )}
      {done && <p className="ok">{done}</p>}
      <div className="table-wrap">
        <table data-testid="people-table">
          <thead>
            <tr>
              <th>{t('peopleUsername')}</th>
              <th>{t('peopleName')}</th>
              <th>{t('peopleRole')}</th>
              <th>{t('peopleArea')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {people.map((p) => (
              <tr key={p.id} className={p.active ? '' : 'muted'}>
                <td>{p.username}</td>
                <td>{p.displayName}</td>
                <td>{t(`role.${p.role}` as MessageKey)}</td>
                <td>{p.areaId ? areaName.get(p.areaId) ?? '' : ''}</td>
                <td>
                  <button
                    type="button"
                    onClick={() => {
                      const password = window.prompt(t('peopleNewPassword'));
                      if (password) void act(() => change(p.id, { password }), t('saved'));
                    }}
                  >
                    {t('peopleReset')}
                  </button>{' '}
                  <button type="button" onClick={() => void act(() => change(p.id, { mustChangePassword: true }), t('saved'))} data-testid={`people-must-change-${p.username}`}>
                    {t('peopleMustChange')}
                  </button>{' '}
                  <button type="button" onClick={() => void act(() => change(p.id, { active: !p.active }), t('saved'))}>
                    {t(p.active ? 'peopleDeactivate' : 'peopleActivate')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

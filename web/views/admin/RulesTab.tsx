import { useCallback, useEffect, useState } from 'react';
import type { InferResponseType } from 'hono/client';
import { useI18n } from '../../i18n/index.tsx';
import type { MessageKey } from '../../i18n/zh-CN.ts';
import { api, unwrap, type Category } from '../../api.ts';
import { useSession } from '../../session.tsx';
import { localDate } from '../../../server/domain/calendar.ts';

type Evaluation = InferResponseType<typeof api.township.evaluation.$get, 200>;
type CalendarYear = InferResponseType<typeof api.township.calendar.$get, 200>;
type Unit = Category['deadlineUnit'];
const UNITS: Unit[] = ['hours', 'working_hours', 'working_days'];

// The rules the office works by: each category's time limit (its unit, its urgent limit, 日产日清), the weights of
// the score and the re-inspection limit, and the township's working calendar. The administrator sets limits and
// weights; the office marks days off or worked.

export function RulesTab({ timezone }: { timezone: string }) {
  const { t } = useI18n();
  const admin = useSession().user.role === 'admin';
  return (
    <section className="panel wide rules" data-testid="rules-tab">
      <h3>{t('rulesLimits')}</h3>
      <LimitsTable editable={admin} />
      <h3>{t('rulesWeights')}</h3>
      <WeightsForm editable={admin} />
      <h3>{t('rulesCalendar')}</h3>
      <CalendarEditor timezone={timezone} />
    </section>
  );
}

function LimitsTable({ editable }: { editable: boolean }) {
  const { t, name, said } = useI18n();
  const [rows, setRows] = useState<Category[]>([]);
  const [drafts, setDrafts] = useState<Record<string, { deadlineHours: string; deadlineUnit: Unit; urgentHours: string; sameDay: boolean }>>({});
  const [message, setMessage] = useState<{ code: string; text: string; ok: boolean } | null>(null);
  const load = useCallback(
    () =>
      void unwrap(api.categories.$get()).then((cs) => {
        setRows(cs);
        setDrafts(Object.fromEntries(cs.map((c) => [c.code, { deadlineHours: String(c.deadlineHours), deadlineUnit: c.deadlineUnit, urgentHours: c.urgentHours === null ? '' : String(c.urgentHours), sameDay: c.sameDay }])));
      }),
    [],
  );
  useEffect(load, [load]);
  const save = async (code: string) => {
    const d = drafts[code]!;
    try {
      await unwrap(
        api.categories[':code'].$patch({
          param: { code },
          json: { deadlineHours: Number(d.deadlineHours), deadlineUnit: d.deadlineUnit, urgentHours: d.urgentHours.trim() ? Number(d.urgentHours) : null, sameDay: d.sameDay },
        }),
      );
      setMessage({ code, text: t('saved'), ok: true });
      load();
    } catch (e) {
      setMessage({ code, text: said(e), ok: false });
    }
  };
  const set = (code: string, patch: Partial<(typeof drafts)[string]>) => setDrafts({ ...drafts, [code]: { ...drafts[code]!, ...patch } });
  return (
    <div className="table-wrap">
      <table data-testid="limits-table">
        <thead>
          <tr>
            <th>{t('colCategory')}</th>
            <th>{t('rulesLimit')}</th>
            <th>{t('rulesUnit')}</th>
            <th>{t('rulesUrgentLimit')}</th>
            <th>{t('rulesSameDay')}</th>
            {editable && <th />}
          </tr>
        </thead>
        <tbody>
          {rows.map((c) => {
            const d = drafts[c.code];
            if (!d) return null;
            return (
              <tr key={c.code} data-testid={`limit-${c.code}`}>
                <td>{name(c)}</td>
                <td>
                  <input type="number" min={1} value={d.deadlineHours} disabled={!editable} onChange={(e) => set(c.code, { deadlineHours: e.target.value })} aria-label={t('rulesLimit')} data-testid="limit-hours" />
                </td>
                <td>
                  <select value={d.deadlineUnit} disabled={!editable} onChange={(e) => set(c.code, { deadlineUnit: e.target.value as Unit })} aria-label={t('rulesUnit')} data-testid="limit-unit">
                    {UNITS.map((u) => (
                      <option key={u} value={u}>
                        {t(`unit.${u}` as MessageKey)}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <input type="number" min={1} value={d.urgentHours} placeholder={t('rulesUrgentHalf')} disabled={!editable} onChange={(e) => set(c.code, { urgentHours: e.target.value })} aria-label={t('rulesUrgentLimit')} data-testid="limit-urgent" />
                </td>
                <td>
                  <input type="checkbox" checked={d.sameDay} disabled={!editable} onChange={(e) => set(c.code, { sameDay: e.target.checked })} aria-label={t('rulesSameDay')} />
                </td>
                {editable && (
                  <td>
                    <button type="button" onClick={() => void save(c.code)} data-testid="limit-save">
                      {t('save')}
                    </button>
                    {message?.code === c.code && (
                      <span className={message.ok ? 'muted' : 'error'} role={message.ok ? undefined : 'alert'}>
                        {' '}
                        {message.text}
                      </span>
                    )}
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function WeightsForm({ editable }: { editable: boolean }) {
  const { t, said } = useI18n();
  const [draft, setDraft] = useState<{ close: string; onTime: string; rework: string; verifyHours: string } | null>(null);
  const [message, setMessage] = useState<{ text: string; ok: boolean } | null>(null);
  const toDraft = (e: Evaluation) => ({ close: String(e.weights.close), onTime: String(e.weights.onTime), rework: String(e.weights.rework), verifyHours: String(e.verifyHours) });
  useEffect(() => void unwrap(api.township.evaluation.$get()).then((e) => setDraft(toDraft(e))), []);
  if (!draft) return null;
  const save = async () => {
    const sent = draft;
    setMessage(null);
    try {
      const saved = await unwrap(api.township.evaluation.$put({ json: { weights: { close: Number(sent.close), onTime: Number(sent.onTime), rework: Number(sent.rework) }, verifyHours: Number(sent.verifyHours) } }));
      // what was typed while the answer was on its way stays as typed
      setDraft((now) => (now === sent ? toDraft(saved) : now));
      setMessage({ text: t('saved'), ok: true });
    } catch (e) {
      setMessage({ text: said(e), ok: false });
    }
  };
  const field = (k: keyof typeof draft, label: MessageKey, step: string) => (
    <label>
      {t(label)}
      <input type="number" min={0} step={step} value={draft[k]} disabled={!editable} onChange={(e) => setDraft({ ...draft, [k]: e.target.value })} data-testid={`weight-${k}`} />
    </label>
  );
  return (
    <div className="weights" data-testid="weights-form">
      {field('close', 'ratesCloseRate', '0.1')}
      {field('onTime', 'ratesOnTimeRate', '0.1')}
      {field('rework', 'rulesNoRework', '0.1')}
      {field('verifyHours', 'rulesVerifyHours', '1')}
      {editable && (
        <button type="button" className="primary" onClick={() => void save()} data-testid="weights-save">
          {t('save')}
        </button>
      )}
      {message && (
        <span className={message.ok ? 'muted' : 'error'} role={message.ok ? undefined : 'alert'} data-testid="weights-message">
          {message.text}
        </span>
      )}
      <p className="muted small">{t('rulesWeightsHint')}</p>
    </div>
  );
}

function CalendarEditor({ timezone }: { timezone: string }) {
  const { t, said } = useI18n();
  const thisYear = Number(localDate(Date.now(), timezone).slice(0, 4));
  const [year, setYear] = useState(thisYear);
  const [cal, setCal] = useState<CalendarYear | null>(null);
  const [day, setDay] = useState('');
  const [kind, setKind] = useState<'holiday' | 'workday' | 'clear'>('holiday');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => void unwrap(api.township.calendar.$get({ query: { year: String(year) } })).then(setCal, (e: unknown) => setError(said(e))), [year, said]);
  const save = async () => {
    setError(null);
    try {
      const next = await unwrap(api.township.calendar.$put({ json: { days: [{ day, kind: kind === 'clear' ? null : kind, ...(note.trim() ? { note: note.trim() } : {}) }] } }));
      if (Number(day.slice(0, 4)) === year) setCal(next);
      else setYear(Number(day.slice(0, 4)));
      setDay('');
      setNote('');
    } catch (e) {
      setError(said(e));
    }
  };
  return (
    <div className="calendar-editor" data-testid="calendar-editor">
      <div className="toolbar">
        <select value={year} onChange={(e) => setYear(Number(e.target.value))} aria-label={t('rulesYear')} data-testid="calendar-year">
          {[thisYear, thisYear + 1].map((y) => (
            <option key={y} value={y}>
              {y}
            </option>
          ))}
        </select>
        {cal && (
          <span className={cal.shipped ? 'muted' : 'error'} data-testid="calendar-shipped">
            {cal.shipped ? t('rulesShipped', { holidays: cal.holidays.length, workdays: cal.workdays.length }) : t('rulesNotShipped', { year })}
          </span>
        )}
      </div>
      <div className="toolbar">
        <input type="date" value={day} onChange={(e) => setDay(e.target.value)} aria-label={t('rulesDay')} data-testid="calendar-day" />
        <select value={kind} onChange={(e) => setKind(e.target.value as typeof kind)} aria-label={t('rulesDayKind')} data-testid="calendar-kind">
          <option value="holiday">{t('rulesDayOff')}</option>
          <option value="workday">{t('rulesDayWorked')}</option>
          <option value="clear">{t('rulesDayDefault')}</option>
        </select>
        <input value={note} onChange={(e) => setNote(e.target.value)} placeholder={t('rulesDayNote')} maxLength={100} data-testid="calendar-note" />
        <button type="button" className="primary" disabled={!day} onClick={() => void save()} data-testid="calendar-save">
          {t('save')}
        </button>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {cal && (
        <ul className="plain" data-testid="calendar-own">
          {cal.own.length === 0 && <li className="muted">{t('rulesNoOwnDays')}</li>}
          {cal.own.map((d) => (
            <li key={d.day}>
              {d.day} · {t(d.kind === 'holiday' ? 'rulesDayOff' : 'rulesDayWorked')}
              {d.note ? ` · ${d.note}` : ''}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

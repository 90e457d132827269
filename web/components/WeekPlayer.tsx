import { useEffect, useState } from 'react';
import { useI18n } from '../i18n/index.tsx';
import { isoWeek, localDate, weekStartUtc } from '../../server/domain/calendar.ts';

export interface WeekRange {
  from: string;
  to: string;
  label: string;
}

/** The last n ISO weeks (local Monday to Sunday), oldest first. */
export function lastWeeks(now: number, timeZone: string, n: number): WeekRange[] {
  const start = weekStartUtc(now, timeZone);
  return Array.from({ length: n }, (_, k) => {
    const s = start - (n - 1 - k) * 7 * 86_400_000;
    const from = localDate(s + 12 * 3600_000, timeZone);
    const to = localDate(s + 6 * 86_400_000 + 12 * 3600_000, timeZone);
    return { from, to, label: isoWeek(from) };
  });
}

const STEP_MS = 1500;

/** A week slider over the last 12 weeks with play/pause; off, the map shows the chosen period. */
export function WeekPlayer({ weeks, value, onChange }: { weeks: WeekRange[]; value: number | null; onChange(i: number | null): void }) {
  const { t } = useI18n();
  const [playing, setPlaying] = useState(false);
  useEffect(() => {
    if (!playing || value === null) return;
    const timer = setTimeout(() => {
      if (value >= weeks.length - 1) setPlaying(false);
      else onChange(value + 1);
    }, STEP_MS);
    return () => clearTimeout(timer);
  }, [playing, value, weeks.length, onChange]);
  const w = value !== null ? weeks[value] : null;
  return (
    <div className="week-player" data-testid="week-player">
      {value === null ? (
        <button type="button" onClick={() => onChange(weeks.length - 1)} data-testid="week-on">
          ▶ {t('weekPlay')}
        </button>
      ) : (
        <>
          <div className="row">
            <button
              type="button"
              onClick={() => {
                if (!playing && value >= weeks.length - 1) onChange(0);
                setPlaying((p) => !p);
              }}
              data-testid="week-play"
              aria-label={playing ? t('pause') : t('play')}
            >
              {playing ? '⏸' : '▶'}
            </button>
            <input
              type="range"
              min={0}
              max={weeks.length - 1}
              value={value}
              onChange={(e) => onChange(Number(e.target.value))}
              aria-label={t('weekPlay')}
              data-testid="week-slider"
            />
            <button
              type="button"
              className="link"
              onClick={() => {
                setPlaying(false);
                onChange(null);
              }}
              aria-label={t('weekOff')}
            >
              ✕
            </button>
          </div>
          {w && (
            <p className="small" data-testid="week-label">
              {t('weekLabel', { week: w.label, from: w.from.slice(5), to: w.to.slice(5) })}
            </p>
          )}
        </>
      )}
    </div>
  );
}

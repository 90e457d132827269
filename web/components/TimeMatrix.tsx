import type { Category, TimePatterns } from '../api.ts';
import { useI18n } from '../i18n/index.tsx';
import { HEAT_RAMP } from '../map/colors.ts';

const CELL_W = 8;
const CELL_H = 12;
const LEFT = 16;
const TOP = 12;

function rampColor(v: number, max: number): string {
  if (v === 0 || max === 0) return '#f4f1ea';
  const t = Math.min(1, v / max);
  const i = Math.min(HEAT_RAMP.length - 1, Math.floor(t * (HEAT_RAMP.length - 1) + 0.5));
  return `rgb(${HEAT_RAMP[i]!.join(',')})`;
}

/** Weekday × hour counts as a small heat matrix, and market days against ordinary days per category. */
export function TimeMatrix({ data, categories, category }: { data: TimePatterns; categories: Category[]; category: string | null }) {
  const { t, name } = useI18n();
  const matrix = (category && data.byCategory[category]) || data.all;
  const max = Math.max(0, ...matrix.flat());
  const days = t('weekdays').split('');
  const ratios = Object.entries(data.market.byCategory)
    .filter(([, v]) => v.ratio !== null)
    .sort((a, b) => (b[1].ratio ?? 0) - (a[1].ratio ?? 0))
    .slice(0, 4);
  return (
    <div className="time-matrix" data-testid="time-matrix">
      <svg width={LEFT + 24 * CELL_W} height={TOP + 7 * CELL_H + 2} role="img" aria-label={t('timePatterns')}>
        {[0, 6, 12, 18].map((h) => (
          <text key={h} x={LEFT + h * CELL_W} y={9} className="axis">
            {h}
          </text>
        ))}
        {matrix.map((row, d) => (
          <g key={d}>
            <text x={0} y={TOP + d * CELL_H + 9} className="axis">
              {days[d]}
            </text>
            {row.map((v, h) => (
              <rect
                key={h}
                x={LEFT + h * CELL_W}
                y={TOP + d * CELL_H}
                width={CELL_W - 1}
                height={CELL_H - 1}
                fill={rampColor(v, max)}
                data-count={v}
              >
                <title>{`${days[d]} ${h}:00–${h + 1}:00 · ${v}`}</title>
              </rect>
            ))}
          </g>
        ))}
      </svg>
      <p className="muted small">{t('marketVsOrdinary')}</p>
      <ul className="plain small" data-testid="market-ratios">
        {ratios.map(([code, v]) => {
          const c = categories.find((x) => x.code === code);
          return (
            <li key={code}>
              <span className="swatch dot" style={{ background: c?.color ?? '#888' }} />
              {c ? name(c) : code}: {v.perMarketDay.toFixed(1)} / {v.perOrdinaryDay.toFixed(1)}
              {/* "more on market days" only when the exact test says so; otherwise the ratio is shown as chance */}
              {v.ratio !== null &&
                (v.significant ? (
                  <b title={t('ratioInterval', { low: v.ratioLow?.toFixed(1) ?? '—', high: v.ratioHigh?.toFixed(1) ?? '∞', p: v.p.toFixed(3) })}> ×{v.ratio.toFixed(1)}</b>
                ) : (
                  <span className="muted" data-significant="no">
                    {' '}
                    ×{v.ratio.toFixed(1)} {t('ratioNotSignificant', { p: v.p.toFixed(2) })}
                  </span>
                ))}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

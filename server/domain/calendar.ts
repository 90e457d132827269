// Local calendar rules of a township: its days in its own time zone, and its market days (赶集日).

/** The local date (YYYY-MM-DD) of an instant in a time zone. */
export function localDate(iso: string | number | Date, timeZone: string): string {
  const d = typeof iso === 'string' || typeof iso === 'number' ? new Date(iso) : iso;
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

/** The local hour (0–23) of an instant in a time zone. */
export function localHour(iso: string | number | Date, timeZone: string): number {
  const d = typeof iso === 'string' || typeof iso === 'number' ? new Date(iso) : iso;
  const h = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(d);
  return Number(h);
}

/**
 * Market days by the day of the month's last digit, the common rural cycle
 * ("逢五逢十": the 5th, 10th, 15th, 20th, 25th and 30th).
 */
export interface MarketDayRule {
  dayEndings: readonly number[];
}

export const DEFAULT_MARKET_RULE: MarketDayRule = { dayEndings: [0, 5] };

export function isMarketDay(localYmd: string, rule: MarketDayRule = DEFAULT_MARKET_RULE): boolean {
  const day = Number(localYmd.slice(8, 10));
  return rule.dayEndings.includes(day % 10);
}

/** The zone's offset from UTC at an instant, in ms (Asia/Shanghai: +8 h all year). */
export function tzOffsetMs(timeZone: string, at: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(at));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(at / 1000) * 1000;
}

/** The UTC instant (ISO) of local midnight starting a local date in a time zone. */
export function localMidnightUtc(localYmd: string, timeZone: string): string {
  const guess = Date.parse(`${localYmd}T00:00:00Z`);
  // Two passes settle zones whose offset differs across the guessed instant.
  let at = guess - tzOffsetMs(timeZone, guess);
  at = guess - tzOffsetMs(timeZone, at);
  return new Date(at).toISOString();
}

/** The local date after a given one (YYYY-MM-DD). */
export function nextLocalDate(localYmd: string): string {
  const d = new Date(`${localYmd}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** "YYYY-MM-DD HH:MM" of an instant in a time zone, for tables people read. */
export function localDateTime(iso: string, timeZone: string): string {
  const t = Date.parse(iso);
  return new Date(t + tzOffsetMs(timeZone, t)).toISOString().slice(0, 16).replace('T', ' ');
}

// Local calendar rules of a township: its days in its own time zone, and its market days (赶集日).

/** The local date (YYYY-MM-DD) of an instant in a time zone. */
export function localDate(iso: string | number | Date, timeZone: string): string {
  const d = typeof iso === 'string' || typeof iso === 'number' ? new Date(iso) : iso;
  return format('en-CA', timeZone, { year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

/** The local hour (0–23) of an instant in a time zone. */
export function localHour(iso: string | number | Date, timeZone: string): number {
  const d = typeof iso === 'string' || typeof iso === 'number' ? new Date(iso) : iso;
  const h = format('en-GB', timeZone, { hour: '2-digit', hourCycle: 'h23' }).format(d);
  return Number(h);
}

/**
 * When a township holds its market (赶集日). Rural markets run on a cycle of the solar or the lunar
 * month by the day's last digit ("逢五逢十": the 5th, 10th, 15th…; "逢三逢八" on the lunar calendar),
 * or on fixed weekdays (0 = Sunday … 6 = Saturday).
 */
export type MarketDayRule =
  | { kind: 'solar'; dayEndings: readonly number[] }
  | { kind: 'lunar'; dayEndings: readonly number[] }
  | { kind: 'weekdays'; days: readonly number[] };

export const DEFAULT_MARKET_RULE: MarketDayRule = { kind: 'solar', dayEndings: [0, 5] };

const lunarDay = new Intl.DateTimeFormat('en-u-ca-chinese', { day: 'numeric', timeZone: 'UTC' });

export function isMarketDay(localYmd: string, rule: MarketDayRule = DEFAULT_MARKET_RULE): boolean {
  const noon = new Date(`${localYmd}T12:00:00Z`);
  switch (rule.kind) {
    case 'solar':
      return rule.dayEndings.includes(Number(localYmd.slice(8, 10)) % 10);
    case 'lunar': {
      const day = Number(lunarDay.formatToParts(noon).find((p) => p.type === 'day')?.value);
      return rule.dayEndings.includes(day % 10);
    }
    case 'weekdays':
      return rule.days.includes(noon.getUTCDay());
  }
}

/** Describes a rule in words for people (Chinese). */
export function describeMarketRule(rule: MarketDayRule): string {
  const endings = (e: readonly number[]) => e.map((d) => '逢' + '十一二三四五六七八九'[d]).join('');
  if (rule.kind === 'weekdays') return '每周' + rule.days.map((d) => '日一二三四五六'[d]).join('、');
  return `${rule.kind === 'lunar' ? '农历' : '公历'}${endings(rule.dayEndings)}`;
}

// Making a DateTimeFormat costs far more than using one (it loads the zone's rules): one per use and zone, kept.
const formats = new Map<string, Intl.DateTimeFormat>();
function format(locale: string, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${JSON.stringify(options)}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { ...options, timeZone });
    formats.set(key, f);
  }
  return f;
}
const OFFSET_PARTS: Intl.DateTimeFormatOptions = {
  hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
};

/** The zone's offset from UTC at an instant, in ms (Asia/Shanghai: +8 h all year). */
export function tzOffsetMs(timeZone: string, at: number): number {
  const parts = format('en-US', timeZone, OFFSET_PARTS).formatToParts(new Date(at));
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

/** The UTC instant (ms) of a local wall-clock time in a time zone. */
export function localWallClockUtc(y: number, mo: number, d: number, h: number, mi: number, sec: number, timeZone: string): number {
  const guess = Date.UTC(y, mo - 1, d, h, mi, sec);
  let at = guess - tzOffsetMs(timeZone, guess);
  at = guess - tzOffsetMs(timeZone, at);
  return at;
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

/** Monday 00:00 local (as a UTC instant) of the ISO week containing an instant. */
export function weekStartUtc(at: number, timeZone: string): number {
  const offset = tzOffsetMs(timeZone, at);
  const local = at + offset;
  const day = Math.floor(local / 86_400_000);
  const weekday = (new Date(day * 86_400_000).getUTCDay() + 6) % 7; // Monday = 0
  return (day - weekday) * 86_400_000 - offset;
}

/** ISO week label (YYYY-Www) of a local date. */
export function isoWeek(localYmd: string): string {
  const d = new Date(`${localYmd}T00:00:00Z`);
  const weekday = (d.getUTCDay() + 6) % 7;
  d.setUTCDate(d.getUTCDate() - weekday + 3); // the Thursday of this week decides its year
  const year = d.getUTCFullYear();
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const week = 1 + Math.round(((d.getTime() - jan4.getTime()) / 86_400_000 - 3 + ((jan4.getUTCDay() + 6) % 7)) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The local Monday (YYYY-MM-DD) of an ISO week label YYYY-Www. */
export function isoWeekMonday(week: string): string {
  const m = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!m) throw new Error(`not an ISO week: ${week}`);
  const year = Number(m[1]);
  const w = Number(m[2]);
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const mondayW1 = Date.UTC(year, 0, 4) - ((jan4.getUTCDay() + 6) % 7) * 86_400_000;
  return new Date(mondayW1 + (w - 1) * 7 * 86_400_000).toISOString().slice(0, 10);
}

/** The ISO week before a given one. */
export function previousIsoWeek(week: string): string {
  const monday = isoWeekMonday(week);
  return isoWeek(new Date(Date.parse(`${monday}T12:00:00Z`) - 7 * 86_400_000).toISOString().slice(0, 10));
}

/** An instant as ISO 8601 with the zone's offset, e.g. 2026-11-29T08:00:00+08:00 (as Open311 and people expect). */
export function isoWithOffset(iso: string, timeZone: string): string {
  const t = Date.parse(iso);
  const off = tzOffsetMs(timeZone, t);
  const local = new Date(t + off).toISOString().slice(0, 19);
  const m = Math.round(Math.abs(off) / 60_000);
  return `${local}${off < 0 ? '-' : '+'}${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

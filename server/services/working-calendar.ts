import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Deps } from './context.ts';
import { currentTownship } from './context.ts';
import { recordAudit } from './audit.ts';
import type { SessionUser } from './auth.ts';
import { listCalendarDays, setCalendarDays } from '../store/calendar.ts';
import type { CategoryRow } from '../store/categories.ts';
import type { TownshipRow } from '../store/townships.ts';
import { calendarOf, isWorkingDay, type CalendarYear, type WorkCalendar } from '../domain/working-time.ts';
import { urgentRule, type DeadlineRule } from '../domain/responsibility.ts';
import type { Urgency } from '../store/schema.ts';

// The township's working calendar: the statutory holidays and make-up working days shipped in data/calendar (one
// file per year, from the State Council's notice), with the office's own changes on top.

const DATA_DIR = fileURLToPath(new URL('../../data/calendar/', import.meta.url));

let shipped: CalendarYear[] | null = null;
/** The years shipped with the product. */
export function shippedYears(): CalendarYear[] {
  shipped ??= fs
    .readdirSync(DATA_DIR)
    .filter((f) => /^cn-\d{4}\.json$/.test(f))
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(DATA_DIR, f), 'utf8')) as CalendarYear);
  return shipped;
}

const TTL_MS = 30_000;
const cache = new Map<string, { at: number; cal: WorkCalendar }>();

export async function workCalendar(deps: Deps, t: TownshipRow): Promise<WorkCalendar> {
  const hit = cache.get(t.id);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.cal;
  const own = await listCalendarDays(deps.store.db, t.id);
  const cal = calendarOf(shippedYears(), own.map((d) => ({ day: d.day, kind: d.kind })));
  cache.set(t.id, { at: Date.now(), cal });
  return cal;
}

type RuleCategory = (Pick<CategoryRow, 'deadline_hours' | 'same_day' | 'deadline_unit'> & { urgent_hours?: number | null }) | undefined;

/** How an item of this category and urgency is given its deadline, with the township's calendar at hand. */
export function ruleWith(category: RuleCategory, calendar: WorkCalendar, urgency: Urgency = 'normal'): DeadlineRule {
  const rule: DeadlineRule = { deadlineHours: category?.deadline_hours ?? 72, sameDay: category?.same_day === 1, unit: category?.deadline_unit ?? 'hours', calendar };
  return urgency === 'urgent' ? urgentRule(rule, category?.urgent_hours) : rule;
}

/** How an item of this category and urgency is given its deadline in this township. */
export async function deadlineRule(deps: Deps, t: TownshipRow, category: RuleCategory, urgency: Urgency = 'normal'): Promise<DeadlineRule> {
  return ruleWith(category, await workCalendar(deps, t), urgency);
}

/** A year of the calendar as the office sees it: which days are off or worked, and what it changed. */
export async function calendarYear(deps: Deps, year: number) {
  const t = await currentTownship(deps);
  const cal = await workCalendar(deps, t);
  const own = await listCalendarDays(deps.store.db, t.id);
  const days: { day: string; working: boolean }[] = [];
  for (let d = new Date(Date.UTC(year, 0, 1)); d.getUTCFullYear() === year; d.setUTCDate(d.getUTCDate() + 1)) {
    const ymd = d.toISOString().slice(0, 10);
    days.push({ day: ymd, working: isWorkingDay(ymd, cal) });
  }
  return {
    year,
    shipped: shippedYears().some((y) => y.year === year),
    workingHours: { start: cal.start.join(':').replace(/:(\d)$/, ':0$1'), end: cal.end.join(':').replace(/:(\d)$/, ':0$1') },
    holidays: days.filter((d) => !d.working && ![0, 6].includes(new Date(`${d.day}T12:00:00Z`).getUTCDay())).map((d) => d.day),
    workdays: days.filter((d) => d.working && [0, 6].includes(new Date(`${d.day}T12:00:00Z`).getUTCDay())).map((d) => d.day),
    own: own.filter((d) => d.day.startsWith(`${year}-`)),
  };
}

/** The office marks days off or worked (or clears its marking), e.g. a local holiday or next year's notice. */
export async function changeCalendar(deps: Deps, actor: SessionUser, days: { day: string; kind: 'holiday' | 'workday' | null; note?: string | undefined }[]) {
  const t = await currentTownship(deps);
  await deps.store.db.transaction().execute(async (trx) => {
    await setCalendarDays(trx, t.id, days);
    await recordAudit(deps, trx, { townshipId: t.id, actor, action: 'township.calendar', target: `township:${t.code}`, detail: { days } });
  });
  cache.delete(t.id);
  return calendarYear(deps, Number(days[0]!.day.slice(0, 4)));
}

import { pinyin } from 'pinyin-pro';
import { localDate } from './calendar.ts';

// Case numbers (案件编号) as a city-management centre gives them: the township's prefix, the year, and a count of
// the year's items in that township, e.g. NJ-2026-000123. Given once, when the item is stored, and never reused.

/** Administrative suffixes that are not part of a township's own name (纳具镇 → 纳具). */
const SUFFIXES = /(民族乡|街道办事处|街道|苏木|镇|乡)$/;

/**
 * The default prefix: the initials of the township's Chinese name without its suffix (纳具镇 → NJ), by pinyin-pro,
 * which reads heteronyms in context (长寿街道 → CS); else the township's code, upper-cased, without separators.
 */
export function defaultCasePrefix(code: string, nameZh: string): string {
  const core = nameZh.trim().replace(SUFFIXES, '');
  const han = [...core].filter((ch) => /\p{Script=Han}/u.test(ch)).join('');
  if (han.length >= 2 && han.length === [...core].length) {
    const initials = pinyin(han, { pattern: 'first', toneType: 'none', type: 'array' }).join('').toUpperCase();
    if (/^[A-Z]{2,6}$/.test(initials)) return initials;
  }
  return code.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 8) || 'T';
}

export const CASE_PREFIX = /^[A-Z][A-Z0-9]{0,7}$/;

export function formatCaseNo(prefix: string, year: number, n: number): string {
  return `${prefix}-${year}-${String(n).padStart(6, '0')}`;
}

/** The year a case is counted in: the township's local year of when the problem was seen. */
export function caseYear(observedAtIso: string, timezone: string): number {
  return Number(localDate(observedAtIso, timezone).slice(0, 4));
}

const FULL = /^([A-Za-z][A-Za-z0-9]{0,7})-(\d{4})-(\d{1,9})$/;

/**
 * What a person typed as a case number, tidied: `nj-2026-123` → `NJ-2026-000123`; `2026-123` with the township's
 * prefix; null when it is not shaped like one.
 */
export function normaliseCaseNo(text: string, prefix: string): string | null {
  const s = text.trim().replace(/[－—–]/g, '-').replace(/\s+/g, '');
  const full = FULL.exec(s);
  if (full) return formatCaseNo(full[1]!.toUpperCase(), Number(full[2]), Number(full[3]));
  const short = /^(\d{4})-(\d{1,9})$/.exec(s);
  if (short) return formatCaseNo(prefix, Number(short[1]), Number(short[2]));
  return null;
}

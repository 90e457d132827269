import type ExcelJS from 'exceljs';

// One way to put values into workbook cells, for the ledger's exports and the briefing's workbook alike: times
// as real date cells in the township's wall-clock time, numbers as numbers, and text as text cells. A text cell
// is never a formula in a workbook, whatever it starts with, so no apostrophe is put before "+86 138…" or "=1+1"
// (that guard belongs to CSV, which a spreadsheet parses).

const ISO_WITH_OFFSET = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?[+-]\d{2}:\d{2}$/;
const LOCAL_DATE_TIME = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}(?::\d{2})?)$/;
const NUMBER = /^-?(0|[1-9]\d{0,14})(\.\d+)?$/;
const PERCENT = /^(-?(?:0|[1-9]\d{0,5})(?:\.(\d+))?)\s?%$/;

export const DATE_TIME_FORMAT = 'yyyy-mm-dd hh:mm';

export interface Cell {
  value: ExcelJS.CellValue;
  numFmt?: string;
}

/**
 * The cell for a value. An ISO time with an offset, or a local "YYYY-MM-DD HH:MM", becomes a date cell holding that
 * wall-clock time (a workbook has no zones: times are the township's). With `numbers`,
 * text that is a plain number or a percentage becomes a number (0.95 shown as 95%).
 */
export function cellFor(v: unknown, opts: { numbers?: boolean } = {}): Cell {
  if (typeof v === 'string') {
    const t = ISO_WITH_OFFSET.exec(v) ?? LOCAL_DATE_TIME.exec(v);
    if (t) {
      const at = new Date(`${t[1]}T${t[2]!.length === 5 ? `${t[2]}:00` : t[2]}Z`);
      if (Number.isFinite(at.getTime())) return { value: at, numFmt: DATE_TIME_FORMAT };
    }
    if (opts.numbers) {
      if (NUMBER.test(v)) return { value: Number(v) };
      const p = PERCENT.exec(v);
      if (p) return { value: Number(p[1]) / 100, numFmt: p[2] ? `0.${'0'.repeat(p[2].length)}%` : '0%' };
    }
    return { value: v };
  }
  if (v === undefined) return { value: null };
  return { value: v as ExcelJS.CellValue };
}

/** Appends a row of values through `cellFor`; the `idColumns` keep their values as given (a case number 12345678 stays text). */
export function addRow(ws: ExcelJS.Worksheet, values: readonly unknown[], opts: { numbers?: boolean; idColumns?: readonly number[] } = {}): ExcelJS.Row {
  const cells = values.map((v, i) => (opts.idColumns?.includes(i) ? { value: v === undefined ? null : (v as ExcelJS.CellValue) } : cellFor(v, opts)));
  const row = ws.addRow(cells.map((c) => c.value));
  cells.forEach((c, i) => {
    if (c.numFmt) row.getCell(i + 1).numFmt = c.numFmt;
  });
  return row;
}

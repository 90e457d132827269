import ExcelJS from 'exceljs';
import { addRow } from './xlsx-cells.ts';

// The one workbook writer: the ledger's and the reports' exports, the briefing's tables and the period reports are
// each a list of sheets written here, with a bold frozen header row and cells put in by `addRow`.

export interface Sheet {
  /** The sheet's name (Excel allows 31 characters). */
  title: string;
  headers: readonly string[];
  rows: readonly (readonly unknown[])[];
  /** Text that is a plain number or a percentage becomes a number cell (the default); false keeps text as text. */
  numbers?: boolean;
  /** Columns holding identifiers: kept as given even when every character is a digit. */
  idColumns?: readonly number[];
  /** Column widths in characters; by default each column fits its longest text (8 to 60). */
  widths?: readonly number[];
}

/** Sheets as one workbook (XLSX bytes). */
export async function writeWorkbook(title: string, sheets: readonly Sheet[]): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '创文卫生热点地图';
  wb.title = title;
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.title.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.addRow([...s.headers]).font = { bold: true };
    for (const r of s.rows) addRow(ws, r, { numbers: s.numbers ?? true, ...(s.idColumns ? { idColumns: s.idColumns } : {}) });
    ws.columns.forEach((c, i) => {
      // Chinese characters are about two of Excel's width units each
      c.width = s.widths?.[i] ?? Math.min(60, Math.max(8, Math.max(s.headers[i]!.length, ...s.rows.map((r) => String(r[i] ?? '').length)) * 2 + 2));
    });
  }
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

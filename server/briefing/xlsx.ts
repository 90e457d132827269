import ExcelJS from 'exceljs';
import type { BriefingData } from './types.ts';
import { briefingTables, type Table } from './tables.ts';
import { addRow } from '../exchange/xlsx-cells.ts';

/** The briefing's tables as a workbook, one sheet per table. */
export function briefingXlsx(d: BriefingData): Promise<Buffer> {
  return tablesXlsx(`${d.township.nameZh}创文卫生热点周报 ${d.week}`, briefingTables(d));
}

/** Tables as a workbook, one sheet per table, numbers as numbers and identifiers as text. */
export async function tablesXlsx(title: string, tables: readonly Table[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '镇创建办';
  wb.title = title;
  for (const t of tables) {
    const ws = wb.addWorksheet(t.title.slice(0, 31));
    ws.addRow(t.headers).font = { bold: true };
    for (const r of t.rows) addRow(ws, r, { numbers: true, idColumns: t.idColumns });
    ws.columns.forEach((c, i) => {
      const longest = Math.max(t.headers[i]!.length, ...t.rows.map((r) => String(r[i] ?? '').length));
      c.width = Math.min(60, Math.max(8, longest * 2 + 2));
    });
    ws.views = [{ state: 'frozen', ySplit: 1 }];
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

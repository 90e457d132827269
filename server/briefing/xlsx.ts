import ExcelJS from 'exceljs';
import type { BriefingData } from './types.ts';
import { briefingTables } from './tables.ts';
import { addRow } from '../exchange/xlsx-cells.ts';

/** The briefing's tables as a workbook, one sheet per table. */
export async function briefingXlsx(d: BriefingData): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '镇创建办';
  wb.title = `${d.township.nameZh}创文卫生热点周报 ${d.week}`;
  for (const t of briefingTables(d)) {
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

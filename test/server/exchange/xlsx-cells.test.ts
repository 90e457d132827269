import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import * as XLSX from 'xlsx';
import { addRow } from '../../../server/exchange/xlsx-cells.ts';

// The briefing's case-number columns hold eight hex digits; about one number in six is all decimal (12345678), and a
// workbook that stores it as a number shows 1.23E+07 or drops a leading zero.
describe('workbook cells', () => {
  it('keeps identifier columns as text while turning numbers and percentages into numbers', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('t');
    addRow(ws, ['12345678', '12', '95%', '2026-11-29 08:30', '+86 138'], { numbers: true, idColumns: [0] });
    addRow(ws, ['12345678', '00123456'], { numbers: true });
    const read = XLSX.read(new Uint8Array(await wb.xlsx.writeBuffer()), { type: 'array', cellDates: true });
    const s = read.Sheets.t!;
    expect(s.A1).toMatchObject({ t: 's', v: '12345678' });
    expect(s.B1).toMatchObject({ t: 'n', v: 12 });
    expect(s.C1).toMatchObject({ t: 'n', v: 0.95 });
    expect(s.D1.t).toBe('d');
    expect(s.E1).toMatchObject({ t: 's', v: '+86 138' });
    // without the column marked, the same text is a number: the mark is what keeps it
    expect(s.A2).toMatchObject({ t: 'n', v: 12345678 });
    // a leading zero is never read as a number
    expect(s.B2).toMatchObject({ t: 's', v: '00123456' });
  });
});

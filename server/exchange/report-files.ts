import ExcelJS from 'exceljs';
import { decodeText, parseCsv, toCsv } from './csv.ts';
import { writeWorkbook } from './workbook.ts';
import { rowsFromGeoJson, rowsFromTable, type ImportRow } from './reports-table.ts';
import { GeoFileError, MAX_UNZIPPED_BYTES, unzipEntries } from './geo-files.ts';

// Report tables as files, both ways: parsing an upload into rows, and writing the CSV and the workbook of an
// export. No I/O: the worker pool runs these, so a large ledger does not hold the server.

export type ImportFormat = 'csv' | 'xlsx' | 'geojson';

/** Why a file cannot be read at all, with the answer's status. */
export class ReportFileError extends Error {
  constructor(
    readonly status: 413 | 422,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The plain value of an XLSX cell (rich text, links and formulas read as what they show). */
function cellValue(v: ExcelJS.CellValue): unknown {
  if (v === null || v === undefined) return undefined;
  if (typeof v !== 'object' || v instanceof Date) return v;
  if ('richText' in v) return v.richText.map((r) => r.text).join('');
  if ('text' in v) return typeof v.text === 'string' ? v.text : cellValue(v.text as ExcelJS.CellValue);
  if ('result' in v) return cellValue(v.result as ExcelJS.CellValue);
  return undefined;
}

/** Reads a file into import rows. */
export async function parseReportFile(bytes: Uint8Array, format: ImportFormat): Promise<ImportRow[]> {
  try {
    if (format === 'geojson') return rowsFromGeoJson(JSON.parse(new TextDecoder().decode(bytes)));
    if (format === 'csv') return rowsFromTable(parseCsv(decodeText(bytes).text)).rows;
    // A workbook is a zip: checked for what it inflates to before the spreadsheet reader opens it.
    try {
      unzipEntries(bytes);
    } catch (err) {
      if (err instanceof GeoFileError || err instanceof RangeError) throw new ReportFileError(413, 'file_too_large', `工作簿解压后过大。The workbook unpacks to more than ${MAX_UNZIPPED_BYTES / 1048576} MB.`);
      throw err;
    }
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    if (!ws) throw new Error('the workbook has no sheet');
    const table: unknown[][] = [];
    ws.eachRow({ includeEmpty: false }, (row) => {
      const values = row.values as ExcelJS.CellValue[];
      table.push(values.slice(1).map(cellValue));
    });
    return rowsFromTable(table).rows;
  } catch (err) {
    if (err instanceof ReportFileError) throw err;
    throw new ReportFileError(422, 'unreadable_file', `文件无法读取:${(err as Error).message}。The file cannot be read as ${format.toUpperCase()}.`);
  }
}

/** The export's column widths in a workbook, in characters (its id, times, names, the description …). */
const EXPORT_WIDTHS = [38, 16, 12, 10, 12, 12, 12, 27, 40, 14, 14, 14, 27, 27, 8, 30];

/** An export's table as CSV (UTF-8 with BOM) or as a workbook. */
export async function writeReportTable(format: 'csv' | 'xlsx', headers: string[], cells: unknown[][]): Promise<Uint8Array> {
  if (format === 'csv') return new TextEncoder().encode(toCsv(headers, cells));
  // the cells are typed already: a note that reads "120" stays the text it was written as
  return writeWorkbook('问题台账', [{ title: '问题台账', headers, rows: cells, numbers: false, widths: EXPORT_WIDTHS }]);
}

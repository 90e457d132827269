import ExcelJS from 'exceljs';
import type { Insertable } from 'kysely';
import type { Deps } from './context.ts';
import { currentTownship, townshipRouter } from './context.ts';
import { AppError } from './errors.ts';
import { recordAudit, type AuditActor } from './audit.ts';
import { assignmentFor } from './reports.ts';
import { viewContext } from './report-views.ts';
import { existingReportIds, insertReportEvents, insertReports, queryReports, takenReportIds, type ReportFilter } from '../store/reports.ts';
import type { ReportEventTable, ReportTable } from '../store/schema.ts';
import { toCsv } from '../briefing/csv.ts';
import { GeoFileError, MAX_UNZIPPED_BYTES, unzipEntries } from '../exchange/geo-files.ts';
import { parseCsv } from '../exchange/csv.ts';
import { checkReportRow, headerOf, REPORT_COLUMNS, rowsFromGeoJson, rowsFromTable, type CheckedRow, type ImportRow } from '../exchange/reports-table.ts';
import { isoWithOffset } from '../domain/calendar.ts';
import { deadlineFor } from '../domain/responsibility.ts';
import { STATUS_NAMES_ZH } from '../domain/lifecycle.ts';

// Reports out of and into the product: GeoJSON (RFC 7946), CSV (UTF-8 with BOM) and XLSX, with the same columns,
// so an export re-imports to the same reports.

export const EXPORT_MAX = 200_000;
export type ExportFormat = 'geojson' | 'csv' | 'xlsx';

async function exportRows(deps: Deps, filter: Omit<ReportFilter, 'townshipId' | 'limit'>) {
  const t = await currentTownship(deps);
  const ctx = await viewContext(deps, t);
  const rows = await queryReports(deps.store.db, deps.store.dialect, { ...filter, townshipId: t.id, limit: EXPORT_MAX });
  const truncated = rows.length > EXPORT_MAX;
  const tz = t.timezone;
  const name = (id: string | null) => (id ? ctx.areas.get(id)?.nameZh ?? null : null);
  const records = rows.slice(0, EXPORT_MAX).map((r) => ({
    id: r.id,
    category: r.category_code,
    category_name: ctx.categories.get(r.category_code)?.name_zh ?? r.category_code,
    status: r.status,
    status_name: STATUS_NAMES_ZH[r.status],
    lon: r.lon,
    lat: r.lat,
    observed_at: isoWithOffset(r.observed_at, tz),
    description: r.description,
    zone: name(r.zone_id),
    village: name(r.village_id),
    responsible: name(r.responsible_area_id),
    deadline_at: r.deadline_at ? isoWithOffset(r.deadline_at, tz) : null,
    closed_at: r.closed_at ? isoWithOffset(r.closed_at, tz) : null,
    source: r.source,
    media_url: r.media_url,
  }));
  return { t, records, truncated };
}

/** The filtered reports as a file. */
export async function exportReports(deps: Deps, filter: Omit<ReportFilter, 'townshipId' | 'limit'>, format: ExportFormat) {
  const { t, records, truncated } = await exportRows(deps, filter);
  const stamp = isoWithOffset(deps.now().toISOString(), t.timezone).slice(0, 10);
  const filename = `reports-${t.code}-${stamp}.${format}`;
  if (format === 'geojson') {
    const body = JSON.stringify({
      type: 'FeatureCollection',
      features: records.map(({ id, lon, lat, ...p }) => ({ type: 'Feature', id, geometry: { type: 'Point', coordinates: [lon, lat] }, properties: { id, ...p } })),
    });
    return { body: Buffer.from(body), type: 'application/geo+json', filename, truncated, count: records.length };
  }
  const headers = REPORT_COLUMNS.map(([k]) => headerOf(k));
  const cells = records.map((r) => REPORT_COLUMNS.map(([k]) => r[k]));
  if (format === 'csv') return { body: Buffer.from(toCsv(headers, cells)), type: 'text/csv; charset=utf-8', filename, truncated, count: records.length };
  const wb = new ExcelJS.Workbook();
  wb.creator = '创文卫生热点地图';
  const ws = wb.addWorksheet('问题台账', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.addRow(headers).font = { bold: true };
  for (const row of cells) ws.addRow(row.map((v) => (typeof v === 'string' && /^[=+\-@]/.test(v) ? `'${v}` : v)));
  ws.columns.forEach((c, i) => {
    c.width = [38, 16, 12, 10, 12, 12, 12, 27, 40, 14, 14, 14, 27, 27, 8, 30][i] ?? 14;
  });
  return { body: Buffer.from(await wb.xlsx.writeBuffer()), type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', filename, truncated, count: records.length };
}

export type ImportFormat = 'csv' | 'xlsx' | 'geojson';

/** The plain value of an XLSX cell (rich text, links and formulas read as what they show). */
function cellValue(v: ExcelJS.CellValue): unknown {
  if (v === null || v === undefined) return undefined;
  if (typeof v !== 'object' || v instanceof Date) return v;
  if ('richText' in v) return v.richText.map((r) => r.text).join('');
  if ('text' in v) return typeof v.text === 'string' ? v.text : cellValue(v.text as ExcelJS.CellValue);
  if ('result' in v) return cellValue(v.result as ExcelJS.CellValue);
  return undefined;
}

/** Reads a file into import rows; a file that cannot be read at all is a 422 naming why. */
export async function readReportFile(bytes: Buffer, format: ImportFormat): Promise<ImportRow[]> {
  try {
    if (format === 'geojson') return rowsFromGeoJson(JSON.parse(bytes.toString('utf8')));
    if (format === 'csv') return rowsFromTable(parseCsv(bytes.toString('utf8'))).rows;
    // A workbook is a zip: checked for what it inflates to before the spreadsheet reader opens it.
    try {
      unzipEntries(bytes);
    } catch (err) {
      if (err instanceof GeoFileError || err instanceof RangeError) throw new AppError(413, 'file_too_large', `工作簿解压后过大。The workbook unpacks to more than ${MAX_UNZIPPED_BYTES / 1048576} MB.`);
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
    if (err instanceof AppError) throw err;
    throw new AppError(422, 'unreadable_file', `文件无法读取:${(err as Error).message}。The file cannot be read as ${format.toUpperCase()}.`);
  }
}

export interface ImportReport {
  dryRun: boolean;
  total: number;
  /** Rows that would be (or were) imported. */
  imported: number;
  /** Rows whose id the township already holds: left as they are. */
  alreadyThere: number;
  errors: Array<{ line: number; problems: string[] }>;
}

/**
 * Checks every row; with dryRun, only says what would happen. The real run imports in one transaction, and only
 * when no row has a problem: a file is taken whole or not at all.
 */
export async function importReports(
  deps: Deps,
  actor: AuditActor,
  rows: readonly ImportRow[],
  opts: { dryRun: boolean; onProgress?: (done: number, total: number) => void },
): Promise<ImportReport> {
  if (!rows.length) throw new AppError(422, 'empty_file', '文件中没有数据行(第一行应为表头)。The file holds no rows to import (the first row is the header).');
  const t = await currentTownship(deps);
  const { router } = await townshipRouter(deps, t);
  const ctx = await viewContext(deps, t);
  const categories = new Map([...ctx.categories.values()].filter((c) => c.active === 1).map((c) => [c.code, { nameZh: c.name_zh, nameEn: c.name_en }]));
  const now = deps.now();
  const checked: CheckedRow[] = rows.map((r) => checkReportRow(r, { townshipId: t.id, categories, inside: (lon, lat) => router.route(lon, lat) !== null, now }));
  const ids = checked.flatMap((c) => (c.value?.id ? [c.value.id] : []));
  const own = await existingReportIds(deps.store.db, t.id, ids);
  const taken = await takenReportIds(deps.store.db, ids.filter((id) => !own.has(id)));
  const seen = new Set<string>();
  for (const c of checked) {
    const id = c.value?.id;
    if (!id) continue;
    if (taken.has(id)) c.problems.push('编号已被其他镇使用。The id belongs to another township.');
    if (seen.has(id)) c.problems.push('编号(或整行内容)在文件中重复。The id, or the whole row, appears twice in the file.');
    seen.add(id);
  }
  const errors = checked.filter((c) => c.problems.length).map((c) => ({ line: c.line, problems: c.problems }));
  const fresh = checked.filter((c) => !c.problems.length && !own.has(c.value!.id));
  const report: ImportReport = { dryRun: opts.dryRun, total: rows.length, imported: fresh.length, alreadyThere: checked.length - errors.length - fresh.length, errors };
  if (opts.dryRun) return report;
  if (errors.length) throw new AppError(422, 'import_has_errors', `${errors.length} 行有问题,未导入任何数据。${errors.length} rows have problems; nothing was imported. Fix them and try again.`, report);

  const nowIso = now.toISOString();
  const built: { row: Insertable<ReportTable>; event: Insertable<ReportEventTable> }[] = [];
  for (const c of fresh) {
    const v = c.value!;
    const category = ctx.categories.get(v.category)!;
    const { place, responsible, assignee } = await assignmentFor(deps, router.route(v.lon, v.lat)!, category);
    const open = v.status === 'reported' || v.status === 'notified';
    const id = v.id;
    built.push({
      row: {
        id,
        township_id: t.id,
        category_code: v.category,
        lon: v.lon,
        lat: v.lat,
        accuracy_m: null,
        description: v.description ?? null,
        status: v.status,
        zone_id: place.zoneId,
        village_id: place.villageId,
        unit_id: place.unitId,
        reporter_id: null,
        duplicate_of: null,
        captured_at: v.observedAt,
        received_at: nowIso,
        observed_at: v.observedAt,
        deadline_at: open || v.status === 'rectified' ? deadlineFor({ deadlineHours: category.deadline_hours, sameDay: category.same_day === 1 }, v.observedAt, t.timezone) : null,
        closed_at: open || v.status === 'rectified' ? null : v.observedAt,
        updated_at: nowIso,
        idempotency_key: null,
        assignee_id: assignee?.id ?? null,
        responsible_area_id: responsible,
        rectified_by: null,
        recurrence_of: null,
        source: 'import',
        media_url: v.mediaUrl ?? null,
      },
      event: { report_id: id, township_id: t.id, type: 'imported', from_status: null, to_status: v.status, actor_id: actor.id, at: nowIso, note: null, data: JSON.stringify({ line: c.line }) },
    });
  }
  const STEP = 2000;
  await deps.store.db.transaction().execute(async (trx) => {
    for (let i = 0; i < built.length; i += STEP) {
      const part = built.slice(i, i + STEP);
      await insertReports(trx, part.map((b) => b.row));
      await insertReportEvents(trx, part.map((b) => b.event));
      opts.onProgress?.(Math.min(built.length, i + STEP), built.length);
    }
    await recordAudit(deps, trx, { townshipId: t.id, actor, action: 'reports.import', target: `township:${t.code}`, detail: { imported: built.length, alreadyThere: report.alreadyThere } });
  });
  return report;
}

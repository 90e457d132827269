import type { Insertable } from 'kysely';
import type { Deps } from './context.ts';
import { currentTownship, townshipRouter } from './context.ts';
import { AppError } from './errors.ts';
import { recordAudit, type AuditActor } from './audit.ts';
import { assignmentFor } from './reports.ts';
import { viewContext } from './report-views.ts';
import { insertReportEvents, insertReports } from '../store/reports.ts';
import { queryReports, type ReportFilter } from '../store/report-query.ts';
import { ledgerStoreFilter, type LedgerFilter } from './ledger.ts';
import { ruleWith, workCalendar } from './working-calendar.ts';
import { existingReportIds, takenReportIds } from '../store/report-bulk.ts';
import type { ReportEventTable, ReportTable } from '../store/schema.ts';
import { writeReportTable, type ImportFormat } from '../exchange/report-files.ts';
import { runJob } from '../workers/pool.ts';
import { checkReportRow, headerOf, REPORT_COLUMNS, type CheckedRow, type ImportRow } from '../exchange/reports-table.ts';
import { isoWithOffset } from '../domain/calendar.ts';
import { deadlineFor } from '../domain/responsibility.ts';
import { gcj02ToWgs84 } from '../domain/coords.ts';
import { STATUS_NAMES_ZH } from '../domain/lifecycle.ts';
import { FILE_TYPES } from '../exchange/file-types.ts';

// Reports out of and into the product: GeoJSON (RFC 7946), CSV (UTF-8 with BOM) and XLSX, with the same columns,
// so an export re-imports to the same reports.

export const EXPORT_MAX = 200_000;
export type ExportFormat = 'geojson' | 'csv' | 'xlsx';

async function exportRows(deps: Deps, filter: LedgerFilter) {
  const t = await currentTownship(deps);
  const ctx = await viewContext(deps, t);
  const f = await ledgerStoreFilter(deps, t, filter, ctx.now);
  const rows = await queryReports(deps.store.db, deps.store.dialect, { ...f, limit: EXPORT_MAX });
  const truncated = rows.length > EXPORT_MAX;
  const tz = t.timezone;
  const name = (id: string | null) => (id ? ctx.areas.get(id)?.nameZh ?? null : null);
  const records = rows.slice(0, EXPORT_MAX).map((r) => ({
    case_no: r.case_no,
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
export async function exportReports(deps: Deps, filter: LedgerFilter, format: ExportFormat, who = 'system') {
  const { t, records, truncated } = await exportRows(deps, filter);
  const stamp = isoWithOffset(deps.now().toISOString(), t.timezone).slice(0, 10);
  const filename = `reports-${t.code}-${stamp}.${format}`;
  if (format === 'geojson') {
    const body = JSON.stringify({
      type: 'FeatureCollection',
      features: records.map(({ id, lon, lat, ...p }) => ({ type: 'Feature', id, geometry: { type: 'Point', coordinates: [lon, lat] }, properties: { id, ...p } })),
    });
    return { body: Buffer.from(body), type: FILE_TYPES.geojson, filename, truncated, count: records.length };
  }
  const headers = REPORT_COLUMNS.map(([k]) => headerOf(k));
  const cells = records.map((r) => REPORT_COLUMNS.map(([k]) => r[k]));
  // Writing a large ledger takes seconds: a workbook, or a CSV of over 10 000 rows, is written in the worker pool.
  const body = format === 'csv' && cells.length <= 10_000 ? await writeReportTable('csv', headers, cells) : await runJob<Uint8Array>(who, { kind: 'report-table', format, headers, cells });
  return { body: Buffer.from(body), type: FILE_TYPES[format], filename, truncated, count: records.length };
}

export type { ImportFormat };

/** Reads a file into import rows in the worker pool; a file that cannot be read at all is a 413 or 422 naming why. */
export async function readReportFile(who: string, bytes: Uint8Array, format: ImportFormat): Promise<ImportRow[]> {
  const r = await runJob<{ ok: true; rows: ImportRow[] } | { ok: false; status: 413 | 422; code: string; message: string }>(who, { kind: 'report-file', bytes, format });
  if (!r.ok) throw new AppError(r.status, r.code, r.message);
  return r.rows;
}

function gcjRow(r: ImportRow): ImportRow {
  const lon = typeof r.lon === 'number' ? r.lon : Number(String(r.lon ?? '').trim());
  const lat = typeof r.lat === 'number' ? r.lat : Number(String(r.lat ?? '').trim());
  if (!Number.isFinite(lon) || !Number.isFinite(lat) || r.lon === undefined || r.lat === undefined) return r;
  const [x, y] = gcj02ToWgs84(lon, lat);
  return { ...r, lon: Math.round(x * 1e7) / 1e7, lat: Math.round(y * 1e7) / 1e7 };
}

export interface ImportReport {
  dryRun: boolean;
  total: number;
  /** Rows that would be (or were) imported. */
  imported: number;
  /** Rows whose id the township already holds: left as they are. */
  alreadyThere: number;
  errors: Array<{ line: number; problems: string[] }>;
  /** Open rows whose deadline had passed before the import, and what is done about them. */
  pastDeadline: { rows: number; treatment: 'waive' | 'charge'; message: string };
}

/**
 * Checks every row; with dryRun, only says what would happen. The real run imports in one transaction, and only
 * when no row has a problem: a file is taken whole or not at all.
 */
export async function importReports(
  deps: Deps,
  actor: AuditActor,
  rows: readonly ImportRow[],
  opts: { dryRun: boolean; pastDeadlines?: 'waive' | 'charge'; crs?: 'wgs84' | 'gcj02'; onProgress?: (done: number, total: number) => void },
): Promise<ImportReport> {
  if (!rows.length) throw new AppError(422, 'empty_file', '文件中没有数据行(第一行应为表头)。The file holds no rows to import (the first row is the header).');
  const t = await currentTownship(deps);
  const { router } = await townshipRouter(deps, t);
  const ctx = await viewContext(deps, t);
  const categories = new Map([...ctx.categories.values()].filter((c) => c.active === 1).map((c) => [c.code, { nameZh: c.name_zh, nameEn: c.name_en }]));
  const now = deps.now();
  // a file declared GCJ-02 (exported from WeChat or Amap) has its points moved to WGS84 before they are checked
  const inWgs84 = opts.crs === 'gcj02' ? rows.map((r) => gcjRow(r)) : rows;
  const checked: CheckedRow[] = inWgs84.map((r) => checkReportRow(r, { townshipId: t.id, categories, inside: (lon, lat) => router.route(lon, lat) !== null, now, timeZone: t.timezone }));
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
  // Open rows whose deadline is already past: charged at once by the next sweep unless waived (the default) — the
  // responsible party never had the chance the deadline gives.
  const treatment = opts.pastDeadlines ?? 'waive';
  const calendar = await workCalendar(deps, t);
  const nowMs = now.getTime();
  const past = fresh.filter((c) => {
    const v = c.value!;
    const cat = ctx.categories.get(v.category);
    if (!cat || !(v.status === 'reported' || v.status === 'notified')) return false;
    return Date.parse(deadlineFor(ruleWith(cat, calendar), v.observedAt, t.timezone)) < nowMs;
  }).length;
  const report: ImportReport = {
    dryRun: opts.dryRun,
    total: rows.length,
    imported: fresh.length,
    alreadyThere: checked.length - errors.length - fresh.length,
    errors,
    pastDeadline: {
      rows: past,
      treatment,
      message:
        treatment === 'waive'
          ? `${past} 条未结案问题的整改期限在导入前已过:不扣款,标记为导入(可用 pastDeadlines=charge 改为扣款)。${past} open items had passed their deadline before the import: not charged, marked as imported (pastDeadlines=charge charges them).`
          : `${past} 条未结案问题的整改期限在导入前已过:将立即扣款。${past} open items had passed their deadline before the import: they will be charged at once.`,
    },
  };
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
        deadline_at: open || v.status === 'rectified' ? deadlineFor(ruleWith(category, calendar), v.observedAt, t.timezone) : null,
        closed_at: open || v.status === 'rectified' ? null : v.observedAt,
        updated_at: nowIso,
        idempotency_key: null,
        assignee_id: assignee?.id ?? null,
        responsible_area_id: responsible,
        rectified_by: null,
        recurrence_of: null,
        // 'import': a deadline already past at the import is not charged; 'import_charged': it is
        source: treatment === 'charge' ? 'import_charged' : 'import',
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

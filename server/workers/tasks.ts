import { hotSpotsOver, lowestReachableZ } from '../analysis/getis-ord.ts';
import { densityPeaks } from '../analysis/kde.ts';
import { neighboursWithin } from '../analysis/neighbours.ts';
import { emergingHotSpots } from '../analysis/emerging.ts';
import { boundaryGeometry, type BoundaryGeometryInput } from '../exchange/boundary-geometry.ts';
import { ohsaBand, ohsaCellSize } from '../analysis/ohsa.ts';
import { chronicSpots, timePatterns, type Incident, type NamedPlace } from '../analysis/patterns.ts';
import type { MarketDayRule } from '../domain/calendar.ts';
import { briefingPdf, tablesPdf } from '../briefing/pdf.ts';
import { briefingXlsx } from '../briefing/xlsx.ts';
import { writeWorkbook } from '../exchange/workbook.ts';
import { periodFootnote, periodSpan, periodTables, periodTitle, type PeriodReportData } from '../briefing/period.ts';
import { readGeoFile, GeoFileError } from '../exchange/geo-files.ts';
import type { BriefingData } from '../briefing/types.ts';
import { parseReportFile, ReportFileError, writeReportTable, type ImportFormat } from '../exchange/report-files.ts';

// What runs in the worker threads: pure computations over plain data, handed over by the pool (workers/pool.ts).
// Nothing here touches the database; results come back as typed arrays or plain objects.

export type Job =
  | { kind: 'ping' }
  | { kind: 'hotspots'; x: Float64Array; y: Float64Array; values: Float64Array; band: number }
  | { kind: 'ohsa-cell'; x: Float64Array; y: Float64Array }
  | { kind: 'ohsa-band'; x: Float64Array; y: Float64Array; values: Float64Array }
  | { kind: 'emerging'; x: Float64Array; y: Float64Array; counts: Float64Array; weeks: number; band: number }
  | { kind: 'density'; points: { x: Float64Array; y: Float64Array }; radius: number; top: number }
  | { kind: 'chronic'; incidents: Incident[]; eps: number; minPts: number; weekStarts: number[]; places: NamedPlace[] }
  | { kind: 'time-patterns'; incidents: Incident[]; timeZone: string; marketRule: MarketDayRule; days: { date: string; share: number }[] }
  | { kind: 'report-file'; bytes: Uint8Array; format: ImportFormat }
  | { kind: 'report-table'; format: 'csv' | 'xlsx'; headers: string[]; cells: unknown[][] }
  | { kind: 'briefing-pdf'; data: BriefingData }
  | { kind: 'briefing-xlsx'; data: BriefingData }
  | { kind: 'period-pdf'; data: PeriodReportData }
  | { kind: 'period-xlsx'; data: PeriodReportData }
  | { kind: 'boundary-geometry'; input: BoundaryGeometryInput }
  | { kind: 'geo-file'; bytes: Uint8Array; filename: string; crs?: string | undefined; siblings?: Array<[string, Uint8Array]> };

/** Runs one job; its result is copied back to the main thread (typed arrays of a grid: a few hundred KB). */
export async function run(job: Job): Promise<unknown> {
  switch (job.kind) {
    case 'ping':
      return 'pong';
    case 'hotspots': {
      const nb = neighboursWithin({ x: job.x, y: job.y }, job.band);
      const r = hotSpotsOver(job.values, nb);
      return { z: r.z, p: r.p, bin: r.bin, lowestZ: lowestReachableZ(job.values, nb) };
    }
    case 'ohsa-cell':
      return ohsaCellSize({ x: job.x, y: job.y });
    case 'ohsa-band':
      return ohsaBand({ x: job.x, y: job.y }, job.values);
    case 'emerging': {
      const r = emergingHotSpots({ neighbours: neighboursWithin({ x: job.x, y: job.y }, job.band), counts: job.counts, cells: job.x.length, weeks: job.weeks });
      return { state: r.state, tau: r.tau, trendP: r.trendP, category: r.category };
    }
    case 'density':
      return densityPeaks(job.points, job.radius, job.top);
    case 'chronic':
      return chronicSpots(job.incidents, { eps: job.eps, minPts: job.minPts, weekStarts: job.weekStarts, places: job.places });
    case 'time-patterns':
      return timePatterns(job.incidents, { timeZone: job.timeZone, marketRule: job.marketRule, days: job.days });
    case 'report-file':
      try {
        return { ok: true, rows: await parseReportFile(job.bytes, job.format) };
      } catch (err) {
        if (err instanceof ReportFileError) return { ok: false, status: err.status, code: err.code, message: err.message };
        throw err;
      }
    case 'report-table':
      return writeReportTable(job.format, job.headers, job.cells);
    case 'briefing-pdf':
      return new Uint8Array(await briefingPdf(job.data));
    case 'briefing-xlsx':
      return briefingXlsx(job.data);
    case 'period-pdf':
      return new Uint8Array(
        await tablesPdf(periodTitle(job.data), periodSpan(job.data), periodTables(job.data), periodFootnote(job.data)),
      );
    case 'period-xlsx':
      return writeWorkbook(periodTitle(job.data), periodTables(job.data));
    case 'boundary-geometry':
      return boundaryGeometry(job.input);
    case 'geo-file':
      try {
        return { ok: true, file: readGeoFile(job.bytes, job.filename, { crs: job.crs, ...(job.siblings ? { siblings: new Map(job.siblings) } : {}) }) };
      } catch (err) {
        // The reader's refusal is a message for the person, carried back as data (errors lose their class here).
        if (err instanceof GeoFileError) return { ok: false, message: err.message };
        throw err;
      }
  }
}

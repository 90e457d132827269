import { hotSpots } from '../analysis/getis-ord.ts';
import { kernelDensity } from '../analysis/kde.ts';
import { chronicSpots, timePatterns, type Incident, type NamedPlace } from '../analysis/patterns.ts';
import type { MarketDayRule } from '../domain/calendar.ts';
import { briefingPdf } from '../briefing/pdf.ts';
import { briefingXlsx } from '../briefing/xlsx.ts';
import { readGeoFile, GeoFileError } from '../exchange/geo-files.ts';
import type { BriefingData } from '../briefing/types.ts';
import { parseReportFile, ReportFileError, writeReportTable, type ImportFormat } from '../exchange/report-files.ts';

// What runs in the worker threads: pure computations over plain data, handed over by the pool (workers/pool.ts).
// Nothing here touches the database; results come back as typed arrays or plain objects.

export type Job =
  | { kind: 'ping' }
  | { kind: 'hotspots'; x: Float64Array; y: Float64Array; counts: Float64Array; band: number }
  | { kind: 'density'; points: { x: Float64Array; y: Float64Array }; grid: { x: Float64Array; y: Float64Array }; radius: number }
  | { kind: 'chronic'; incidents: Incident[]; eps: number; minPts: number; weekStarts: number[]; places: NamedPlace[] }
  | { kind: 'time-patterns'; incidents: Incident[]; timeZone: string; marketRule: MarketDayRule; days: string[] }
  | { kind: 'report-file'; bytes: Uint8Array; format: ImportFormat }
  | { kind: 'report-table'; format: 'csv' | 'xlsx'; headers: string[]; cells: unknown[][] }
  | { kind: 'briefing-pdf'; data: BriefingData }
  | { kind: 'briefing-xlsx'; data: BriefingData }
  | { kind: 'geo-file'; bytes: Uint8Array; filename: string; crs?: string | undefined; siblings?: Array<[string, Uint8Array]> };

/** Runs one job; its result is copied back to the main thread (typed arrays of a grid: a few hundred KB). */
export async function run(job: Job): Promise<unknown> {
  switch (job.kind) {
    case 'ping':
      return 'pong';
    case 'hotspots': {
      const r = hotSpots({ x: job.x, y: job.y }, job.counts, job.band);
      return { z: r.z, p: r.p, bin: r.bin };
    }
    case 'density':
      return kernelDensity(job.points, job.grid, job.radius);
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
      return new Uint8Array(await briefingXlsx(job.data));
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

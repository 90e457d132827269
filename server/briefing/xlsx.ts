import type { BriefingData } from './types.ts';
import { briefingTables } from './tables.ts';
import { writeWorkbook } from '../exchange/workbook.ts';

/** The briefing's tables as a workbook, one sheet per table. */
export function briefingXlsx(d: BriefingData): Promise<Uint8Array> {
  return writeWorkbook(`${d.township.nameZh}创文卫生热点周报 ${d.week}`, briefingTables(d));
}

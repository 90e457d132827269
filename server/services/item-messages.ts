import type { Transaction } from 'kysely';
import type { Deps } from './context.ts';
import { currentTownship } from './context.ts';
import { queueEvent } from './webhooks.ts';
import { listWebhooks } from '../store/integrations.ts';
import { listAreas } from '../store/areas.ts';
import { listCategories, type CategoryRow } from '../store/categories.ts';
import { findDueBetween } from '../store/report-deadlines.ts';
import type { ReportRow } from '../store/reports.ts';
import type { Database } from '../store/schema.ts';
import type { TownshipRow } from '../store/townships.ts';
import { localDateTime } from '../domain/calendar.ts';
import { DUE_SOON_HOURS } from '../domain/task-order.ts';

// What the group robots are told about an item: it is overdue, it is urged, or its deadline is near.

/** The message a group chat gets when the office urges an item (催办), with an @-mention of whoever answers for it. */
export async function urgePayload(deps: Deps, trx: Transaction<Database>, t: TownshipRow, row: ReportRow, note: string | null) {
  const areas = await listAreas(trx, t.id);
  const area = areas.find((a) => a.id === row.responsible_area_id);
  const category = (await listCategories(trx, t.id)).find((c) => c.code === row.category_code);
  const name = category?.name_zh ?? row.category_code;
  const deadline = row.deadline_at ? localDateTime(row.deadline_at, t.timezone) : '—';
  return {
    event: 'report.urged' as const,
    title: `【催办】${row.case_no ? `${row.case_no} ` : ''}${name} · ${area?.name_zh ?? t.name_zh}`,
    text: `请尽快整改,期限 ${deadline}。${note ? `\n${note}` : ''}\nPlease rectify soon; due ${deadline}.`,
    link: deps.options.publicUrl ? `${deps.options.publicUrl}/?report=${row.id}` : null,
    data: { reportId: row.id, caseNo: row.case_no, deadlineAt: row.deadline_at, responsibleAreaId: row.responsible_area_id, responsiblePhone: area?.responsible_phone ?? null, lon: row.lon, lat: row.lat },
  };
}

/** The message a group chat gets when an item passes its deadline. */
export function overduePayload(
  deps: Deps,
  t: TownshipRow,
  row: ReportRow,
  category: CategoryRow | undefined,
  areaNames: ReadonlyMap<string, string>,
  d: { amount_yuan: number; points: number },
  phones: ReadonlyMap<string, string> = new Map(),
) {
  const where = [row.zone_id, row.village_id].map((id) => (id ? areaNames.get(id) : undefined)).filter(Boolean).join(' · ') || t.name_zh;
  const who = (row.responsible_area_id && areaNames.get(row.responsible_area_id)) || where;
  const name = category?.name_zh ?? row.category_code;
  const deadline = row.deadline_at ? localDateTime(row.deadline_at, t.timezone) : '';
  return {
    event: 'report.overdue' as const,
    title: `【超期未整改】${row.case_no ? `${row.case_no} ` : ''}${name} · ${who}`,
    text: `${where}的“${name}”已超过整改期限(${deadline}),扣款 ${d.amount_yuan} 元、扣 ${d.points} 分。\nOverdue since ${deadline}: ${category?.name_en ?? row.category_code}, ${d.amount_yuan} yuan and ${d.points} points off.`,
    link: deps.options.publicUrl ? `${deps.options.publicUrl}/?report=${row.id}` : null,
    data: {
      reportId: row.id,
      caseNo: row.case_no,
      category: row.category_code,
      deadlineAt: row.deadline_at,
      responsibleAreaId: row.responsible_area_id,
      // the robot @-mentions the person answering for the area, where the platform allows it
      responsiblePhone: (row.responsible_area_id && phones.get(row.responsible_area_id)) || null,
      amountYuan: d.amount_yuan,
      points: d.points,
      lon: row.lon,
      lat: row.lat,
    },
  };
}

/**
 * Tells the group robots subscribed to report.due_soon about each item due within DUE_SOON_HOURS, once per
 * deadline (the delivery's key holds it), with an @-mention of whoever answers for it. Returns how many items.
 */
export async function noticeDueSoon(deps: Deps, township?: TownshipRow): Promise<number> {
  const t = township ?? (await currentTownship(deps));
  const db = deps.store.db;
  const hooks = (await listWebhooks(db, t.id)).filter((h) => h.active === 1 && (JSON.parse(h.events) as string[]).includes('report.due_soon'));
  if (!hooks.length) return 0;
  const now = deps.now();
  const soon = await findDueBetween(db, t.id, now.toISOString(), new Date(now.getTime() + DUE_SOON_HOURS * 3_600_000).toISOString());
  if (!soon.length) return 0;
  const areas = new Map((await listAreas(db, t.id)).map((a) => [a.id, a]));
  const categories = new Map((await listCategories(db, t.id)).map((c) => [c.code, c]));
  await db.transaction().execute(async (trx) => {
    for (const row of soon) {
      const area = row.responsible_area_id ? areas.get(row.responsible_area_id) : undefined;
      const name = categories.get(row.category_code)?.name_zh ?? row.category_code;
      const deadline = localDateTime(row.deadline_at!, t.timezone);
      await queueEvent(deps, trx, t, hooks, `due-soon:${row.id}:${row.deadline_at}`, {
        event: 'report.due_soon',
        title: `【即将到期】${row.case_no ? `${row.case_no} ` : ''}${name} · ${area?.name_zh ?? t.name_zh}`,
        text: `整改期限 ${deadline},请抓紧处理。\nDue at ${deadline}.`,
        link: deps.options.publicUrl ? `${deps.options.publicUrl}/?report=${row.id}` : null,
        data: { reportId: row.id, caseNo: row.case_no, deadlineAt: row.deadline_at, responsibleAreaId: row.responsible_area_id, responsiblePhone: area?.responsible_phone ?? null, lon: row.lon, lat: row.lat },
      });
    }
  });
  return soon.length;
}

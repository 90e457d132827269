import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import type { Database, ReportTable } from './schema.ts';
import { caseYear, defaultCasePrefix, formatCaseNo } from '../domain/case-numbers.ts';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Gives each row without a case number the next numbers of its township and year, in the order the problems were
 * seen (filling in case_no on the rows given). A block of numbers is taken from the counter in one statement (the row lock on PostgreSQL, the one writer
 * on SQLite), so two writers never get the same number; a load that fails after taking them leaves a gap.
 */
export async function assignCaseNumbers(db: Db, rows: Insertable<ReportTable>[]): Promise<void> {
  const todo = rows.filter((r) => !r.case_no);
  if (!todo.length) return;
  const ids = [...new Set(todo.map((r) => r.township_id))];
  const townships = await numberingOf(db, ids);
  for (const t of townships) {
    let prefix = t.case_prefix;
    if (!prefix) {
      prefix = defaultCasePrefix(t.code, t.name_zh);
      await db.updateTable('townships').set({ case_prefix: prefix }).where('id', '=', t.id).execute();
      numbering.delete(t.id);
    }
    const byYear = new Map<number, Insertable<ReportTable>[]>();
    for (const r of todo) {
      if (r.township_id !== t.id) continue;
      const y = caseYear(r.observed_at, t.timezone);
      const group = byYear.get(y);
      if (group) group.push(r);
      else byYear.set(y, [r]);
    }
    for (const [year, group] of byYear) {
      const { last } = await db
        .insertInto('case_counters')
        .values({ township_id: t.id, year, last: group.length })
        .onConflict((oc) => oc.columns(['township_id', 'year']).doUpdateSet({ last: sql`case_counters.last + ${group.length}` }))
        .returning('last')
        .executeTakeFirstOrThrow();
      const first = Number(last) - group.length + 1;
      group
        .slice()
        .sort((a, b) => a.observed_at.localeCompare(b.observed_at))
        .forEach((r, i) => (r.case_no = formatCaseNo(prefix!, year, first + i)));
    }
  }
}

// A township's prefix, once given, never changes; its time zone (which year a number belongs to) rarely: both are
// read once every few seconds rather than for every report (a round trip of each POST on PostgreSQL).
const numbering = new Map<string, { row: { id: string; code: string; name_zh: string; timezone: string; case_prefix: string | null }; at: number }>();
const NUMBERING_TTL_MS = 5_000;

async function numberingOf(db: Db, ids: string[]) {
  const now = Date.now();
  const fresh = (id: string) => {
    const e = numbering.get(id);
    return e && now - e.at < NUMBERING_TTL_MS ? e.row : undefined;
  };
  const missing = ids.filter((id) => !fresh(id));
  const read = missing.length ? await db.selectFrom('townships').select(['id', 'code', 'name_zh', 'timezone', 'case_prefix']).where('id', 'in', missing).execute() : [];
  // a township still without its prefix is read again next time, once it has been given one
  for (const row of read) if (row.case_prefix) numbering.set(row.id, { row, at: now });
  return ids.flatMap((id) => fresh(id) ?? read.find((r) => r.id === id) ?? []);
}

/** The case numbers of these reports (those it has). */
export async function caseNumbersOf(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 400) {
    const rows = await db.selectFrom('reports').select(['id', 'case_no']).where('id', 'in', ids.slice(i, i + 400)).execute();
    for (const r of rows) if (r.case_no) out.set(r.id, r.case_no);
  }
  return out;
}

/** The report with this case number in the township, if any. */
export function findReportIdByCaseNo(db: Db, townshipId: string, caseNo: string) {
  return db.selectFrom('reports').select(['id']).where('township_id', '=', townshipId).where('case_no', '=', caseNo).executeTakeFirst();
}

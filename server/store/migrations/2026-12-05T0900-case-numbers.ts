import { sql, type Kysely } from 'kysely';
import { pinyin } from 'pinyin-pro';

// Frozen: every item gets a case number (案件编号) per township and year, e.g. NJ-2026-000123. The township keeps
// its prefix; a counter per township and year hands numbers out, never twice. Items already stored are numbered
// here in the order they were seen.

const SUFFIXES = /(民族乡|街道办事处|街道|苏木|镇|乡)$/;

function prefixOf(code: string, nameZh: string): string {
  const core = nameZh.trim().replace(SUFFIXES, '');
  if (core.length >= 2 && /^\p{Script=Han}+$/u.test(core)) {
    const initials = pinyin(core, { pattern: 'first', toneType: 'none', type: 'array' }).join('').toUpperCase();
    if (/^[A-Z]{2,6}$/.test(initials)) return initials;
  }
  return code.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 8) || 'T';
}

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('townships').addColumn('case_prefix', 'text').execute();
  await db.schema.alterTable('reports').addColumn('case_no', 'text').execute();
  await db.schema
    .createTable('case_counters')
    .addColumn('township_id', 'text', (c) => c.notNull().references('townships.id'))
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('last', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('case_counters_pk', ['township_id', 'year'])
    .execute();

  const townships = await db.selectFrom('townships').select(['id', 'code', 'name_zh', 'timezone']).execute();
  for (const t of townships) {
    const prefix = prefixOf(t.code, t.name_zh);
    await db.updateTable('townships').set({ case_prefix: prefix }).where('id', '=', t.id).execute();
    const year = new Intl.DateTimeFormat('en-CA', { timeZone: t.timezone, year: 'numeric' });
    const counts = new Map<number, number>();
    let after = -1;
    for (;;) {
      const rows = await db
        .selectFrom('reports')
        .select(['seq', 'id', 'observed_at'])
        .where('township_id', '=', t.id)
        .where('seq', '>', after)
        .orderBy('seq')
        .limit(5000)
        .execute();
      if (!rows.length) break;
      after = Number(rows[rows.length - 1]!.seq);
      // numbered in the order seen within each year: the order of insertion is close to it, and exact within a load
      rows.sort((a, b) => String(a.observed_at).localeCompare(String(b.observed_at)) || Number(a.seq) - Number(b.seq));
      const values = rows.map((r) => {
        const y = Number(year.format(new Date(r.observed_at)));
        const n = (counts.get(y) ?? 0) + 1;
        counts.set(y, n);
        return sql`(${r.id}, ${`${prefix}-${y}-${String(n).padStart(6, '0')}`})`;
      });
      await sql`WITH v(i, c) AS (VALUES ${sql.join(values)})
        UPDATE reports SET case_no = (SELECT c FROM v WHERE v.i = reports.id) WHERE id IN (SELECT i FROM v)`.execute(db);
    }
    for (const [y, n] of counts) await db.insertInto('case_counters').values({ township_id: t.id, year: y, last: n }).execute();
  }
  await db.schema.createIndex('reports_case_no').unique().on('reports').columns(['township_id', 'case_no']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('reports_case_no').ifExists().execute();
  await db.schema.dropTable('case_counters').ifExists().execute();
  await db.schema.alterTable('reports').dropColumn('case_no').execute();
  await db.schema.alterTable('townships').dropColumn('case_prefix').execute();
}

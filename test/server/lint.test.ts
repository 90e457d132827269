import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The house's arrows are in the linter (eslint.config.js): a wrong import planted in each room fails `npm run lint`,
// and the right one passes.

const eslint = new ESLint({ cwd: process.cwd() });

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.severity === 2).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('the import boundaries', () => {
  it('keep domain and analysis free of I/O and of the rooms above them', async () => {
    expect(await problems('server/domain/planted.ts', "import fs from 'node:fs';\nexport const a = fs;\n")).toEqual([expect.stringContaining('run in the browser too')]);
    expect(await problems('server/analysis/planted.ts', "import path from 'path';\nexport const a = path;\n")).toEqual([expect.stringContaining('run in the browser too')]);
    expect(await problems('server/domain/planted.ts', "import { listUsers } from '../store/users.ts';\nexport const a = listUsers;\n")).toEqual([expect.stringContaining('may not import store')]);
    expect(await problems('server/domain/planted.ts', "import { percent } from './case-rates.ts';\nexport const a = percent;\n")).toEqual([]);
  });

  it('keep the store below the services, and migrations frozen', async () => {
    expect(await problems('server/store/planted.ts', "import { caseRates } from '../services/rates.ts';\nexport const a = caseRates;\n")).toEqual([expect.stringContaining('may not import services')]);
    expect(await problems('server/store/migrations/2099-01-01T0000-planted.ts', "import type { Database } from '../schema.ts';\nexport type A = Database;\n")).toEqual([
      expect.stringContaining('migrations are frozen'),
    ]);
    expect(await problems('server/store/migrations/2099-01-01T0000-planted.ts', "import { sql, type Kysely } from 'kysely';\nexport const a: [typeof sql, Kysely<any> | null] = [sql, null];\n")).toEqual([]);
  });

  it('keep SQL in the store', async () => {
    expect(await problems('server/services/planted.ts', "import { sql } from 'kysely';\nexport const a = sql;\n")).toEqual([expect.stringContaining('SQL lives in server/store')]);
    expect(await problems('server/services/planted.ts', "import type { Transaction } from 'kysely';\nexport type A = Transaction<unknown>;\n")).toEqual([]);
  });

  it('let an end-to-end spec speak only through the driver, waiting for conditions', async () => {
    expect(await problems('test/e2e/specs/planted.test.ts', "import { TownMap } from '../driver.ts';\nexport const a = (m: TownMap) => m.page.click('#x');\n")).toEqual([
      expect.stringContaining('through the driver'),
    ]);
    expect(await problems('test/e2e/specs/planted.test.ts', "export const a = (m: { waitForTimeout(n: number): void }) => m.waitForTimeout(800);\n")).toEqual([expect.stringContaining('never a pause')]);
    expect(await problems('test/e2e/specs/planted.test.ts', "import { openPage } from '../helper.ts';\nexport const a = openPage;\n")).toEqual([expect.stringContaining('not Playwright')]);
    expect(await problems('test/e2e/specs/planted.test.ts', "import { TownMap } from '../driver.ts';\nexport const a = (m: TownMap) => m.showAnalysis('hotspots');\n")).toEqual([]);
  });

  it('let the web import the server’s pure rules, and its API only as types', async () => {
    expect(await problems('web/views/Planted.tsx', "import { listUsers } from '../../server/store/users.ts';\nexport const a = listUsers;\n")).toEqual([expect.stringContaining('not server/store')]);
    expect(await problems('web/views/Planted.tsx', "import { createApp } from '../../server/app.ts';\nexport const a = createApp;\n")).toEqual([expect.stringContaining('only the type of the API')]);
    expect(await problems('web/views/Planted.tsx', "import type { AppType } from '../../server/app.ts';\nimport { localDate } from '../../server/domain/calendar.ts';\nexport type A = AppType;\nexport const b = localDate;\n")).toEqual([]);
  });
});

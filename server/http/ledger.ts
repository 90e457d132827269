import { Hono } from 'hono';
import type { Deps } from '../services/context.ts';
import { accountability, accountabilityCsv, ledgerCsv, listLedger, myTasks, type LedgerFilter } from '../services/ledger.ts';
import { guard } from './access.ts';
import type { AppEnv } from './env.ts';
import { validate } from './validate.ts';
import { ledgerQuery, monthQuery, ratesQuery, searchQuery } from './schemas.ts';
import { caseRates } from '../services/rates.ts';
import { headline } from '../services/headline.ts';
import { search } from '../services/search.ts';
import { filterOf } from './reports.ts';
import type { z } from 'zod';
import { FILE_TYPES } from '../exchange/file-types.ts';

/** The ledger's query as a filter (shared with the exports, so a file holds what the screen shows). */
export async function ledgerFilterOf(deps: Deps, q: z.infer<typeof ledgerQuery>, defaultLimit: number): Promise<LedgerFilter> {
  return {
    ...(await filterOf(deps, q, defaultLimit)),
    overdueOnly: q.overdue === '1',
    dueSoonOnly: q.dueSoon === '1',
    urgency: q.urgency,
    q: q.q,
    sort: q.sort,
    dir: q.dir,
    offset: q.offset,
  };
}

/** A CSV download; the Chinese file name travels in filename*, with an ASCII one for old clients. */
const csvResponse = (body: string, name: string, asciiName: string) =>
  new Response(body, {
    status: 200,
    headers: {
      'Content-Type': FILE_TYPES.csv,
      'Content-Disposition': `attachment; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    },
  });

export const ledgerRoutes = (deps: Deps) =>
  new Hono<AppEnv>()
    .get('/ledger', guard(deps, 'GET /api/ledger'), validate('query', ledgerQuery), async (c) =>
      c.json(await listLedger(deps, await ledgerFilterOf(deps, c.req.valid('query'), 500)), 200),
    )
    .get('/ledger.csv', guard(deps, 'GET /api/ledger.csv'), validate('query', ledgerQuery), async (c) =>
      csvResponse(await ledgerCsv(deps, await ledgerFilterOf(deps, c.req.valid('query'), 10_000)), '台账.csv', 'ledger.csv'),
    )
    .get('/headline', guard(deps, 'GET /api/headline'), async (c) => c.json(await headline(deps), 200))
    .get('/rates', guard(deps, 'GET /api/rates'), validate('query', ratesQuery), async (c) => {
      const q = c.req.valid('query');
      return c.json(await caseRates(deps, q.period, q.by), 200);
    })
    .get('/search', guard(deps, 'GET /api/search'), validate('query', searchQuery), async (c) => c.json(await search(deps, c.req.valid('query').q), 200))
    .get('/tasks', guard(deps, 'GET /api/tasks'), async (c) => c.json({ items: await myTasks(deps, c.get('user')!) }, 200))
    .get('/accountability', guard(deps, 'GET /api/accountability'), validate('query', monthQuery), async (c) =>
      c.json(await accountability(deps, c.req.valid('query').month), 200),
    )
    .get('/accountability.csv', guard(deps, 'GET /api/accountability.csv'), validate('query', monthQuery), async (c) => {
      const month = c.req.valid('query').month;
      const tag = month ?? 'current';
      return csvResponse(await accountabilityCsv(deps, month), `考核表-${tag}.csv`, `accountability-${tag}.csv`);
    });

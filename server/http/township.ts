import { Hono } from 'hono';
import type { Deps } from '../services/context.ts';
import { getBasemap, getTownship, listAreas, listCategories, setMarketDays } from '../services/areas.ts';
import type { AreaKind } from '../store/schema.ts';
import { guard } from './access.ts';
import type { AppEnv } from './env.ts';
import { validate } from './validate.ts';
import { areaQuery, marketDaysBody } from './schemas.ts';

export const townshipRoutes = (deps: Deps) =>
  new Hono<AppEnv>()
    .get('/township', guard(deps, 'GET /api/township'), async (c) => c.json(await getTownship(deps), 200))
    .get('/areas', guard(deps, 'GET /api/areas'), validate('query', areaQuery), async (c) => {
      const { kind } = c.req.valid('query');
      return c.json(await listAreas(deps, kind as AreaKind[] | undefined), 200);
    })
    .put('/township/market-days', guard(deps, 'PUT /api/township/market-days'), validate('json', marketDaysBody), async (c) =>
      c.json(await setMarketDays(deps, c.get('user')!, c.req.valid('json')), 200),
    )
    .get('/categories', guard(deps, 'GET /api/categories'), async (c) => c.json(await listCategories(deps), 200))
    .get('/basemap', guard(deps, 'GET /api/basemap'), async (c) => c.json(await getBasemap(deps), 200));

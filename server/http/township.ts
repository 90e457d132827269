import { Readable } from 'node:stream';
import { Hono } from 'hono';
import type { Deps } from '../services/context.ts';
import { pmtilesFile } from '../services/tiles.ts';
import { getBasemap, getTownship, listAreas, listCategories, setMarketDays } from '../services/areas.ts';
import type { AreaKind } from '../store/schema.ts';
import { guard } from './access.ts';
import { parseRange } from './ranges.ts';
import type { AppEnv } from './env.ts';
import { validate } from './validate.ts';
import { areaQuery, calendarBody, calendarQuery, evaluationBody, marketDaysBody } from './schemas.ts';
import { getEvaluation, setEvaluation } from '../services/evaluation.ts';
import { listResponsiblePeople } from '../services/areas.ts';
import { calendarYear, changeCalendar } from '../services/working-calendar.ts';
import { currentTownship } from '../services/context.ts';
import { localDate } from '../domain/calendar.ts';

export const townshipRoutes = (deps: Deps) =>
  new Hono<AppEnv>()
    .get('/township', guard(deps, 'GET /api/township'), async (c) => c.json(await getTownship(deps), 200))
    .get('/areas', guard(deps, 'GET /api/areas'), validate('query', areaQuery), async (c) => {
      const { kind } = c.req.valid('query');
      return c.json(await listAreas(deps, kind as AreaKind[] | undefined, { anonymous: !c.get('user') }), 200);
    })
    .put('/township/market-days', guard(deps, 'PUT /api/township/market-days'), validate('json', marketDaysBody), async (c) =>
      c.json(await setMarketDays(deps, c.get('user')!, c.req.valid('json')), 200),
    )
    .get('/township/calendar', guard(deps, 'GET /api/township/calendar'), validate('query', calendarQuery), async (c) =>
      c.json(await calendarYear(deps, c.req.valid('query').year ?? Number(localDate(deps.now(), (await currentTownship(deps)).timezone).slice(0, 4))), 200),
    )
    .put('/township/calendar', guard(deps, 'PUT /api/township/calendar'), validate('json', calendarBody), async (c) =>
      c.json(await changeCalendar(deps, c.get('user')!, c.req.valid('json').days), 200),
    )
    .get('/township/evaluation', guard(deps, 'GET /api/township/evaluation'), async (c) => c.json(await getEvaluation(deps), 200))
    .put('/township/evaluation', guard(deps, 'PUT /api/township/evaluation'), validate('json', evaluationBody), async (c) =>
      c.json(await setEvaluation(deps, c.get('user')!, c.req.valid('json')), 200),
    )
    .get('/responsible-people', guard(deps, 'GET /api/responsible-people'), async (c) => c.json(await listResponsiblePeople(deps), 200))
    .get('/categories', guard(deps, 'GET /api/categories'), async (c) => c.json(await listCategories(deps), 200))
    .get('/basemap', guard(deps, 'GET /api/basemap'), async (c) => c.json(await getBasemap(deps), 200))
    .get('/basemap/tiles.pmtiles', guard(deps, 'GET /api/basemap/tiles.pmtiles'), async (c) => {
      const file = await pmtilesFile(deps);
      const range = parseRange(c.req.header('range'), file.size);
      const common = { 'Accept-Ranges': 'bytes', 'Content-Type': 'application/vnd.pmtiles', 'Cache-Control': 'public, max-age=3600', ETag: file.etag };
      if (range.kind === 'unsatisfiable') return c.body(null, 416, { ...common, 'Content-Range': `bytes */${file.size}` });
      const [start, end] = range.kind === 'part' ? [range.start, range.end] : [0, file.size - 1];
      const body = Readable.toWeb(file.read(start, end)) as ReadableStream;
      return new Response(body, {
        status: range.kind === 'part' ? 206 : 200,
        headers: { ...common, 'Content-Length': String(end - start + 1), ...(range.kind === 'part' ? { 'Content-Range': `bytes ${start}-${end}/${file.size}` } : {}) },
      });
    });

import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { z } from 'zod';
import type { Deps } from '../services/context.ts';
import { viewTownship } from '../services/auth.ts';
import { addTownship, addTownshipPerson, countyOverview, TOWNSHIP_CODE } from '../services/townships.ts';
import { guard, SESSION_COOKIE } from './access.ts';
import type { AppEnv } from './env.ts';
import { validate } from './validate.ts';
import { newUserBody } from './schemas.ts';

// The county's own pages: every township side by side, adding a township from its boundary file, each
// township's first people, and which township a county person is looking at.

const townshipCode = z.string().regex(TOWNSHIP_CODE, 'a township code is 2–32 lower-case letters, digits or -');

const townshipForm = z.object({
  file: z.instanceof(File, { error: 'Send the boundary file as multipart/form-data in the field "file".' }),
  code: z.string().trim().min(1, 'give the township a code').max(32),
  // May be blank on the first check, which lists the file's features to pick from; creating needs it.
  nameZh: z.string().trim().max(60).default(''),
  nameEn: z.string().trim().max(80).optional(),
  timezone: z.string().trim().max(60).optional(),
  pick: z.string().trim().max(200).optional(),
  crs: z.string().trim().max(40).optional(),
  force: z.enum(['0', '1']).optional(),
  dryRun: z.enum(['0', '1'], { error: 'dryRun is 1 (check only) or 0 (create)' }).optional(),
});

const personBody = newUserBody.pick({ username: true, displayName: true, password: true, phone: true }).extend({
  role: z.enum(['admin', 'leader', 'office'], { error: 'the county creates a township\'s admin, leader or office' }),
});

export const countyRoutes = (deps: Deps) =>
  new Hono<AppEnv>()
    .get('/townships', guard(deps, 'GET /api/county/townships'), async (c) => c.json(await countyOverview(deps), 200))
    .post('/townships', guard(deps, 'POST /api/county/townships'), validate('form', townshipForm), async (c) => {
      const f = c.req.valid('form');
      const file = { name: f.file.name || 'boundary.geojson', bytes: new Uint8Array(await f.file.arrayBuffer()) };
      const draft = { code: f.code, nameZh: f.nameZh, nameEn: f.nameEn, timezone: f.timezone, pick: f.pick, crs: f.crs, force: f.force === '1' };
      const dryRun = f.dryRun !== '0';
      const r = await addTownship(deps, c.get('user')!, file, draft, { dryRun });
      return c.json(r, dryRun ? 200 : 201);
    })
    .post('/townships/:code/people', guard(deps, 'POST /api/county/townships/:code/people'), validate('param', z.object({ code: townshipCode })), validate('json', personBody), async (c) =>
      c.json(await addTownshipPerson(deps, c.get('user')!, c.req.valid('param').code, c.req.valid('json')), 201),
    )
    .put('/viewing', guard(deps, 'PUT /api/county/viewing'), validate('json', z.strictObject({ code: townshipCode })), async (c) =>
      c.json(await viewTownship(deps, getCookie(c, SESSION_COOKIE), c.get('user')!, c.req.valid('json').code), 200),
    );

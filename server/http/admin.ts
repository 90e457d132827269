import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../services/context.ts';
import { createArea, createPerson, listPeople, updateAreaDetails, updateCategoryRules, updatePerson } from '../services/admin.ts';
import { auditLog } from '../services/audit.ts';
import { issueKey, listKeys, revokeKey } from '../services/apikeys.ts';
import { createHook, listHooks, removeHook } from '../services/webhooks.ts';
import { guard } from './access.ts';
import type { AppEnv } from './env.ts';
import { validate } from './validate.ts';
import { apiKeyBody, areaCreateBody, webhookBody, areaPatchBody, auditQuery, categoryCode, categoryPatchBody, newUserBody, userPatchBody } from './schemas.ts';

const idParam = z.object({ id: z.uuid('ids are UUIDs') });

export const adminRoutes = (deps: Deps) =>
  new Hono<AppEnv>()
    .get('/users', guard(deps, 'GET /api/users'), async (c) => c.json(await listPeople(deps), 200))
    .post('/users', guard(deps, 'POST /api/users'), validate('json', newUserBody), async (c) =>
      c.json(await createPerson(deps, c.get('user')!, c.req.valid('json')), 201),
    )
    .patch('/users/:id', guard(deps, 'PATCH /api/users/:id'), validate('param', idParam), validate('json', userPatchBody), async (c) =>
      c.json(await updatePerson(deps, c.get('user')!, c.req.valid('param').id, c.req.valid('json')), 200),
    )
    .patch(
      '/categories/:code',
      guard(deps, 'PATCH /api/categories/:code'),
      validate('param', z.object({ code: categoryCode })),
      validate('json', categoryPatchBody),
      async (c) => c.json(await updateCategoryRules(deps, c.get('user')!, c.req.valid('param').code, c.req.valid('json')), 200),
    )
    .post('/areas', guard(deps, 'POST /api/areas'), validate('json', areaCreateBody), async (c) =>
      c.json(await createArea(deps, c.get('user')!, c.req.valid('json')), 201),
    )
    .patch('/areas/:id', guard(deps, 'PATCH /api/areas/:id'), validate('param', idParam), validate('json', areaPatchBody), async (c) =>
      c.json(await updateAreaDetails(deps, c.get('user')!, c.req.valid('param').id, c.req.valid('json')), 200),
    )
    .get('/api-keys', guard(deps, 'GET /api/api-keys'), async (c) => c.json(await listKeys(deps), 200))
    .post('/api-keys', guard(deps, 'POST /api/api-keys'), validate('json', apiKeyBody), async (c) =>
      c.json(await issueKey(deps, c.get('user')!, c.req.valid('json').name, c.req.valid('json').crs ?? 'wgs84'), 201),
    )
    .delete('/api-keys/:id', guard(deps, 'DELETE /api/api-keys/:id'), validate('param', idParam), async (c) =>
      c.json(await revokeKey(deps, c.get('user')!, c.req.valid('param').id), 200),
    )
    .get('/webhooks', guard(deps, 'GET /api/webhooks'), async (c) => c.json(await listHooks(deps), 200))
    .post('/webhooks', guard(deps, 'POST /api/webhooks'), validate('json', webhookBody), async (c) =>
      c.json(await createHook(deps, c.get('user')!, c.req.valid('json')), 201),
    )
    .delete('/webhooks/:id', guard(deps, 'DELETE /api/webhooks/:id'), validate('param', idParam), async (c) =>
      c.json(await removeHook(deps, c.get('user')!, c.req.valid('param').id), 200),
    )
    .get('/audit', guard(deps, 'GET /api/audit'), validate('query', auditQuery), async (c) => {
      const q = c.req.valid('query');
      return c.json(await auditLog(deps, { limit: q.limit ?? 100, before: q.before }), 200);
    });

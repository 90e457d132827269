import { Validator } from '@seriousme/openapi-schema-validator';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS, GUARDS } from '../../server/http/access.ts';
import { newReportBody, reportQuery } from '../../server/http/schemas.ts';
import { demoApp, type TestApp } from '../helpers/app.ts';

// The OpenAPI 3.1 document is generated from the routes and the very schemas that validate them.

describe('the API documentation', () => {
  let app: TestApp;
  let doc: any;
  beforeAll(async () => {
    app = await demoApp('sqlite', { scale: 0.02 });
    const res = await app.call('GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    doc = res.body;
  });
  afterAll(async () => {
    await app?.drop();
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result, JSON.stringify(result).slice(0, 800)).toEqual({ valid: true });
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('documents every route the API serves, with its roles, and every route is guarded by the access table', () => {
    for (const key of Object.keys(ACCESS)) {
      const [method, path] = key.split(' ') as [string, string];
      const op = doc.paths[path.replace(/:([A-Za-z_]+)/g, '{$1}')]?.[method.toLowerCase()];
      expect(op, key).toBeDefined();
      expect(op.summary, key).toEqual(expect.any(String));
      expect(op.description).toMatch(/^Roles: /);
    }
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/open311/v2/services.json', '/open311/v2/requests.xml', '/open311/v2/requests/{service_request_id}.json']));
    const guarded = new Set(app.app.routes.flatMap((r) => ((r.handler as any)[GUARDS] ? [`${r.method} ${r.path}`] : [])));
    for (const r of app.app.routes.filter((r) => r.path.startsWith('/api/') && r.method !== 'ALL' && !r.path.includes('*'))) {
      expect(guarded.has(`${r.method} ${r.path}`), `${r.method} ${r.path} has no guard`).toBe(true);
    }
  });

  it('carries the same schemas the routes validate with', () => {
    const { $schema: _a, ...body } = z.toJSONSchema(newReportBody, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    expect(doc.paths['/api/reports'].post.requestBody.content['application/json'].schema).toEqual(body);
    const names = doc.paths['/api/reports'].get.parameters.map((p: { name: string }) => p.name);
    expect(names.sort()).toEqual(Object.keys(reportQuery.shape).sort());
    const id = doc.paths['/api/reports/{id}'].get.parameters[0];
    expect(id).toMatchObject({ name: 'id', in: 'path', required: true, schema: { format: 'uuid' } });
    expect(doc.paths['/api/photos'].post.requestBody.content['multipart/form-data']).toBeDefined();
  });

  it('is browsable as a page without script', async () => {
    const page = await app.call('GET', '/api/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.body).toContain('<code>/api/reports/{id}/transitions</code>');
    expect(page.body).not.toContain('<script');
  });
});

import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { serveStatic } from '@hono/node-server/serve-static';
import fs from 'node:fs';
import path from 'node:path';
import type { Deps } from './services/context.ts';
import { errorBody, notFound, onError } from './http/errors.ts';
import { healthRoutes } from './http/health.ts';
import { townshipRoutes } from './http/township.ts';
import { reportRoutes } from './http/reports.ts';

export interface AppOptions {
  /** Built web app to serve at /; omitted in API-only tests. */
  webDir?: string | undefined;
}

function createApi(deps: Deps) {
  return new Hono()
    .use(
      '*',
      bodyLimit({
        maxSize: 64 * 1024,
        onError: (c) => c.json(errorBody('body_too_large', 'The request body is larger than 64 KiB.'), 413),
      }),
    )
    .route('/health', healthRoutes(deps))
    .route('/', townshipRoutes(deps))
    .route('/reports', reportRoutes(deps));
}

/** The whole HTTP application: the API under /api and, when built, the web app. */
export function createApp(deps: Deps, opts: AppOptions = {}) {
  const api = createApi(deps);
  const app = new Hono().route('/api', api);
  app.onError(onError);
  app.notFound(notFound);
  api.notFound(notFound);

  const webDir = opts.webDir;
  if (webDir && fs.existsSync(path.join(webDir, 'index.html'))) {
    const root = path.relative(process.cwd(), webDir) || '.';
    const index = fs.readFileSync(path.join(webDir, 'index.html'), 'utf8');
    app.use('/assets/*', async (c, next) => {
      await next();
      // Vite names assets by content hash: they never change under the same name.
      if (c.res.status === 200) c.res.headers.set('Cache-Control', 'public, max-age=31536000, immutable');
    });
    app.use('*', serveStatic({ root }));
    // Client-side routes (/field, /briefing, …) all load the same page.
    app.get('*', (c) => (c.req.path.startsWith('/api/') ? notFound(c) : c.html(index)));
  }
  return app;
}

export type AppType = ReturnType<typeof createApi>;

import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { serveStatic } from '@hono/node-server/serve-static';
import { compression } from './http/compression.ts';
import fs from 'node:fs';
import path from 'node:path';
import type { Deps } from './services/context.ts';
import { errorBody, notFound, onError } from './http/errors.ts';
import { healthRoutes } from './http/health.ts';
import { townshipRoutes } from './http/township.ts';
import { reportRoutes } from './http/reports.ts';
import { authRoutes } from './http/auth.ts';
import { photoRoutes } from './http/photos.ts';
import { ledgerRoutes } from './http/ledger.ts';
import { analysisRoutes } from './http/analysis.ts';
import { briefingRoutes } from './http/briefings.ts';
import { periodReportRoutes } from './http/period-reports.ts';
import { adminRoutes } from './http/admin.ts';
import { open311Routes } from './http/open311.ts';
import { exchangeRoutes } from './http/exchange.ts';
import { countyRoutes } from './http/county.ts';
import { csrfMiddleware, guard, sessionMiddleware } from './http/access.ts';
import { buildOpenApi, openApiPage } from './http/openapi.ts';
import type { AppEnv } from './http/env.ts';
import { MAX_PHOTO_BYTES } from './media/photos.ts';
import { tileOrigins, type TileSource } from './domain/tiles.ts';
import { allowedHostNames, hostAllowList } from './http/hosts.ts';

/** The product's version, as package.json says. */
const APP_VERSION = (JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface AppOptions {
  /** Built web app to serve at /; omitted in API-only tests. */
  webDir?: string | undefined;
  /** Mark the session cookie Secure (behind HTTPS). */
  secureCookies?: boolean | undefined;
  /** Reverse proxies whose X-Forwarded-For is believed (HOTSPOTS_TRUST_PROXY). */
  trustProxy?: readonly string[] | undefined;
  /** Host names served besides localhost, this computer's addresses and the public URL's (HOTSPOTS_ALLOWED_HOSTS). */
  allowedHosts?: readonly string[] | undefined;
}

// A body refused before it is read leaves the rest of it on the connection: the answer closes the connection, so
// the client's next request goes out on a fresh one instead of failing on a socket the server is about to drop.
const CLOSE = { Connection: 'close' };
const jsonLimit = bodyLimit({
  maxSize: 64 * 1024,
  onError: (c) => c.json(errorBody('body_too_large', '请求内容超过 64 KiB。The request body is larger than 64 KiB.'), 413, CLOSE),
});
const photoLimit = bodyLimit({
  maxSize: MAX_PHOTO_BYTES + 64 * 1024,
  onError: (c) => c.json(errorBody('photo_too_large', '照片不能超过10MB。A photo may be at most 10 MB.'), 413, CLOSE),
});

/**
 * What a browser may load and run on our pages. MapLibre's worker is one of our own files (setWorkerUrl),
 * deck.gl and luma.gl compile shaders without eval, photos previewed before upload are blob: URLs, and the
 * basemap is our own style: nothing needs another origin, inline script, inline style sheets or eval.
 * Our own pages may frame our own documents (the briefing view shows the briefing page).
 */
export function contentSecurityPolicy(tileOrigins: readonly string[] = []): string {
  const tiles = tileOrigins.map((o) => ` ${o}`).join('');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "worker-src 'self' blob:",
    "style-src 'self'",
    `img-src 'self' data: blob:${tiles}`,
    "font-src 'self' data:",
    `connect-src 'self'${tiles}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
  ].join('; ');
}

const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'SAMEORIGIN',
  'Referrer-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(self), geolocation=(self), microphone=()',
};

/** Adds the security headers to every response; a route that needs a narrower policy sets its own first. */
const securityHeaders = (tiles: TileSource | null | undefined): MiddlewareHandler => {
  // Online basemap tiles come from their service's hosts: those, and only those, are added.
  const headers = { ...SECURITY_HEADERS, 'Content-Security-Policy': contentSecurityPolicy(tileOrigins(tiles ?? null)) };
  return async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(headers)) {
      if (!c.res.headers.has(name)) c.res.headers.set(name, value);
    }
  };
};

/** A write is answered only once it is on disk (the store's `durable`): a retry never finds it lost. */
const durableWrites = (deps: Deps): MiddlewareHandler => {
  return async (c, next) => {
    await next();
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && c.req.method !== 'OPTIONS') await deps.store.durable();
  };
};

const importLimit = bodyLimit({
  maxSize: 50 * 1024 * 1024,
  onError: (c) => c.json(errorBody('body_too_large', '导入文件不能超过50MB;更大的文件请用 npm run import。An import file may be at most 50 MB; use npm run import for larger ones.'), 413, CLOSE),
});

/** API answers carry people's data: no browser or proxy keeps them, unless a route says otherwise (photos, tiles). */
const noStore: MiddlewareHandler = async (c, next) => {
  await next();
  if (!c.res.headers.has('Cache-Control')) c.res.headers.set('Cache-Control', 'no-store');
};

function createApi(deps: Deps, opts: AppOptions) {
  return new Hono<AppEnv>()
    .use('*', noStore)
    // Every text answer (JSON, CSV, HTML) gzipped for whoever accepts it (see compression.ts). Inside the
    // middlewares that add headers after the route, so that what they add lands on the compressed answer (on
    // @hono/node-server it would be lost the other way round).
    .use('*', compression())
    .use('/photos', photoLimit)
    .use('/import/*', importLimit)
    .use('/county/townships', importLimit)
    .use('*', async (c, next) => (c.req.path.endsWith('/photos') || c.req.path.startsWith('/api/import/') || c.req.path === '/api/county/townships' ? next() : jsonLimit(c, next)))
    .use('*', csrfMiddleware)
    .use('*', sessionMiddleware(deps))
    .route('/health', healthRoutes(deps))
    .route('/auth', authRoutes(deps, { secureCookies: opts.secureCookies ?? false, trustProxy: opts.trustProxy ?? [] }))
    .route('/', townshipRoutes(deps))
    .route('/reports', reportRoutes(deps))
    .route('/photos', photoRoutes(deps))
    .route('/', ledgerRoutes(deps))
    .route('/', analysisRoutes(deps))
    .route('/briefings', briefingRoutes(deps))
    .route('/period-reports', periodReportRoutes(deps))
    .route('/', adminRoutes(deps))
    .route('/', exchangeRoutes(deps))
    .route('/county', countyRoutes(deps));
}

/** The whole HTTP application: the API under /api and, when built, the web app. */
export function createApp(deps: Deps, opts: AppOptions = {}) {
  const api = createApi(deps, opts);
  // The API's own documentation, built once from the routes above and their validating schemas.
  let doc: ReturnType<typeof buildOpenApi> | undefined;
  const document = () => (doc ??= buildOpenApi(api, APP_VERSION));
  api.get('/openapi.json', guard(deps, 'GET /api/openapi.json'), (c) => c.json(document(), 200));
  api.get('/docs', guard(deps, 'GET /api/docs'), (c) =>
    c.html(openApiPage(document()), 200, { 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'" }),
  );
  const app = new Hono()
    .use('*', hostAllowList(allowedHostNames(opts.allowedHosts ?? [], deps.options.publicUrl)))
    .use('*', securityHeaders(deps.options.tiles))
    .use('*', durableWrites(deps))
    .route('/api', api);
  app.use('/open311/*', csrfMiddleware);
  app.route('/open311/v2', open311Routes(deps));
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
    // vite build writes .br and .gz beside each text asset; the one the browser accepts is sent
    app.use('*', serveStatic({ root, precompressed: true }));
    // Client-side routes (/field, /briefing, …) all load the same page.
    app.get('*', compression(), (c) => (c.req.path.startsWith('/api/') || c.req.path.startsWith('/open311/') ? notFound(c) : c.html(index)));
  }
  return app;
}

export type AppType = ReturnType<typeof createApi>;

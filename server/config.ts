import { z } from 'zod';
import path from 'node:path';
import { resolveTiles, type TileSource } from './domain/tiles.ts';

const boolFlag = z
  .enum(['0', '1', 'true', 'false', 'yes', 'no'])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const list = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  HOTSPOTS_DATA_DIR: z.string().min(1).default('./var'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// or postgresql:// URL')
    .optional(),
  HOTSPOTS_DEMO: boolFlag.default(true),
  HOTSPOTS_WEB_DIR: z.string().min(1).default('./dist/web'),
  HOTSPOTS_PUBLIC_MAP: boolFlag.default(false),
  HOTSPOTS_SECURE_COOKIES: boolFlag.default(false),
  HOTSPOTS_BRIEFING_HOUR: z.coerce.number().int().min(0).max(23).default(8),
  HOTSPOTS_BASEMAP: z.enum(['offline', 'osm', 'tianditu', 'amap', 'custom', 'pmtiles']).default('offline'),
  HOTSPOTS_BASEMAP_URL: z.url({ protocol: /^https?$/ }).optional(),
  HOTSPOTS_BASEMAP_CRS: z.enum(['wgs84', 'gcj02']).optional(),
  HOTSPOTS_BASEMAP_ATTRIBUTION: z.string().max(200).optional(),
  HOTSPOTS_TIANDITU_KEY: z.string().regex(/^[0-9a-zA-Z]{8,64}$/, 'HOTSPOTS_TIANDITU_KEY is the key 天地图 issued (letters and digits)').optional(),
  HOTSPOTS_PMTILES: z.string().min(1).optional(),
  HOTSPOTS_PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'HOTSPOTS_PUBLIC_URL must be the http(s) address people open the map at' }).optional(),
  HOTSPOTS_JOB_INTERVAL_S: z.coerce.number().int().min(1).max(3600).default(60),
  HOTSPOTS_WEBHOOK_PRIVATE: boolFlag.default(false),
  HOTSPOTS_IDLE_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
  HOTSPOTS_TLS_CERT: z.string().min(1).optional(),
  HOTSPOTS_TLS_KEY: z.string().min(1).optional(),
  HOTSPOTS_GPS_ACCEPT_M: z.coerce.number().int().min(3).max(500).default(30),
  HOTSPOTS_TRUST_PROXY: z.string().regex(/^[0-9a-fA-F:.,\s]*$/, 'HOTSPOTS_TRUST_PROXY lists the reverse proxies\' addresses, comma-separated').optional(),
  HOTSPOTS_ALLOWED_HOSTS: z.string().regex(/^[0-9A-Za-z.\-:\[\],\s]*$/, 'HOTSPOTS_ALLOWED_HOSTS lists host names, comma-separated').optional(),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** PostgreSQL + PostGIS when set; the embedded SQLite file in dataDir otherwise. */
  databaseUrl: string | undefined;
  /** Load the demo town when the database holds no township yet (never twice). */
  demo: boolean;
  webDir: string;
  /** Let anyone on the network read the map without signing in (reports can never be written anonymously). */
  publicMap: boolean;
  /** Mark the session cookie Secure (set when served over HTTPS). */
  secureCookies: boolean;
  /** Serve HTTPS with this certificate and key (PEM file paths), e.g. from npm run cert for phones on the LAN. */
  tls: { certFile: string; keyFile: string } | undefined;
  /** A desk role's session ends after this long without a request. */
  deskIdleMs: number;
  /** The field view places a pin at the first fix at least this accurate, in metres. */
  gpsAcceptM: number;
  /** Webhooks may call this computer and the local network. */
  privateWebhooks: boolean;
  /** Reverse proxies whose X-Forwarded-For is believed. */
  trustProxy: string[];
  /** Host names people may reach the server by, besides localhost, this computer's addresses and HOTSPOTS_PUBLIC_URL. */
  allowedHosts: string[];
  /** Local hour on Mondays after which last week's briefing is generated and archived. */
  briefingHour: number;
  /** Tiles under the township's own data: null for the offline basemap. */
  tiles: TileSource | null;
  /** A local PMTiles file the server serves with range requests (HOTSPOTS_BASEMAP=pmtiles). */
  pmtilesFile: string | undefined;
  /** The address people open the map at, for links in webhook messages (none when unset). */
  publicUrl: string | undefined;
  /** How often the background jobs (overdue sweep, Monday briefing) look for work, in seconds. */
  jobIntervalS: number;
}

/** Reads the environment into one typed Config; a bad value stops start-up with a message naming the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  let tiles: TileSource | null;
  try {
    tiles = resolveTiles({ basemap: e.HOTSPOTS_BASEMAP, url: e.HOTSPOTS_BASEMAP_URL, crs: e.HOTSPOTS_BASEMAP_CRS, tiandituKey: e.HOTSPOTS_TIANDITU_KEY, attribution: e.HOTSPOTS_BASEMAP_ATTRIBUTION });
  } catch (err) {
    throw new Error(`Invalid configuration:\n  ${(err as Error).message}`);
  }
  if (!!e.HOTSPOTS_TLS_CERT !== !!e.HOTSPOTS_TLS_KEY) throw new Error('Invalid configuration:\n  HOTSPOTS_TLS_CERT and HOTSPOTS_TLS_KEY go together: the certificate and its private key (npm run cert makes both).');
  const tls = e.HOTSPOTS_TLS_CERT && e.HOTSPOTS_TLS_KEY ? { certFile: path.resolve(e.HOTSPOTS_TLS_CERT), keyFile: path.resolve(e.HOTSPOTS_TLS_KEY) } : undefined;
  if (e.HOTSPOTS_BASEMAP === 'pmtiles' && !e.HOTSPOTS_PMTILES) throw new Error('Invalid configuration:\n  HOTSPOTS_BASEMAP=pmtiles needs HOTSPOTS_PMTILES, the path of a .pmtiles file.');
  return {
    tiles,
    pmtilesFile: e.HOTSPOTS_PMTILES ? path.resolve(e.HOTSPOTS_PMTILES) : undefined,
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.HOTSPOTS_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    demo: e.HOTSPOTS_DEMO,
    webDir: path.resolve(e.HOTSPOTS_WEB_DIR),
    publicMap: e.HOTSPOTS_PUBLIC_MAP,
    // over HTTPS the session cookie is always Secure
    secureCookies: e.HOTSPOTS_SECURE_COOKIES || !!tls,
    tls,
    privateWebhooks: e.HOTSPOTS_WEBHOOK_PRIVATE,
    deskIdleMs: e.HOTSPOTS_IDLE_MINUTES * 60_000,
    gpsAcceptM: e.HOTSPOTS_GPS_ACCEPT_M,
    trustProxy: list(e.HOTSPOTS_TRUST_PROXY),
    allowedHosts: list(e.HOTSPOTS_ALLOWED_HOSTS).map((h) => h.toLowerCase()),
    briefingHour: e.HOTSPOTS_BRIEFING_HOUR,
    jobIntervalS: e.HOTSPOTS_JOB_INTERVAL_S,
    publicUrl: e.HOTSPOTS_PUBLIC_URL?.replace(/\/+$/, ''),
  };
}

import os from 'node:os';
import type { MiddlewareHandler } from 'hono';
import { errorBody } from './errors.ts';

// Which host names the server answers to. A page on an attacker's site can point its own name at this computer
// (DNS rebinding) and then talk to us as a same-origin page of that name; refusing names we do not know stops it.

/** localhost, this computer's own addresses (the LAN address phones use), the public URL's host, and those configured. */
export function allowedHostNames(configured: readonly string[], publicUrl: string | undefined): Set<string> {
  const names = new Set(['localhost', '127.0.0.1', '[::1]', ...configured.map((h) => h.toLowerCase())]);
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) names.add(a.family === 'IPv6' ? `[${a.address.toLowerCase()}]` : a.address);
  }
  if (publicUrl) names.add(new URL(publicUrl).hostname.toLowerCase());
  return names;
}

/** The host name of a Host header, without its port ("[::1]:8787" → "[::1]"). */
export function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  return h.replace(/:\d+$/, '');
}

/** Answers 421 to a request for a host name the server does not serve. */
export const hostAllowList = (names: Set<string>): MiddlewareHandler => async (c, next) => {
  const host = c.req.header('host') ?? new URL(c.req.url).host;
  if (!names.has(hostName(host))) {
    return c.json(errorBody('misdirected_request', `此服务器不为“${hostName(host).slice(0, 100)}”提供服务。This server does not answer to that host name; add it to HOTSPOTS_ALLOWED_HOSTS if it is yours.`), 421);
  }
  await next();
};

import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/**
 * The address a request came from. Behind a reverse proxy every request comes from the proxy, so the address
 * the proxy forwarded (X-Forwarded-For) is used, but only when the request really came from a proxy named in
 * HOTSPOTS_TRUST_PROXY: anyone else could write that header. The client is the last address in the chain that
 * is not one of our proxies.
 */
export function clientAddress(c: Context, trustProxy: readonly string[]): string {
  let remote = 'unknown';
  try {
    remote = getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // app.request() in tests has no socket
  }
  const plain = (a: string) => a.replace(/^::ffff:/, '');
  if (!trustProxy.includes(plain(remote))) return plain(remote);
  const chain = (c.req.header('x-forwarded-for') ?? '').split(',').map((s) => plain(s.trim())).filter(Boolean);
  for (let i = chain.length - 1; i >= 0; i--) if (!trustProxy.includes(chain[i]!)) return chain[i]!;
  return plain(remote);
}

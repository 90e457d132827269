/** What the app shell asks for when it starts; kept by the service worker so the field views open offline. */
export const REFERENCE_URLS = ['/api/auth/me', '/api/township', '/api/areas', '/api/categories', '/api/basemap', '/api/health'];

/** Registers the service worker and hands it what this page loaded, so the next visit works offline. */
export async function registerOffline(extraUrls: string[] = []): Promise<void> {
  if (!('serviceWorker' in navigator)) return;
  try {
    await navigator.serviceWorker.register('/sw.js', { scope: '/' });
    const reg = await navigator.serviceWorker.ready;
    const loaded = performance
      .getEntriesByType('resource')
      .map((e) => new URL(e.name))
      .filter((u) => u.origin === location.origin && (u.pathname.startsWith('/assets/') || u.pathname.startsWith('/icons/')))
      .map((u) => u.pathname);
    reg.active?.postMessage({ type: 'precache', urls: [...new Set(['/index.html', '/manifest.webmanifest', ...loaded, ...extraUrls])] });
  } catch {
    // No service worker (private mode, old browser): the app still works online.
  }
}

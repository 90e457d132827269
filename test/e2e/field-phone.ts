import { expect } from 'vitest';
import type { Browser, Page } from './helper.ts';

// A field phone for the end-to-end tests: 360 × 640, Chinese, the township's zone, signed in (the inspector unless told).

export interface PhoneOptions {
  geolocation?: { longitude: number; latitude: number; accuracy: number };
  /** Location permission given (without it, the browser refuses the position). */
  located?: boolean;
  serviceWorkers?: 'allow' | 'block';
  /** Who signs in (the inspector unless told), and the view the phone opens (the field view unless told). */
  as?: string;
  path?: '/field' | '/tasks';
}

export async function fieldPhone(browser: Browser, url: string, opts: PhoneOptions = {}) {
  const context = await browser.newContext({
    viewport: { width: 360, height: 640 },
    deviceScaleFactor: 1,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    ...(opts.geolocation ? { geolocation: opts.geolocation } : {}),
    permissions: opts.located === false ? [] : ['geolocation'],
    serviceWorkers: opts.serviceWorkers ?? 'block',
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${url}${opts.path ?? '/field'}`);
  await page.fill('[data-testid=login-username]', opts.as ?? 'inspector');
  await page.fill('[data-testid=login-password]', 'demo');
  await page.click('[data-testid=login-submit]');
  await page.locator(opts.path === '/tasks' ? '[data-testid=tasks]' : '[data-testid=drop-pin]').waitFor({ timeout: 60_000 });
  return { context, page, errors };
}

/** The phone's outbox as IndexedDB holds it. */
export function outboxItems(page: Page) {
  return phoneStore<{ key: string; state: string; error: string | null; nextAttemptAt?: string | null }>(page, 'outbox');
}

/**
 * What on the phone is too small to use: buttons and inputs under 44 × 44 px (a fingertip) and text under 12 px,
 * within `scope`; each named by its test id or text.
 */
export function tooSmall(page: Page, scope: string) {
  return page.evaluate((sel) => {
    const out: string[] = [];
    const root = document.querySelector(sel);
    if (!root) return [`no ${sel}`];
    const label = (e: Element) => e.getAttribute('data-testid') ?? e.getAttribute('aria-label') ?? (e.textContent ?? '').trim().slice(0, 20);
    for (const e of root.querySelectorAll('button, label.photo-button, select, textarea, input:not([type=file])')) {
      const r = e.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue; // not shown
      if (r.width < 44 || r.height < 44) out.push(`${label(e)}: ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
    for (const e of root.querySelectorAll('*')) {
      if (![...e.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim())) continue;
      const size = parseFloat(getComputedStyle(e).fontSize);
      if (size < 12) out.push(`${label(e)}: ${size}px text`);
    }
    return out;
  }, scope);
}

/** Every record of one of the phone's IndexedDB stores ('outbox' or 'drafts'). */
export function phoneStore<T = Record<string, unknown>>(page: Page, store: 'outbox' | 'drafts'): Promise<T[]> {
  return page.evaluate(async (name) => {
    const db = await new Promise<IDBDatabase>((res, rej) => {
      const r = indexedDB.open('hotspots-field');
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
    const all = await new Promise<unknown[]>((res) => {
      const q = db.transaction(name).objectStore(name).getAll();
      q.onsuccess = () => res(q.result);
    });
    db.close();
    return all;
  }, store) as Promise<T[]>;
}

/**
 * Waits until the service worker controls the page and holds what the view needs offline: these paths, and a
 * script of the view's own (its code is split off, named after the view).
 * (page.evaluate is polled: waitForFunction would take the async check's Promise as a truthy answer at once.)
 */
export async function waitForOfflineCopy(page: Page, paths: string[], viewChunk: string): Promise<void> {
  await expect
    .poll(
      () =>
        page.evaluate(
          async ([want, chunk]) => {
            if (!navigator.serviceWorker.controller) return false;
            const keys = (await Promise.all((await caches.keys()).map(async (n) => (await caches.open(n)).keys()))).flat().map((r) => new URL(r.url).pathname);
            return (want as string[]).every((p) => keys.includes(p)) && keys.some((p) => p.includes(chunk as string));
          },
          [paths, viewChunk] as const,
        ),
      { timeout: 90_000, interval: 500 },
    )
    .toBe(true);
}

/** Taps 立即同步 and waits until that round of sending has ended (whatever it achieved). */
export async function syncNow(page: Page): Promise<void> {
  const before = Number(await page.getAttribute('[data-testid=sync-now]', 'data-rounds'));
  await page.click('[data-testid=sync-now]');
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=sync-now]')?.getAttribute('data-rounds')) > n, before, { timeout: 60_000 });
}

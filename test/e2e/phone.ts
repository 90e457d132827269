import { expect } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import type { Browser, Page } from './helper.ts';
import { fieldPhone, outboxItems, phoneStore, syncNow, tooSmall, waitForOfflineCopy, type PhoneOptions } from './field-phone.ts';

// The driver of a field phone (360 × 640, Chinese): the report form, the outbox, the tasks view, and the network and
// GPS it lives with. Specs speak through this and TownMap (driver.ts), never to the page.

type Geo = { longitude: number; latitude: number; accuracy: number };

export class Phone {
  private constructor(
    private readonly page: Page,
    private readonly context: BrowserContext,
    /** Errors the page threw. */
    readonly errors: string[],
  ) {}

  /** A phone signed in (the inspector unless told) on the field view (or the tasks view). */
  static async open(browser: Browser, url: string, opts: PhoneOptions = {}): Promise<Phone> {
    const { context, page, errors } = await fieldPhone(browser, url, opts);
    return new Phone(page, context, errors);
  }

  close(): Promise<void> {
    return this.context.close();
  }

  // The network and the GPS

  async offline(on: boolean): Promise<void> {
    await this.context.setOffline(on);
  }

  /** The signal returns, and the phone hears of it at once. */
  async backOnline(): Promise<void> {
    await this.context.setOffline(false);
    await this.page.evaluate(() => window.dispatchEvent(new Event('online')));
  }

  /** The GPS reports a new fix. */
  async moveTo(fix: Geo): Promise<void> {
    await this.context.setGeolocation(fix);
  }

  /**
   * POSTs to this path reach the server, but the answers `lost(n)` picks (n from 0) never reach the phone; returns
   * how many were sent so far.
   */
  async loseAnswers(pattern: string, lost: (n: number) => boolean): Promise<() => number> {
    let n = 0;
    await this.page.route(pattern, async (route) => {
      if (route.request().method() !== 'POST') return route.fallback();
      const response = await route.fetch(); // the server has it…
      if (lost(n++)) return route.abort('connectionreset'); // …but the phone never hears back
      return route.fulfill({ response });
    });
    return () => n;
  }

  /** POSTs of reports stall (the line takes them and says nothing) for `ms`, or until released; returns the count and the release. */
  async stallReports(ms: number): Promise<{ count(): number; release(): Promise<void> }> {
    let n = 0;
    let release: () => void = () => {};
    const recovered = new Promise<void>((r) => (release = r));
    await this.page.route('**/api/reports', async (route) => {
      if (route.request().method() !== 'POST') return route.fallback();
      n++;
      await Promise.race([recovered, new Promise((r) => setTimeout(r, ms))]);
      await route.continue().catch(() => undefined);
    });
    return {
      count: () => n,
      release: async () => {
        release();
        await this.page.unroute('**/api/reports');
      },
    };
  }

  /** The sizes of the photos the phone uploads from now on. */
  watchUploads(): number[] {
    const sizes: number[] = [];
    this.page.on('request', (r) => {
      if (r.url().endsWith('/api/photos') && r.method() === 'POST') sizes.push(r.postDataBuffer()?.length ?? 0);
    });
    return sizes;
  }

  /** Whether the page runs in a secure context (HTTPS), with random ids, and over which protocol. */
  async secureContext(): Promise<{ secure: boolean; uuid: string; proto: string }> {
    return this.page.evaluate(() => ({ secure: isSecureContext, uuid: typeof crypto.randomUUID, proto: location.protocol }));
  }

  /** Waits until the service worker is in charge of the page. */
  async serviceWorkerInCharge(): Promise<void> {
    await expect.poll(() => this.page.evaluate(() => !!navigator.serviceWorker.controller), { timeout: 90_000 }).toBe(true);
  }

  /** Waits until the service worker holds these paths and the view's own script. */
  offlineCopy(paths: string[], viewChunk: string): Promise<void> {
    return waitForOfflineCopy(this.page, paths, viewChunk);
  }

  // The report form

  /** Taps 上报问题 (the form opens, placing the pin at the first good fix). */
  async startReport(): Promise<void> {
    await this.page.click('[data-testid=drop-pin]');
  }

  /** What the form says of the position: waiting for a fix (with its accuracy), or refused. */
  async gps(): Promise<string> {
    return (await this.page.locator('[data-testid=gps-state]').textContent()) ?? '';
  }

  /** Waits until the form says it is waiting for a better fix than this one, or (`refused`) that it may be placed by a tap. */
  async waitForLocating(state: 'waiting' | 'refused', says?: RegExp): Promise<void> {
    await this.page.locator(state === 'waiting' ? '[data-testid=locating]' : '[data-testid=tap-to-place]').waitFor();
    if (says) await this.page.waitForFunction((re) => new RegExp(re).test(document.querySelector('[data-testid=gps-state]')?.textContent ?? ''), says.source);
  }

  async pinPlaced(): Promise<boolean> {
    return (await this.page.locator('[data-testid=pin]').count()) > 0;
  }

  async waitForPin(): Promise<void> {
    await this.page.locator('[data-testid=pin]').waitFor();
  }

  /** Whether 提交 is offered, and whether it can be tapped. */
  async submitState(): Promise<{ shown: boolean; enabled: boolean }> {
    const b = this.page.locator('[data-testid=submit-report]');
    const shown = (await b.count()) > 0;
    return { shown, enabled: shown && (await b.isEnabled()) };
  }

  /** Places the pin by tapping the little map this far from its centre (px). */
  async tapMap(dx: number, dy: number): Promise<void> {
    const box = (await this.page.locator('[data-testid=lite-map]').boundingBox())!;
    await this.page.mouse.click(box.x + box.width / 2 + dx, box.y + box.height / 2 + dy);
    await this.waitForPin();
  }

  async placedByHand(): Promise<boolean> {
    const mark = this.page.locator('[data-testid=placed-by-hand]');
    return (await mark.count()) > 0 && (await mark.isVisible());
  }

  /** Where the form says the pin is (zone · village, or not in the township). */
  async place(): Promise<string> {
    return (await this.page.locator('[data-testid=field-place]').textContent()) ?? '';
  }

  async pick(category: string): Promise<void> {
    await this.page.click(`[data-testid=category-${category}]`);
  }

  async note(text: string): Promise<void> {
    await this.page.fill('[data-testid=field-note]', text);
  }

  /** The note as the open form holds it (waits for the form). */
  async noteValue(): Promise<string> {
    return this.page.locator('[data-testid=field-note]').inputValue();
  }

  /** Flags the report 紧急; returns whether the toggle says so. */
  async flagUrgent(): Promise<boolean> {
    await this.page.click('[data-testid=field-urgent]');
    return (await this.page.getAttribute('[data-testid=field-urgent]', 'aria-pressed')) === 'true';
  }

  /** Attaches photo files, waiting for a preview of each. */
  async attach(...files: string[]): Promise<void> {
    const before = await this.previews();
    await this.page.setInputFiles('[data-testid=field-photo]', files);
    await this.page.locator('[data-testid=photo-previews] img').nth(before + files.length - 1).waitFor({ timeout: 60_000 });
  }

  async previews(): Promise<number> {
    return this.page.locator('[data-testid=photo-previews] img').count();
  }

  async removePhoto(index: number): Promise<void> {
    await this.page.locator('[data-testid=photo-remove]').nth(index).click();
  }

  /** What the form holds now: the note, whether the category is chosen, its previews, and what it says was restored. */
  async form(category?: string): Promise<{ note: string | null; picked: boolean; previews: number; restored: string }> {
    const note = this.page.locator('[data-testid=field-note]');
    const saved = this.page.locator('[data-testid=field-saved]');
    return {
      note: (await note.count()) ? await note.inputValue() : null,
      picked: category ? (await this.page.getAttribute(`[data-testid=category-${category}]`, 'aria-pressed')) === 'true' : false,
      previews: await this.previews(),
      restored: (await saved.count()) ? ((await saved.textContent()) ?? '') : '',
    };
  }

  /** Taps 提交 (what follows depends on the network: see the outbox). */
  async submit(): Promise<void> {
    await this.page.click('[data-testid=submit-report]');
  }

  async cancel(): Promise<void> {
    await this.page.click('[data-testid=cancel-report]');
  }

  /** Reports a problem whole: 上报问题, the category, the note, a photo and 紧急 when given, 提交, back on the start. */
  async report(category: string, note: string, opts: { photo?: string; urgent?: boolean } = {}): Promise<void> {
    await this.startReport();
    await this.pick(category);
    await this.note(note);
    if (opts.urgent) expect(await this.flagUrgent()).toBe(true);
    if (opts.photo) await this.page.setInputFiles('[data-testid=field-photo]', opts.photo);
    await this.submit();
    await this.page.locator('[data-testid=drop-pin]').waitFor();
  }

  /** Waits for the open item of the kind nearby; returns whether it shows above 提交. */
  async nearbyAboveSubmit(): Promise<boolean> {
    await this.page.locator('[data-testid=nearby]').waitFor();
    const hint = (await this.page.locator('[data-testid=nearby]').boundingBox())!;
    const submit = (await this.page.locator('[data-testid=submit-report]').boundingBox())!;
    return hint.y + hint.height <= submit.y;
  }

  /** Adds what is typed as a sighting to the item nearby, and waits until the server has it. */
  async addSighting(): Promise<void> {
    await this.page.click('[data-testid=add-sighting]');
    await this.waitForOutbox({ kind: 'sighting', state: 'sent' });
  }

  /** What on the phone is too small for a thumb or too small to read, within this part of the page. */
  tooSmall(scope: string): Promise<string[]> {
    return tooSmall(this.page, scope);
  }

  // The outbox

  /** How many items wait to be sent, as the phone counts them. */
  async outboxCount(): Promise<number> {
    return Number(await this.page.locator('[data-testid=outbox-count]').textContent());
  }

  /** Waits (a while) until the phone counts n items waiting, and returns what it counts then. */
  async settledOutboxCount(n: number, timeout = 15_000): Promise<number> {
    await this.page
      .waitForFunction((want) => document.querySelector('[data-testid=outbox-count]')?.textContent === String(want), n, { timeout })
      .catch(() => undefined);
    return this.outboxCount();
  }

  /** Waits until n items of this kind and state are listed (the first by default). */
  async waitForOutbox(o: { state: string; kind?: string; n?: number; timeout?: number }): Promise<void> {
    const sel = `[data-testid=outbox-item]${o.kind ? `[data-kind=${o.kind}]` : ''}[data-state=${o.state}]`;
    await this.page.waitForFunction(([s, want]) => document.querySelectorAll(s).length >= want, [sel, o.n ?? 1] as const, { timeout: o.timeout ?? 60_000 });
  }

  /** Waits until exactly n items have been taken by the server. */
  async waitForSent(n = 1): Promise<void> {
    await this.page.waitForFunction((want) => document.querySelectorAll('[data-testid=outbox-item][data-state=sent]').length === want, n, { timeout: 60_000 });
  }

  /** The outbox's items as listed: their text. */
  async outboxLabels(): Promise<string[]> {
    return this.page.locator('[data-testid=outbox-item]').allTextContents();
  }

  /** Why the server refused an item, as the outbox says. */
  async outboxError(): Promise<string> {
    return (await this.page.locator('[data-testid=outbox-error]').textContent()) ?? '';
  }

  /** The banner over items held until their author signs in again. */
  async heldBanner(): Promise<string> {
    const b = this.page.locator('[data-testid=outbox-held]');
    await b.waitFor({ timeout: 30_000 });
    return (await b.textContent()) ?? '';
  }

  /** The outbox as IndexedDB holds it. */
  outboxItems() {
    return outboxItems(this.page);
  }

  /** The phone's saved drafts, as far as the tests look at them. */
  async drafts(): Promise<{ note: string; category: string | null; photos: number }[]> {
    const all = await phoneStore<{ note: string; category: string | null; photos: unknown[] }>(this.page, 'drafts');
    return all.map((d) => ({ note: d.note, category: d.category, photos: d.photos.length }));
  }

  /** Puts items straight into the phone's outbox (as an older version, or days ago, would have left them). */
  async seedOutbox(items: Record<string, unknown>[], photoBytes = 0): Promise<void> {
    await this.page.evaluate(
      async ([list, bytes]) => {
        const idb = await new Promise<IDBDatabase>((res, rej) => {
          const r = indexedDB.open('hotspots-field');
          r.onsuccess = () => res(r.result);
          r.onerror = () => rej(r.error);
        });
        await new Promise<void>((res) => {
          const t = idb.transaction('outbox', 'readwrite');
          for (const i of list) t.objectStore('outbox').put({ ...i, photos: bytes ? [new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' })] : [] });
          t.oncomplete = () => res();
        });
        idb.close();
      },
      [items, photoBytes] as const,
    );
  }

  /** Taps 立即同步 and waits until that round of sending has ended. */
  syncNow(): Promise<void> {
    return syncNow(this.page);
  }

  /** The network state the header shows (在线 / 离线). */
  async networkLabel(): Promise<string> {
    return (await this.page.locator('[data-testid=network]').textContent()) ?? '';
  }

  // Sessions and views

  private async login(username: string, password = 'demo'): Promise<void> {
    await this.page.fill('[data-testid=login-username]', username);
    await this.page.fill('[data-testid=login-password]', password);
    await this.page.click('[data-testid=login-submit]');
    await this.page.locator('[data-testid=sign-out]').waitFor({ timeout: 60_000 });
  }

  /** From the held banner: signs in again, as this person. */
  async signInAgainAs(username: string): Promise<void> {
    await this.page.click('[data-testid=sign-in-again]');
    await this.login(username);
  }

  async signOutAndIn(username: string): Promise<void> {
    await this.page.click('[data-testid=sign-out]');
    await this.login(username);
  }

  /** Opens a view of the phone (/field or /tasks) and waits for it. */
  async visit(origin: string, path: '/field' | '/tasks'): Promise<void> {
    await this.page.goto(`${origin}${path}`);
    await this.waitForView(path);
  }

  /** Reloads the page (from the service worker when offline) and waits for its view, or (`restored`) for the form it restored. */
  async reload(opts: { timeout?: number; restored?: boolean } = {}): Promise<void> {
    await this.page.reload();
    if (opts.restored) await this.page.locator('[data-testid=field-saved]').waitFor({ timeout: opts.timeout ?? 60_000 });
    else await this.waitForView(new URL(this.page.url()).pathname, opts.timeout ?? 60_000);
  }

  private async waitForView(path: string, timeout = 60_000): Promise<void> {
    await this.page.locator(path === '/tasks' ? '[data-testid=tasks]' : '[data-testid=drop-pin]').waitFor({ timeout });
  }

  // The tasks view

  /** Waits until an item is listed (in a group, when given). */
  async waitForTask(id: string, group?: string, timeout = 60_000): Promise<void> {
    await this.page.locator(`${group ? `[data-testid=task-group-${group}] ` : ''}[data-testid=task-item][data-report-id="${id}"]`).waitFor({ timeout });
  }

  /** The groups of the task list, top to bottom. */
  async taskGroups(): Promise<string[]> {
    return this.page.locator('[data-testid^=task-group-]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.replace('task-group-', '')));
  }

  /** Taps an item's dot on the little map once the map has settled; waits until the list has picked that item. */
  async tapDot(id: string): Promise<void> {
    const dot = this.page.locator(`[data-testid=marker][data-id="${id}"]`);
    const picked = async () => ((await this.page.getAttribute(`[data-testid=task-item][data-report-id="${id}"]`, 'class')) ?? '').includes('selected');
    await dot.waitFor();
    // The map fits itself as the list and the page's layout arrive, and moves to the item picked last: a tap lands
    // where the dot stands still, and is made again if the map moved under the finger before the list picked it.
    let box = (await dot.boundingBox())!;
    await expect
      .poll(
        async () => {
          if (await picked()) return true;
          const now = (await dot.boundingBox())!;
          const still = Math.abs(now.x - box.x) < 0.5 && Math.abs(now.y - box.y) < 0.5;
          box = now;
          if (still) await this.page.mouse.click(now.x + now.width / 2, now.y + now.height / 2);
          return picked();
        },
        { timeout: 20_000, interval: 250 },
      )
      .toBe(true);
  }

  /** Rectifies an item from the list with its after-photo and a note; waits until the phone says it is saved. */
  async rectify(id: string, photo: string, note: string): Promise<void> {
    await this.page.click(`[data-testid=task-item][data-report-id="${id}"]`);
    await this.page.click('[data-testid=task-rectify]');
    await this.page.setInputFiles('[data-testid=rectify-photo]', photo);
    await this.page.locator('[data-testid=rectify-form] [data-testid=photo-previews] img').waitFor();
    await this.page.fill('[data-testid=rectify-note]', note);
    await this.page.click('[data-testid=rectify-submit]');
    await this.page.locator('[data-testid=tasks-saved]').waitFor();
  }
}

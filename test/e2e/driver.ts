import { PNG } from 'pngjs';
import { openPage, type Browser, type Page } from './helper.ts';

// Speaks the user's language over the page: open the map, drop a pin, read what it says.

export type RGB = [number, number, number];

export class TownMap {
  private constructor(
    readonly page: Page,
    readonly problems: string[],
    readonly close: () => Promise<void>,
  ) {}

  /** Opens the product, signs in as a demo user, and waits for the map (or the view at `path`) to be drawn. */
  static async open(
    browser: Browser,
    url: string,
    opts: { width?: number; height?: number; as?: string; password?: string; path?: string } = {},
  ): Promise<TownMap> {
    const { page, problems, close } = await openPage(browser, `${url}${opts.path ?? '/'}`, opts);
    const map = new TownMap(page, problems, close);
    await map.signIn(opts.as ?? 'office', opts.password);
    if (opts.path === '/tasks') await page.locator('[data-testid=tasks] [data-testid=task-item]').first().waitFor({ timeout: 60_000 });
    else if (!['/ledger', '/briefing', '/county'].includes(opts.path ?? '/')) await map.waitUntilDrawn();
    return map;
  }

  async signIn(username: string, password = 'demo'): Promise<void> {
    await this.page.locator('[data-testid=login]').waitFor();
    await this.page.fill('[data-testid=login-username]', username);
    await this.page.fill('[data-testid=login-password]', password);
    await this.page.click('[data-testid=login-submit]');
    await this.page.locator('[data-testid=sign-out]').waitFor();
  }

  async signOutAndIn(username: string): Promise<void> {
    await this.page.click('[data-testid=sign-out]');
    await this.signIn(username);
  }

  async openView(view: 'map' | 'tasks' | 'ledger'): Promise<void> {
    await this.page.click(`[data-testid=nav-${view}]`);
    // the tasks view draws its small map without a map library: its list is what is waited for
    if (view === 'tasks') await this.page.locator('[data-testid=tasks] [data-testid=task-item]').first().waitFor({ timeout: 60_000 });
    else if (view !== 'ledger') await this.waitUntilDrawn();
  }

  /** Clicks a pin on the map and waits for its details. */
  async openPin(lon: number, lat: number): Promise<void> {
    const px = await this.page.evaluate(([x, y]) => window.__hotspots!.map.project([x, y]), [lon, lat] as const);
    const box = await this.page.locator('[data-testid=map]').boundingBox();
    await this.page.mouse.click(box!.x + px.x, box!.y + px.y);
    await this.page.locator('[data-testid=report-detail]').waitFor();
  }

  /** The colour drawn at a spot of the map (the centre of a pin). */
  async colourAt(lon: number, lat: number): Promise<RGB> {
    const px = await this.page.evaluate(([x, y]) => window.__hotspots!.map.project([x, y]), [lon, lat] as const);
    const box = await this.page.locator('[data-testid=map]').boundingBox();
    const png = PNG.sync.read(
      await this.page.screenshot({ clip: { x: box!.x + px.x - 1, y: box!.y + px.y - 1, width: 3, height: 3 }, type: 'png' }),
    );
    const i = (1 * 3 + 1) * 4;
    return [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
  }

  /** In the tasks view: opens an item's details (they need the network). */
  async openTask(id: string): Promise<void> {
    await this.page.click(`[data-testid=task-item][data-report-id="${id}"]`);
    await this.page.click('[data-testid=task-details]');
    await this.page.locator('[data-testid=report-detail]').waitFor();
  }

  /**
   * In the tasks view: rectifies an item with its after-photo through the phone's outbox (from the detail's
   * 提交整改 when it is open, from the list otherwise), and waits until the server has it.
   */
  async rectifyTask(id: string, opts: { photo: string; note?: string }): Promise<void> {
    if (await this.page.locator('[data-testid=report-detail] [data-testid=action-rectify]').count()) {
      await this.page.click('[data-testid=report-detail] [data-testid=action-rectify]');
    } else {
      await this.page.click(`[data-testid=task-item][data-report-id="${id}"]`);
      await this.page.click('[data-testid=task-rectify]');
    }
    await this.page.setInputFiles('[data-testid=rectify-photo]', opts.photo);
    await this.page.locator('[data-testid=rectify-form] [data-testid=photo-previews] img').waitFor();
    if (opts.note) await this.page.fill('[data-testid=rectify-note]', opts.note);
    const before = await this.page.locator('[data-testid=outbox-item][data-kind=rectify][data-state=sent]').count();
    await this.page.click('[data-testid=rectify-submit]');
    await this.page.waitForFunction((n) => document.querySelectorAll('[data-testid=outbox-item][data-kind=rectify][data-state=sent]').length > n, before, { timeout: 60_000 });
  }

  /** Takes an action from the open detail drawer, with a photo file when given. */
  async act(action: string, opts: { photo?: string; note?: string } = {}): Promise<void> {
    await this.page.click(`[data-testid=action-${action}]`);
    if (opts.photo) {
      await this.page.setInputFiles('[data-testid=action-photo]', opts.photo);
      await this.page.locator('.action-form .thumb').first().waitFor();
    }
    if (opts.note) await this.page.fill('[data-testid=action-note]', opts.note);
    await this.page.click('[data-testid=action-submit]');
    await this.page.locator('[data-testid=action-form]').waitFor({ state: 'detached' });
  }

  async actionsOffered(): Promise<string[]> {
    // the drawer opens at once and fills in when the item has loaded
    await this.page.locator('[data-testid=detail-status]').waitFor();
    const ids = await this.page.locator('[data-testid^=action-]').evaluateAll((els) =>
      els.map((e) => e.getAttribute('data-testid')!).filter((id) => !['action-form', 'action-photo', 'action-note', 'action-submit'].includes(id)),
    );
    return ids.map((id) => id.replace('action-', ''));
  }

  /** Waits until MapLibre reports the map idle and deck.gl has drawn. */
  async waitUntilDrawn(): Promise<void> {
    await this.page.waitForFunction(() => window.__hotspots?.ready === true, null, { timeout: 60_000 });
    await this.settle();
  }

  /** Waits until the map stands still with its tiles loaded and deck.gl has drawn the layers it was last given. */
  async settle(): Promise<void> {
    await this.page.waitForFunction(
      () => {
        const h = window.__hotspots;
        return !!h && h.ready && !h.map.isMoving() && h.map.loaded() && h.layersDrawn === h.layersSet;
      },
      null,
      { timeout: 60_000, polling: 'raf' },
    );
    // two frames more: what deck.gl drew is on the canvas a screenshot reads
    await this.page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
  }

  /** Names of the areas MapLibre actually drew in the current view, by kind. */
  async drawnAreas(): Promise<{ zones: string[]; villages: string[] }> {
    return this.page.evaluate(() => {
      const m = window.__hotspots!.map;
      const names = (layer: string) =>
        [...new Set(m.queryRenderedFeatures({ layers: [layer] }).map((f) => String(f.properties['nameZh'])))].sort();
      return { zones: names('zones-fill'), villages: names('areas-fill') };
    });
  }

  /** Clicks something (or does something) that moves the map, and waits until the move has ended and the map is drawn. */
  async moveBy(action: string | (() => Promise<unknown>)): Promise<void> {
    await this.page.evaluate(() => {
      const h = window.__hotspots! as { map: { once(e: string, f: () => void): void }; moved?: Promise<void> };
      h.moved = new Promise<void>((resolve) => h.map.once('moveend', () => resolve()));
    });
    await (typeof action === 'string' ? this.page.click(action) : action());
    await this.page.evaluate(() => (window.__hotspots as unknown as { moved: Promise<void> }).moved);
    await this.settle();
  }

  /** In the areas tab: picks an area to edit, and waits until the map has flown to it with its vertices drawn. */
  async editArea(id: string): Promise<void> {
    await this.moveBy(() => this.page.selectOption('[data-testid=area-pick]', id));
    await this.page.waitForFunction(() => (window.__hotspotsDraw?.getSnapshot().length ?? 0) > 0);
  }

  async zoomToTownCentre(): Promise<void> {
    await this.moveBy('[data-testid=fit-centre]');
  }

  /** Shows one analysis layer over the map (or none), once its answer has arrived; its failure is thrown. */
  async showAnalysis(layer: 'heatmap' | 'hexagons' | 'hotspots' | 'emerging' | 'chronic' | 'areas' | 'none'): Promise<void> {
    await this.page.click(`[data-testid=analysis-${layer}]`);
    if (layer !== 'none') await this.analysisSettled(layer);
    await this.settle();
  }

  /** Waits until the shown analysis layer's legend says its answer is here; throws what the legend says if it failed. */
  async analysisSettled(layer: string): Promise<void> {
    const state = await this.page.waitForFunction(
      (l) => {
        const s = document.querySelector(`[data-testid=legend-${l}]`)?.getAttribute('data-state');
        return s === 'loaded' || s === 'failed' ? s : null;
      },
      layer,
      { timeout: 60_000 },
    );
    if ((await state.jsonValue()) === 'failed') throw new Error(`analysis layer ${layer}: ${await this.page.locator('[data-testid=analysis-error]').textContent()}`);
  }

  async toggleLayer(layer: 'areas' | 'pins' | 'labels'): Promise<void> {
    await this.page.click(`[data-testid=layer-${layer}]`);
    await this.settle();
  }

  /** How many pixels of the map are within `tolerance` of any of the colours. */
  async pixelsLike(colors: RGB[], tolerance = 28): Promise<number> {
    const box = await this.page.locator('[data-testid=map]').boundingBox();
    const png = PNG.sync.read(await this.page.screenshot({ clip: box!, type: 'png' }));
    let n = 0;
    for (let i = 0; i < png.data.length; i += 4) {
      const r = png.data[i]!;
      const g = png.data[i + 1]!;
      const b = png.data[i + 2]!;
      if (colors.some((c) => Math.abs(c[0] - r) <= tolerance && Math.abs(c[1] - g) <= tolerance && Math.abs(c[2] - b) <= tolerance)) n++;
    }
    return n;
  }

  async reportCountText(): Promise<string> {
    return (await this.page.locator('[data-testid=report-count]').textContent()) ?? '';
  }

  /** Enters "report a problem" mode and clicks the map where the problem is. */
  async dropPin(lon: number, lat: number): Promise<void> {
    await this.page.click('[data-testid=report-mode]');
    const px = await this.page.evaluate(([x, y]) => window.__hotspots!.map.project([x, y]), [lon, lat] as const);
    const box = await this.page.locator('[data-testid=map]').boundingBox();
    await this.page.mouse.click(box!.x + px.x, box!.y + px.y);
    await this.page.locator('[data-testid=new-report]').waitFor();
  }

  async placeShownForPin(): Promise<string> {
    return (await this.page.locator('[data-testid=new-report-place]').textContent()) ?? '';
  }

  async describeAndSubmit(category: string, note: string): Promise<string> {
    await this.page.click(`[data-testid=pick-${category}]`);
    await this.page.fill('[data-testid=new-report-note]', note);
    await this.page.click('[data-testid=new-report-submit]');
    const toast = this.page.locator('[data-testid=toast]');
    await toast.waitFor({ timeout: 15_000 });
    return (await toast.textContent()) ?? '';
  }

  async colourPinsBy(mode: 'category' | 'state'): Promise<void> {
    await this.page.click(`[data-testid=color-by-${mode}]`);
    await this.settle();
  }

  /** A GET from the page itself, with its session, as the web app would make it. */
  async getJson(path: string): Promise<any> {
    return this.page.evaluate(async (p) => {
      const r = await fetch(p);
      return { status: r.status, body: await r.json() };
    }, path).then((r) => {
      if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    });
  }

  /** A POST from the page itself, returning the status and body. */
  async postJson(path: string, body: unknown): Promise<{ status: number; body: any }> {
    return this.page.evaluate(
      async ([p, b]) => {
        const r = await fetch(p, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) });
        return { status: r.status, body: await r.json() };
      },
      [path, body] as const,
    );
  }

  async switchLanguage(): Promise<void> {
    await this.page.click('[data-testid=lang-switch]');
  }

  async title(): Promise<string> {
    return (await this.page.locator('.topbar h1').textContent()) ?? '';
  }

  // The county's desk

  /** Adds a township from a boundary file: check, pick the feature (its 1-based number in the file), name it, create. */
  async addTownship(file: string, t: { code: string; nameZh: string; nameEn?: string; pick?: number }): Promise<string> {
    const add = this.page.locator('[data-testid=add-township]');
    await add.locator('[data-testid=township-file]').setInputFiles(file);
    await add.locator('[data-testid=township-code]').fill(t.code);
    await add.locator('[data-testid=township-name-zh]').fill(t.nameZh);
    if (t.nameEn) await add.locator('[data-testid=township-name-en]').fill(t.nameEn);
    await add.locator('[data-testid=township-check]').click();
    await add.locator('[data-testid=township-report]').waitFor();
    if (t.pick) {
      await add.locator(`[data-testid=township-pick-${t.pick}]`).click();
      await this.page.waitForFunction((n) => document.querySelector(`[data-testid=township-pick-${n}]`)?.closest('tr')?.classList.contains('selected'), t.pick);
    }
    await add.locator('[data-testid=township-summary]').waitFor();
    await add.locator('[data-testid=township-create]').click();
    await this.page.locator(`[data-testid=county-row-${t.code}]`).waitFor();
    return (await add.locator('[data-testid=township-summary]').textContent()) ?? '';
  }

  /** Checks, then imports, a township's boundaries or basemap in its set-up panel; returns what the check said. */
  async importForTownship(code: string, kind: 'boundaries' | 'basemap', file: string): Promise<string> {
    const panel = this.page.locator(`[data-testid=township-setup-${code}]`);
    if (!(await panel.isVisible())) await this.page.click(`[data-testid=county-setup-${code}]`);
    const step = panel.locator(`[data-testid=setup-${kind}]`);
    await step.locator(`[data-testid=setup-${kind}-file]`).setInputFiles(file);
    await step.locator(`[data-testid=setup-${kind}-check]`).click();
    const summary = step.locator(`[data-testid=setup-${kind}-summary]`);
    await summary.waitFor();
    const said = (await summary.textContent()) ?? '';
    await step.locator(`[data-testid=setup-${kind}-run]`).click();
    await summary.locator('strong').waitFor();
    return said;
  }

  /** Creates a township's admin from its set-up panel. */
  async createTownshipAdmin(code: string, username: string, password: string): Promise<void> {
    const panel = this.page.locator(`[data-testid=township-setup-${code}]`);
    if (!(await panel.isVisible())) await this.page.click(`[data-testid=county-setup-${code}]`);
    await panel.locator('[data-testid=setup-admin-username]').fill(username);
    await panel.locator('[data-testid=setup-admin-name]').fill('镇管理员');
    await panel.locator('[data-testid=setup-admin-password]').fill(password);
    await panel.locator('[data-testid=setup-admin-create]').click();
    await this.page.waitForFunction((u) => document.querySelector('[data-testid=setup-admin-message]')?.textContent?.includes(u), username);
  }

  /** The county table: each township's open and overdue counts. */
  async countyFigures(): Promise<Array<{ code: string; open: number; overdue: number }>> {
    return this.page.locator('[data-testid^=county-row-]').evaluateAll((rows) =>
      rows.map((r) => ({
        code: r.getAttribute('data-testid')!.replace('county-row-', ''),
        open: Number(r.querySelector('[data-testid=county-open]')!.textContent),
        overdue: Number(r.querySelector('[data-testid=county-overdue]')!.textContent),
      })),
    );
  }

  /** Names of the roads and landmarks of the basemap that MapLibre drew in the current view. */
  async drawnBasemap(): Promise<{ roads: string[]; landmarks: string[] }> {
    return this.page.evaluate(() => {
      const m = window.__hotspots!.map;
      const names = (layer: string) => [...new Set(m.queryRenderedFeatures({ layers: [layer] }).map((f) => String(f.properties['nameZh'] ?? '')))].filter(Boolean).sort();
      return { roads: names('roads'), landmarks: names('landmarks') };
    });
  }

  /** Switches the township a county person looks at, from the header. */
  async switchTownship(code: string): Promise<void> {
    await this.page.selectOption('[data-testid=township-switch]', code);
    await this.page.waitForFunction((c) => (document.querySelector('[data-testid=township-switch]') as HTMLSelectElement | null)?.value === c, code);
  }
}

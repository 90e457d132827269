import { PNG } from 'pngjs';
import { expect } from 'vitest';
import { openPage, type Browser, type Page } from './helper.ts';

export { Phone } from './phone.ts';
export { launchBrowser, type Browser } from './helper.ts';
export type { PhoneOptions } from './field-phone.ts';

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

  /** Clicks the map at a spot, whatever is there (nothing may open). */
  async clickMapAt(lon: number, lat: number): Promise<void> {
    const px = await this.page.evaluate(([x, y]) => window.__hotspots!.map.project([x, y]), [lon, lat] as const);
    const box = await this.page.locator('[data-testid=map]').boundingBox();
    await this.page.mouse.click(box!.x + px.x, box!.y + px.y);
    await this.settle();
  }

  /** Moves the map to a spot at a zoom at once, and waits until it is drawn there. */
  async jumpTo(lon: number, lat: number, zoom: number): Promise<void> {
    await this.page.evaluate(([x, y, z]) => window.__hotspots!.map.jumpTo({ center: [x, y], zoom: z }), [lon, lat, zoom] as const);
    await this.settle();
  }

  /** The leader's figures at the top (today-new, overdue …), once shown. */
  async headlineFigure(name: string): Promise<string> {
    await this.page.locator('[data-testid=headline]').waitFor();
    return (await this.page.textContent(`[data-testid=headline-${name}]`)) ?? '';
  }

  /** Whether the hint that pins show from street zoom is shown (waits for it to be, or to go, when told). */
  async pinsHint(wait?: 'shown' | 'gone'): Promise<boolean> {
    const hint = this.page.locator('[data-testid=pins-hint]');
    if (wait) await hint.waitFor({ state: wait === 'shown' ? 'visible' : 'detached' });
    return (await hint.count()) > 0;
  }

  /** The filter panel's period, as its date fields hold it. */
  async filterPeriod(): Promise<{ from: string; to: string }> {
    return { from: await this.page.inputValue('[data-testid=filter-from]'), to: await this.page.inputValue('[data-testid=filter-to]') };
  }

  /** Narrows the map to a state ('open' or 'closed') and a zone or village (by its name). */
  async filterBy(f: { state?: 'open' | 'closed' | ''; area?: string }): Promise<void> {
    if (f.state !== undefined) await this.page.selectOption('[data-testid=filter-state]', f.state);
    if (f.area) await this.page.selectOption('[data-testid=filter-area]', { label: f.area });
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

  /**
   * Takes a step from the open item's panel: its photo, the zone it is sent to (by name), the day more time is asked
   * until, and its note or reason, when given; waits until the step's form has gone.
   */
  async act(action: string, opts: { photo?: string; note?: string; area?: string; until?: string; person?: string; urgent?: boolean } = {}): Promise<void> {
    await this.page.click(`[data-testid=detail-actions] [data-testid=action-${action}]`);
    await this.page.locator('[data-testid=action-form]').waitFor();
    if (opts.area) await this.page.selectOption('[data-testid=dispatch-area]', { label: opts.area });
    if (opts.person) {
      // the people to send to arrive after the form opens
      await this.page.locator(`[data-testid=dispatch-person] option[value="${opts.person}"]`).waitFor({ state: 'attached' });
      await this.page.selectOption('[data-testid=dispatch-person]', opts.person);
    }
    if (opts.urgent) await this.page.check('[data-testid=urgency-urgent]');
    if (opts.until) await this.page.fill('[data-testid=extend-until]', opts.until);
    if (opts.photo) {
      await this.page.setInputFiles('[data-testid=action-photo]', opts.photo);
      await this.page.locator('.action-form .thumb').first().waitFor();
    }
    if (opts.note) await this.page.fill('[data-testid=action-note]', opts.note);
    await this.page.click('[data-testid=action-submit]');
    await this.page.locator('[data-testid=action-form]').waitFor({ state: 'detached' });
  }

  /** The text of a part of the open item's panel (case-no, status, assignee, history, deductions …), once it is shown. */
  async detail(part: string): Promise<string> {
    const el = this.page.locator(`[data-testid=detail-${part}]`);
    await el.waitFor();
    return (await el.textContent()) ?? '';
  }

  /** Waits until a part of the open item's panel says this (or, with `gone`, until the part is not shown). */
  async waitForDetail(part: string, text: string | { gone: true }): Promise<void> {
    if (typeof text !== 'string') {
      await this.page.locator(`[data-testid=detail-${part}]`).waitFor({ state: 'detached' });
      return;
    }
    await this.page.waitForFunction(([p, want]) => document.querySelector(`[data-testid=detail-${p}]`)?.textContent?.includes(want) === true, [part, text] as const, {
      timeout: 15_000,
    });
  }

  /** The open item's history, a line per step. */
  async detailHistory(): Promise<string[]> {
    await this.page.locator('[data-testid=detail-history]').waitFor();
    return this.page.locator('[data-testid=detail-history] li').allTextContents();
  }

  async detailPhotoCount(): Promise<number> {
    await this.page.locator('[data-testid=report-detail]').waitFor();
    return this.page.locator('[data-testid=detail-photos] img').count();
  }

  /** Closes the open item's panel. */
  async closeDetails(): Promise<void> {
    await this.page.click('[data-testid=report-detail] button[aria-label]');
    await this.page.locator('[data-testid=report-detail]').waitFor({ state: 'detached' });
  }

  /** Whether an item's panel is open. */
  async detailsOpen(): Promise<boolean> {
    return (await this.page.locator('[data-testid=report-detail]').count()) > 0;
  }

  /** Reloads the page and waits for the view it shows (the ledger's search, the tasks' list, or the map). */
  async reload(): Promise<void> {
    await this.page.reload();
    await this.waitForView();
  }

  /** Reloads a page whose session has ended and signs in again, back on the view it showed. */
  async reloadSignedOut(username: string, password?: string): Promise<void> {
    await this.page.reload();
    await this.signIn(username, password);
    await this.waitForView();
  }

  /** Opens a path of the product in this page (a link someone was sent) and waits for its view. */
  async visit(pathAndQuery: string): Promise<void> {
    await this.page.goto(`${new URL(this.page.url()).origin}${pathAndQuery}`);
    await this.waitForView();
  }

  private async waitForView(): Promise<void> {
    const path = new URL(this.page.url()).pathname;
    if (path === '/ledger') await this.page.locator('[data-testid=ledger-search]').waitFor({ timeout: 60_000 });
    else if (path === '/tasks') await this.page.locator('[data-testid=tasks]').waitFor({ timeout: 60_000 });
    else if (path === '/' || path === '/admin') await this.waitUntilDrawn();
  }

  // The ledger

  /** Finds an item in the ledger by its case number and opens it. */
  async findInLedger(caseNo: string, id: string): Promise<void> {
    await this.page.fill('[data-testid=ledger-search]', caseNo);
    await this.page.press('[data-testid=ledger-search]', 'Enter');
    await this.page.locator(`[data-testid=ledger-row][data-report-id="${id}"]`).click();
    await expect.poll(() => this.page.textContent('[data-testid=detail-case-no]')).toBe(caseNo);
    await this.page.locator('[data-testid=detail-actions]').waitFor();
  }

  /** The ledger's rows once shown: how many, and the total it says it holds (its number and its words). */
  async ledgerSize(): Promise<{ rows: number; total: string | null; said: string }> {
    await this.page.locator('[data-testid=ledger-row]').first().waitFor();
    return {
      rows: await this.page.locator('[data-testid=ledger-row]').count(),
      total: await this.page.getAttribute('[data-testid=ledger-total]', 'data-total'),
      said: (await this.page.locator('[data-testid=ledger-total]').textContent()) ?? '',
    };
  }

  /** Searches the ledger (an empty text clears the search). */
  async searchLedger(text: string): Promise<void> {
    await this.page.fill('[data-testid=ledger-search]', text);
    await this.page.press('[data-testid=ledger-search]', 'Enter');
  }

  /** The state column of the ledger's rows, top to bottom ("逾期2天3小时" …). */
  async ledgerStates(): Promise<string[]> {
    return this.page.locator('[data-testid=ledger-state]').allTextContents();
  }

  /** The ids of the ledger's rows, top to bottom. */
  async ledgerIds(): Promise<string[]> {
    return this.page.locator('[data-testid=ledger-row]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-report-id')!));
  }

  /** Takes the ledger as shown out as a file ('xlsx' the export, 'csv' the ledger's CSV) into `file`. */
  async downloadLedger(kind: 'xlsx' | 'csv', file: string): Promise<void> {
    const [download] = await Promise.all([this.page.waitForEvent('download'), this.page.click(kind === 'xlsx' ? '[data-testid=export-xlsx]' : '[data-testid=ledger-csv]')]);
    await download.saveAs(file);
  }

  /** Ticks these rows and urges them at once; returns what the ledger says it did. */
  async urgeAtOnce(ids: readonly string[], said: string): Promise<void> {
    for (const id of ids) await this.page.check(`[data-testid=ledger-row][data-report-id="${id}"] [data-testid=tick]`);
    await this.page.click('[data-testid=bulk-urge]');
    await expect.poll(() => this.page.textContent('[data-testid=bulk-said]')).toBe(said);
  }

  /** Shows only urgent items in the ledger. */
  async ledgerUrgentOnly(): Promise<void> {
    await this.page.check('[data-testid=ledger-urgent]');
  }

  /** The 紧急 mark on an item's row in the ledger. */
  async urgentMark(id: string): Promise<string> {
    return (await this.page.textContent(`[data-testid=ledger-row][data-report-id="${id}"] [data-testid=urgent-mark]`)) ?? '';
  }

  /** Opens a tab of the ledger view (ledger, accountability, rates), waiting for its first table. */
  async ledgerTab(tab: 'ledger' | 'accountability' | 'rates'): Promise<void> {
    await this.page.click(`[data-testid=tab-${tab}]`);
    if (tab === 'rates') await this.page.locator('[data-testid=inspection-table]').waitFor();
  }

  /** The rates tab: the returns table's text, the weights line, and the link to the month's report as a PDF. */
  async ratesShown(): Promise<{ returns: string; weights: string; pdf: string }> {
    return {
      returns: (await this.page.textContent('[data-testid=returns-table]')) ?? '',
      weights: (await this.page.textContent('[data-testid=rates-weights]')) ?? '',
      pdf: (await this.page.getAttribute('[data-testid=period-report-pdf]', 'href')) ?? '',
    };
  }

  /** Shows only overdue items in the ledger. */
  async ledgerOverdueOnly(): Promise<void> {
    await this.page.locator('[data-testid=ledger-table]').waitFor();
    await this.page.check('[data-testid=ledger-overdue]');
  }

  /** An item's row in the ledger, once shown: its text; with `open`, its details are opened too. */
  async ledgerRow(id: string, opts: { open?: boolean } = {}): Promise<string> {
    const row = this.page.locator(`[data-testid=ledger-row][data-report-id="${id}"]`);
    await row.waitFor();
    const text = (await row.textContent()) ?? '';
    if (opts.open) await row.click();
    return text;
  }

  /** The cells of an area's row of the month's scores (the accountability tab), back on the ledger after. */
  async scoresRow(month: string, area: string): Promise<string[]> {
    await this.page.click('[data-testid=tab-accountability]');
    await this.page.fill('[data-testid=acc-month]', month);
    const row = this.page.locator('[data-testid=acc-row]', { hasText: area });
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    await this.page.click('[data-testid=tab-ledger]');
    return cells;
  }

  // The tasks view

  /** Waits until an item is listed in a group of the tasks view (today, waiting …). */
  async taskInGroup(group: string, id: string): Promise<void> {
    await this.page.locator(`[data-testid=task-group-${group}] [data-testid=task-item][data-report-id="${id}"]`).waitFor();
  }

  /** How many times an item is listed in the tasks view. */
  async taskListed(id: string): Promise<number> {
    return this.page.locator(`[data-testid=task-item][data-report-id="${id}"]`).count();
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

  /** What the legend of the shown analysis layer says: all its text, its list items, and the spots it names. */
  async analysisLegend(layer: string): Promise<{ text: string; items: string[]; spots: string[]; coldImpossible: string | null }> {
    await this.analysisSettled(layer);
    const legend = this.page.locator(`[data-testid=legend-${layer}]`);
    const cold = legend.locator('[data-testid=cold-impossible]');
    return {
      text: (await legend.textContent()) ?? '',
      items: (await legend.locator('li').allTextContents()).map((t) => t.trim()),
      spots: await legend.locator('[data-testid=hotspot-spots] li').allTextContents(),
      coldImpossible: (await cold.count()) ? await cold.textContent() : null,
    };
  }

  /** The next answer of the API to a GET of this path (and, when given, these query parameters), as JSON with its query. */
  async nextAnswer(pathname: string, when: (q: URLSearchParams) => boolean = () => true): Promise<() => Promise<{ query: URLSearchParams; body: any }>> {
    const res = this.page.waitForResponse((r) => {
      const u = new URL(r.url());
      return u.pathname === pathname && r.request().method() === 'GET' && when(u.searchParams);
    });
    return async () => {
      const r = await res;
      return { query: new URL(r.url()).searchParams, body: await r.json() };
    };
  }

  /** Starts the week-by-week replay (at the last complete week); returns the week's label. */
  async replayWeeks(): Promise<string> {
    await this.page.click('[data-testid=week-on]');
    await this.page.locator('[data-testid=week-label]').waitFor();
    return (await this.page.locator('[data-testid=week-label]').textContent()) ?? '';
  }

  /** Moves the replay's slider to a week (0 the earliest); returns the label shown. */
  async replayWeek(index: number): Promise<string> {
    await this.page.locator('[data-testid=week-slider]').fill(String(index));
    return (await this.page.locator('[data-testid=week-label]').textContent()) ?? '';
  }

  async weekLabel(): Promise<string> {
    return (await this.page.locator('[data-testid=week-label]').textContent()) ?? '';
  }

  /** The weekday × hour matrix's counts, Monday 0:00 first, and what its market-day line says. */
  async timePatterns(): Promise<{ counts: number[]; market: string }> {
    const counts = await this.page.locator('[data-testid=time-matrix] rect').evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('data-count'))));
    return { counts, market: (await this.page.locator('[data-testid=market-ratios]').textContent()) ?? '' };
  }

  /** Opens the map at a link to one item (/?report=<id>) and waits for its details. */
  async openReportLink(id: string): Promise<void> {
    await this.page.goto(`${new URL(this.page.url()).origin}/?report=${id}`);
    await this.page.locator('[data-testid=report-detail]').waitFor();
  }

  async waitForDetails(): Promise<void> {
    await this.page.locator('[data-testid=report-detail]').waitFor();
  }

  /** The open item's description as drawn: its text and how it is isolated from the page's direction. */
  async detailDescription(): Promise<{ text: string | null; bidi: string }> {
    return this.page.locator('[data-testid=detail-description] bdi').evaluate((el) => ({ text: el.textContent, bidi: getComputedStyle(el).unicodeBidi }));
  }

  /** The sizes of the responses the page has fetched from this path (what a range request read each time). */
  async fetchedSizes(pathname: string): Promise<number[]> {
    return this.page.evaluate(
      (p) => performance.getEntriesByType('resource').filter((e) => new URL(e.name).pathname === p).map((e) => (e as PerformanceResourceTiming).encodedBodySize),
      pathname,
    );
  }

  /** The basemap's attribution line. */
  async attribution(): Promise<string> {
    return (await this.page.locator('.maplibregl-ctrl-attrib').textContent()) ?? '';
  }

  async fitTownship(): Promise<void> {
    await this.moveBy('[data-testid=fit-township]');
  }

  /** Whether the page offers these controls, by test id, and how many of each. */
  async offered(...testIds: string[]): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const id of testIds) out[id] = await this.page.locator(id.endsWith('-') ? `[data-testid^=${id}]` : `[data-testid=${id}]`).count();
    return out;
  }

  // The weekly briefing's page

  /** The briefing shown: its heading, a figure of its headline, how many map figures it draws, and its week. */
  async briefingShown(): Promise<{ title: string; newReports: number; figures: number; week: string }> {
    const frame = this.page.frameLocator('[data-testid=briefing-frame]');
    await frame.locator('h1').waitFor();
    return {
      title: (await frame.locator('h1').textContent()) ?? '',
      newReports: Number(await frame.locator('[data-figure=newReports]').textContent()),
      figures: await frame.locator('svg').count(),
      week: await this.page.locator('[data-testid=briefing-week]').inputValue(),
    };
  }

  /** A download as the page would fetch it: its status, media type, size and first bytes (as Latin-1 text). */
  async download(path: string): Promise<{ status: number; type: string | null; size: number; head: string }> {
    return this.page.evaluate(async (p) => {
      const r = await fetch(p);
      const bytes = new Uint8Array(await r.arrayBuffer());
      return { status: r.status, type: r.headers.get('content-type'), size: bytes.byteLength, head: String.fromCharCode(...bytes.subarray(0, 8)) };
    }, path);
  }

  async screenshotTo(file: string): Promise<void> {
    await this.page.screenshot({ path: file });
  }

  // The county's start page

  async waitForCounty(state: 'empty' | 'table'): Promise<void> {
    await this.page.locator(`[data-testid=county-${state}]`).waitFor();
  }

  /** Opens a township's map from the county table. */
  async openTownshipMap(code: string): Promise<void> {
    await this.page.click(`[data-testid=county-open-map-${code}]`);
    await this.waitUntilDrawn();
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

  /** Changes the page's size (a desk's window, a phone). */
  async resize(width: number, height: number): Promise<void> {
    await this.page.setViewportSize({ width, height });
  }

  /** The map's search box: finds an item by what is typed and opens it. */
  async searchMapFor(text: string, id: string): Promise<void> {
    await this.page.fill('[data-testid=map-search]', text);
    await this.page.locator(`[data-testid=search-item][data-report-id="${id}"]`).click();
    await this.waitForDetails();
  }

  /** The rows of the open item's panel that something of the map lies over (nothing should). */
  async detailCovered(): Promise<(string | null)[]> {
    return this.page.evaluate(() => {
      const panel = document.querySelector('[data-testid=report-detail]')!;
      const spots = [...panel.querySelectorAll('dd, dt, button, h2')].map((el) => {
        const r = el.getBoundingClientRect();
        return { el, x: r.left + r.width / 2, y: r.top + r.height / 2 };
      });
      // what shows of the panel (it scrolls within its own box): nothing of the map lies over it
      const p = panel.getBoundingClientRect();
      const shown = spots.filter((s) => s.y > p.top && s.y < Math.min(p.bottom, window.innerHeight) && s.x > p.left && s.x < p.right);
      if (shown.length < 5) return [`only ${shown.length} rows of the panel show`];
      return shown.filter((s) => !panel.contains(document.elementFromPoint(s.x, s.y))).map((s) => s.el.textContent);
    });
  }

  // The admin view

  /** The areas tab: drags the vertex at this spot of the area being edited by (dx, dy) pixels, and saves; returns what it says. */
  async dragVertexAndSave(at: [number, number], dx: number, dy: number): Promise<string> {
    const px = await this.page.evaluate(([x, y]) => window.__hotspots!.map.project([x, y]), at);
    const box = (await this.page.locator('[data-testid=map]').boundingBox())!;
    await this.page.mouse.move(box.x + px.x, box.y + px.y);
    await this.page.mouse.down();
    for (let i = 1; i <= 10; i++) await this.page.mouse.move(box.x + px.x + (i * dx) / 10, box.y + px.y + (i * dy) / 10);
    await this.page.mouse.up();
    await this.page.click('[data-testid=area-save]');
    await this.page.locator('[data-testid=area-message].ok').waitFor();
    return (await this.page.locator('[data-testid=area-message]').textContent()) ?? '';
  }

  /** The import tab: checks a file; returns the file's lines the check refused (empty when it is right) and whether it may be imported. */
  async checkImport(file: string): Promise<{ refusedLines: string[]; mayImport: boolean }> {
    await this.page.setInputFiles('[data-testid=import-file]', file);
    await this.page.click('[data-testid=import-check]');
    await this.page.locator('[data-testid=import-problems], [data-testid=import-summary]').first().waitFor();
    const refused = (await this.page.locator('[data-testid=import-problems]').count()) ? await this.page.locator('[data-testid=import-problems] tbody tr td:first-child').allTextContents() : [];
    return { refusedLines: refused, mayImport: await this.page.locator('[data-testid=import-run]').isEnabled() };
  }

  /** The import tab: imports the file checked, and waits until it says how many were imported. */
  async runImport(): Promise<void> {
    await this.page.click('[data-testid=import-run]');
    await this.page.locator('[data-testid=import-summary] strong').waitFor();
  }

  /** The ledger's Excel export: saves it to `file`; returns the name the browser was given. */
  async exportLedgerXlsx(file: string): Promise<string> {
    await this.page.locator('[data-testid=export-xlsx]').waitFor();
    const [download] = await Promise.all([this.page.waitForEvent('download'), this.page.click('[data-testid=export-xlsx]')]);
    await download.saveAs(file);
    return download.suggestedFilename();
  }

  /** The people tab: starts a second factor and confirms it with `code(secret)`; returns how many recovery codes were shown. */
  async turnOnSecondFactor(code: (secret: string) => string): Promise<{ secret: string; recoveryCodes: number }> {
    await this.page.click('[data-testid=second-factor-start]');
    const secret = ((await this.page.locator('[data-testid=second-factor-secret]').textContent()) ?? '').replace(/\s/g, '');
    await this.page.fill('[data-testid=second-factor-code]', code(secret));
    await this.page.click('[data-testid=second-factor-confirm]');
    await this.page.locator('[data-testid=second-factor-codes] li').first().waitFor();
    return { secret, recoveryCodes: await this.page.locator('[data-testid=second-factor-codes] li').count() };
  }

  /** Signs out and in again with a password and, when asked for it, the code `code()` gives at that moment. */
  async signInWithCode(username: string, password: string, code: () => string): Promise<void> {
    await this.page.click('[data-testid=sign-out]');
    await this.page.fill('[data-testid=login-username]', username);
    await this.page.fill('[data-testid=login-password]', password);
    await this.page.click('[data-testid=login-submit]');
    await this.page.locator('[data-testid=login-code]').waitFor();
    await this.page.fill('[data-testid=login-code]', code());
    await this.page.click('[data-testid=login-submit]');
    await this.page.locator('[data-testid=sign-out]').waitFor();
  }

  /** The rules tab: sets a category's limits (hours; urgent the urgent limit) and saves its row. */
  async setLimit(category: string, limits: { urgent?: string }): Promise<void> {
    const row = this.page.locator(`[data-testid=limit-${category}]`);
    if (limits.urgent !== undefined) await row.locator('[data-testid=limit-urgent]').fill(limits.urgent);
    await row.locator('[data-testid=limit-save]').click();
  }

  /** Whether a category's urgent limit can be changed here. */
  async limitEditable(category: string): Promise<boolean> {
    return !(await this.page.locator(`[data-testid=limit-${category}] [data-testid=limit-urgent]`).isDisabled());
  }

  /** The rules tab: types the score's weights (and the re-inspection limit) given; with `save`, saves them. */
  async setWeights(w: Partial<Record<'close' | 'onTime' | 'rework' | 'verifyHours', string>>, opts: { save?: boolean } = { save: true }): Promise<void> {
    for (const [k, v] of Object.entries(w)) await this.page.fill(`[data-testid=weight-${k}]`, v);
    if (opts.save !== false) await this.page.click('[data-testid=weights-save]');
  }

  async weightsMessage(): Promise<string> {
    return (await this.page.textContent('[data-testid=weights-message]')) ?? '';
  }

  async weight(name: 'close' | 'onTime' | 'rework' | 'verifyHours'): Promise<string> {
    return this.page.inputValue(`[data-testid=weight-${name}]`);
  }

  /** The rules tab: marks a day of the township's own calendar (a day off, or a working day) and saves it. */
  async markDay(day: string, kind: 'holiday' | 'workday', note: string): Promise<void> {
    await this.page.fill('[data-testid=calendar-day]', day);
    await this.page.selectOption('[data-testid=calendar-kind]', kind);
    await this.page.fill('[data-testid=calendar-note]', note);
    await this.page.click('[data-testid=calendar-save]');
  }

  /** The township's own days, as the rules tab lists them. */
  async ownDays(): Promise<string> {
    return (await this.page.textContent('[data-testid=calendar-own]')) ?? '';
  }

  /** The server refuses GETs of this path with this status and error (as a busy or broken server would) until undone. */
  async refuseAnswers(pattern: string, status: number, error: { code: string; message: string }): Promise<() => Promise<void>> {
    await this.page.route(pattern, (route) =>
      route.request().method() === 'GET' ? route.fulfill({ status, contentType: 'application/json', body: JSON.stringify({ error }) }) : route.fallback(),
    );
    return () => this.page.unroute(pattern);
  }

  /** Makes the network slow for one path of the API (each answer held this long) until the returned undo is called. */
  async slowAnswers(pattern: string, ms: number): Promise<() => Promise<void>> {
    await this.page.route(pattern, async (route) => {
      await new Promise((r) => setTimeout(r, ms));
      await route.continue();
    });
    return () => this.page.unroute(pattern);
  }

  async adminTab(tab: 'areas' | 'rules' | 'import' | 'people' | 'keys' | 'webhooks' | 'audit'): Promise<void> {
    await this.page.click(`[data-testid=admin-tab-${tab}]`);
  }

  /** Fills the people tab's form (what is given) and adds the person; returns the form's refusal, if any, once answered. */
  async addPerson(p: { username?: string; name?: string; password?: string }): Promise<void> {
    if (p.username !== undefined) await this.page.fill('[data-testid=person-username]', p.username);
    if (p.name !== undefined) await this.page.fill('[data-testid=person-name]', p.name);
    if (p.password !== undefined) await this.page.fill('[data-testid=person-password]', p.password);
    await this.page.click('[data-testid=person-add]');
  }

  /** What the people tab's form holds now, and what it says went wrong. */
  async personForm(): Promise<{ username: string; password: string; error: string }> {
    const error = this.page.locator('[data-testid=people-error]');
    return {
      username: await this.page.inputValue('[data-testid=person-username]'),
      password: await this.page.inputValue('[data-testid=person-password]'),
      error: (await error.count()) ? ((await error.textContent()) ?? '') : '',
    };
  }

  /** Waits for the people tab's refusal and returns it. */
  async personRefusal(): Promise<string> {
    return (await this.page.locator('[data-testid=people-error]').textContent()) ?? '';
  }

  /** The audit tab: the newest entry of an action (its text and its changes), and the whole table's text. */
  async auditEntry(action: string): Promise<{ text: string; changes: string; table: string }> {
    const row = this.page.locator(`[data-testid=audit-row][data-action="${action}"]`).first();
    await row.waitFor();
    return {
      text: (await row.textContent()) ?? '',
      changes: (await row.locator('[data-testid=audit-changes]').textContent()) ?? '',
      table: (await this.page.textContent('[data-testid=audit-table]')) ?? '',
    };
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

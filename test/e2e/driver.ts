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

  static async open(browser: Browser, url: string, opts: { width?: number; height?: number } = {}): Promise<TownMap> {
    const { page, problems, close } = await openPage(browser, url, opts);
    const map = new TownMap(page, problems, close);
    await map.waitUntilDrawn();
    return map;
  }

  /** Waits until MapLibre reports the map idle and deck.gl has drawn. */
  async waitUntilDrawn(): Promise<void> {
    await this.page.waitForFunction(() => window.__hotspots?.ready === true, null, { timeout: 60_000 });
    await this.settle();
  }

  async settle(): Promise<void> {
    await this.page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const m = window.__hotspots!.map;
          if (!m.isMoving() && m.loaded()) requestAnimationFrame(() => requestAnimationFrame(() => resolve()));
          else m.once('idle', () => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
        }),
    );
    await this.page.waitForTimeout(300);
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

  async zoomToTownCentre(): Promise<void> {
    await this.page.click('[data-testid=fit-centre]');
    await this.page.waitForTimeout(900);
    await this.settle();
  }

  async toggleLayer(layer: 'areas' | 'heatmap' | 'pins' | 'labels'): Promise<void> {
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

  async switchLanguage(): Promise<void> {
    await this.page.click('[data-testid=lang-switch]');
  }

  async title(): Promise<string> {
    return (await this.page.locator('.topbar h1').textContent()) ?? '';
  }
}

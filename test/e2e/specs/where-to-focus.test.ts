import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTownServer } from '../town-server.ts';
import { TownMap, type RGB } from '../driver.ts';
import { BIN_COLORS, HOTSPOT_ALPHA } from '../../../web/map/layers/analysis/hotspots.tsx';
import { LAND, hexToRgb } from '../../../web/map/colors.ts';
import { EMERGING_COLORS } from '../../../web/map/layers/analysis/emerging.tsx';
import { EMERGING_NAMES } from '../../../server/domain/emerging-names.ts';
import { isoWeek, isoWeekMonday } from '../../../server/domain/calendar.ts';

// A member of the leading group asks where to send people next week: where problems are significantly
// concentrated, which spots keep coming back, and when they happen.

const town = useTownServer();

describe('where to focus', { timeout: 120_000 }, () => {
  it('draws 99 % hot spots over the town centre, chronic spots, and the week-by-week replay', async () => {
    const map = await TownMap.open(town.browser, town.server.url, { as: 'leader' });
    try {
      await map.zoomToTownCentre();
      await map.toggleLayer('pins');
      await map.showAnalysis('none');
      // the layer is translucent: expect its red over the township's land colour
      const a = HOTSPOT_ALPHA / 255;
      const land = hexToRgb(LAND);
      const hot99 = BIN_COLORS[3]!.map((v, i) => Math.round(a * v + (1 - a) * land[i]!)) as RGB;
      const before = await map.pixelsLike([hot99], 30);
      const answered = map.page.waitForResponse((r) => new URL(r.url()).pathname === '/api/hotspots');
      await map.showAnalysis('hotspots');
      // The cells come from the worker pool: wait until they have arrived and are drawn.
      await map.page.locator('[data-testid=legend-hotspots][data-state=loaded]').waitFor({ timeout: 60_000 });
      await map.settle();
      const after = await map.pixelsLike([hot99], 30);
      expect(after).toBeGreaterThan(before + 5000);
      const legend = await map.page.locator('[data-testid=legend-hotspots]').textContent();
      expect(legend).toContain('99%');
      // the spots in words, with their reports, as the API answered them
      const answer = await (await answered).json();
      const listed = await map.page.locator('[data-testid=hotspot-spots] li').allTextContents();
      expect(listed.length).toBe(Math.min(5, answer.spots.length));
      expect(listed[0]).toContain(answer.spots[0].near.name);
      expect(listed[0]).toContain(`${answer.spots[0].reports}条`);
      // no cold classes offered where no cell could be cold, and the legend says why
      if (!answer.legend.coldPossible) {
        expect(legend).not.toContain('冷点(置信度)');
        expect(await map.page.locator('[data-testid=cold-impossible]').textContent()).toContain('不会出现冷点');
      }

      // chronic spots: each ringed in its main category's colour (pins are off, so the colour is the layer's)
      const spots = await map.getJson('/api/analysis/chronic');
      expect(spots.spots.length).toBeGreaterThan(2);
      const categoryColours = (await map.getJson('/api/categories')) as { code: string; color: string }[];
      const rings = [...new Set<string>(spots.spots.map((s: { dominantCategory: string }) => s.dominantCategory))].map((c) => hexToRgb(categoryColours.find((x) => x.code === c)!.color) as RGB);
      await map.showAnalysis('none');
      const withoutChronic = await map.pixelsLike(rings, 8);
      await map.showAnalysis('chronic');
      await expect.poll(() => map.pixelsLike(rings, 8), { timeout: 30_000 }).toBeGreaterThan(withoutChronic + 300);

      // replay: the last complete week, then one five weeks on, each showing what the API gave for that week
      const weekAnswer = () =>
        map.page.waitForResponse((r) => {
          const u = new URL(r.url());
          return u.pathname === '/api/reports' && u.searchParams.has('from') && isoWeek(u.searchParams.get('from')!) === isoWeek(u.searchParams.get('to')!);
        });
      const shownFor = async (res: Awaited<ReturnType<typeof weekAnswer>>) => {
        const u = new URL(res.url());
        const body = await res.json();
        // the count shown is the API's for that week
        await expect.poll(() => map.reportCountText()).toContain(String(body.numberReturned));
        return { from: u.searchParams.get('from')!, to: u.searchParams.get('to')!, n: body.numberReturned as number };
      };
      const first = weekAnswer();
      await map.page.click('[data-testid=week-on]');
      await map.page.locator('[data-testid=week-label]').waitFor();
      const last = await shownFor(await first);
      const label = await map.page.locator('[data-testid=week-label]').textContent();
      expect(label).toContain(isoWeek(last.from));
      expect(isoWeekMonday(isoWeek(last.from))).toBe(last.from);
      expect(last.n).toBeGreaterThan(0);
      const next = weekAnswer();
      await map.page.locator('[data-testid=week-slider]').fill('5');
      const earlier = await shownFor(await next);
      expect(earlier.from < last.from).toBe(true);
      expect(await map.page.locator('[data-testid=week-label]').textContent()).toContain(isoWeek(earlier.from));

      // the weekday × hour matrix has every hour of the week, with reports in working hours only
      const cells = await map.page.locator('[data-testid=time-matrix] rect').evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('data-count'))));
      expect(cells).toHaveLength(7 * 24);
      expect(cells.reduce((a, b) => a + b, 0)).toBeGreaterThan(100);
      expect(cells.filter((_, i) => i % 24 < 5).every((v) => v === 0)).toBe(true);
      expect(await map.page.locator('[data-testid=market-ratios]').textContent()).toContain('占道经营');
      expect(map.problems).toEqual([]);
    } finally {
      await map.close();
    }
  });
});

describe('emerging hot spots', { timeout: 120_000 }, () => {
  for (const lang of ['zh', 'en'] as const) {
    it(`draws the twelve weeks' categories with a legend in words (${lang})`, async () => {
      const map = await TownMap.open(town.browser, town.server.url, { as: 'leader', path: lang === 'en' ? '/?lang=en' : '/' });
      try {
        await map.zoomToTownCentre();
        await map.toggleLayer('pins');
        await map.showAnalysis('none');
        const answer = await map.getJson('/api/analysis/emerging');
        const shown = [...new Set<string>(answer.cells.category)];
        expect(shown.length).toBeGreaterThan(0);
        const land = hexToRgb(LAND);
        const a = 170 / 255;
        const over = (c: RGB) => c.map((v, i) => Math.round(a * v + (1 - a) * land[i]!)) as RGB;
        const colours = shown.map((c) => over(EMERGING_COLORS[c]!));
        const before = await map.pixelsLike(colours, 12);
        await map.showAnalysis('emerging');
        await map.page.locator('[data-testid=legend-emerging][data-state=loaded]').waitFor({ timeout: 60_000 });
        await map.settle();
        expect(await map.pixelsLike(colours, 12)).toBeGreaterThan(before + 2000);
        // each category on the map is named in the legend, in the UI's language and only in it
        const items = await map.page.locator('[data-testid=legend-emerging] li').allTextContents();
        expect(items.map((t) => t.trim()).sort()).toEqual(shown.map((c) => EMERGING_NAMES[c]![lang]).sort());
        const text = (await map.page.locator('[data-testid=legend-emerging]').textContent())!;
        if (lang === 'zh') expect(text).not.toMatch(/[A-Za-z]{4,}/);
        else expect(text).not.toMatch(/[\u4e00-\u9fff]/);
        expect(map.problems).toEqual([]);
      } finally {
        await map.close();
      }
    });
  }
});

describe('the weekly briefing', { timeout: 120_000 }, () => {
  it('shows last week’s briefing as the page the leading group gets, with its PDF a click away', async () => {
    const map = await TownMap.open(town.browser, town.server.url, { as: 'office', path: '/briefing' });
    try {
      const frame = map.page.frameLocator('[data-testid=briefing-frame]');
      await frame.locator('h1').waitFor();
      expect(await frame.locator('h1').textContent()).toContain('创文卫生热点周报');
      const shown = Number(await frame.locator('[data-figure=newReports]').textContent());
      const week = await map.page.locator('[data-testid=briefing-week]').inputValue();
      const data = await map.getJson(`/api/briefings/${week}.json`);
      expect(shown).toBe(data.headline.current.newReports);
      expect(await frame.locator('svg').count()).toBe(2);
      const pdf = await map.page.evaluate(async (w) => {
        const r = await fetch(`/api/briefings/${w}.pdf`);
        return { type: r.headers.get('content-type'), size: (await r.arrayBuffer()).byteLength };
      }, week);
      expect(pdf.type).toBe('application/pdf');
      expect(pdf.size).toBeGreaterThan(20_000);
      await map.page.screenshot({ path: path.join(os.tmpdir(), 'hotspots-briefing-view.png') });
      expect(map.problems).toEqual([]);
    } finally {
      await map.close();
    }
  });
});

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
      const answered = await map.nextAnswer('/api/hotspots');
      // The cells come from the worker pool: showing waits until they have arrived and are drawn.
      await map.showAnalysis('hotspots');
      const after = await map.pixelsLike([hot99], 30);
      expect(after).toBeGreaterThan(before + 5000);
      const legend = await map.analysisLegend('hotspots');
      expect(legend.text).toContain('99%');
      // the spots in words, with their reports, as the API answered them
      const answer = (await answered()).body;
      expect(legend.spots.length).toBe(Math.min(5, answer.spots.length));
      expect(legend.spots[0]).toContain(answer.spots[0].near.name);
      expect(legend.spots[0]).toContain(`${answer.spots[0].reports}条`);
      // no cold classes offered where no cell could be cold, and the legend says why
      if (!answer.legend.coldPossible) {
        expect(legend.text).not.toContain('冷点(置信度)');
        expect(legend.coldImpossible).toContain('不会出现冷点');
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
      const weekAnswer = () => map.nextAnswer('/api/reports', (q) => q.has('from') && isoWeek(q.get('from')!) === isoWeek(q.get('to')!));
      const shownFor = async (answer: Awaited<ReturnType<typeof weekAnswer>>) => {
        const { query, body } = await answer();
        // the count shown is the API's for that week
        await expect.poll(() => map.reportCountText()).toContain(String(body.numberReturned));
        return { from: query.get('from')!, to: query.get('to')!, n: body.numberReturned as number };
      };
      const first = await weekAnswer();
      const label = await map.replayWeeks();
      const last = await shownFor(first);
      expect(label).toContain(isoWeek(last.from));
      expect(isoWeekMonday(isoWeek(last.from))).toBe(last.from);
      expect(last.n).toBeGreaterThan(0);
      const next = await weekAnswer();
      await map.replayWeek(5);
      const earlier = await shownFor(next);
      expect(earlier.from < last.from).toBe(true);
      expect(await map.weekLabel()).toContain(isoWeek(earlier.from));

      // the weekday × hour matrix has every hour of the week, with reports in working hours only
      const patterns = await map.timePatterns();
      expect(patterns.counts).toHaveLength(7 * 24);
      expect(patterns.counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(100);
      expect(patterns.counts.filter((_, i) => i % 24 < 5).every((v) => v === 0)).toBe(true);
      expect(patterns.market).toContain('占道经营');
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
        expect(await map.pixelsLike(colours, 12)).toBeGreaterThan(before + 2000);
        // each category on the map is named in the legend, in the UI's language and only in it
        const { items, text } = await map.analysisLegend('emerging');
        expect([...items].sort()).toEqual(shown.map((c) => EMERGING_NAMES[c]![lang]).sort());
        if (lang === 'zh') expect(text).not.toMatch(/[A-Za-z]{4,}/);
        else expect(text).not.toMatch(/[\u4e00-\u9fff]/);
        expect(map.problems).toEqual([]);
      } finally {
        await map.close();
      }
    });
  }
});

describe('an analysis the server cannot give', { timeout: 120_000 }, () => {
  it('says why in the legend, in the UI’s language, and draws the layer once the server answers again', async () => {
    const map = await TownMap.open(town.browser, town.server.url, { as: 'leader' });
    try {
      const answerAgain = await map.refuseAnswers('**/api/analysis/areas*', 503, { code: 'busy', message: '分析服务繁忙,请稍后再试。The analyses are busy; try again shortly.' });
      await expect(map.showAnalysis('areas')).rejects.toThrow(/分析图层加载失败:分析服务繁忙,请稍后再试。$/);
      await answerAgain();
      await map.showAnalysis('none');
      await map.showAnalysis('areas');
      expect((await map.analysisLegend('areas')).text).toContain('较上周显著上升');
      // the refused answer is the only fault the page saw
      expect(map.problems.filter((p) => !p.includes('503'))).toEqual([]);
    } finally {
      await map.close();
    }
  });
});

describe('the weekly briefing', { timeout: 120_000 }, () => {
  it('shows last week’s briefing as the page the leading group gets, with its PDF a click away', async () => {
    const map = await TownMap.open(town.browser, town.server.url, { as: 'office', path: '/briefing' });
    try {
      const shown = await map.briefingShown();
      expect(shown.title).toContain('创文卫生热点周报');
      const data = await map.getJson(`/api/briefings/${shown.week}.json`);
      expect(shown.newReports).toBe(data.headline.current.newReports);
      expect(shown.figures).toBe(2);
      const pdf = await map.download(`/api/briefings/${shown.week}.pdf`);
      expect(pdf.type).toBe('application/pdf');
      expect(pdf.size).toBeGreaterThan(20_000);
      await map.screenshotTo(path.join(os.tmpdir(), 'hotspots-briefing-view.png'));
      expect(map.problems).toEqual([]);
    } finally {
      await map.close();
    }
  });
});

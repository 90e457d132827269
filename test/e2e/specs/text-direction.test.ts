import { describe, expect, it } from 'vitest';
import { useTownServer } from '../town-server.ts';
import { TownMap } from '../driver.ts';

// Someone's text with a right-to-left override (U+202E) must not turn the page around it: it is shown isolated.

const town = useTownServer();

describe('text in other directions', { timeout: 120_000 }, () => {
  it('shows a description with a right-to-left override isolated, and the words after it in their order', async () => {
    const map = await TownMap.open(town.browser, town.server.url, { as: 'inspector' });
    try {
      const made = await map.postJson('/api/reports', { category: 'illegal_ad', lon: 105.934, lat: 26.142, description: '小广告\u202Eabc' });
      expect(made.status).toBe(201);
      await map.openReportLink(made.body.id);
      await map.waitUntilDrawn();
      const isolated = await map.detailDescription();
      expect(isolated.text).toBe('小广告\u202Eabc');
      expect(isolated.bidi).toBe('isolate');
      expect(map.problems).toEqual([]);
    } finally {
      await map.close();
    }
  });
});

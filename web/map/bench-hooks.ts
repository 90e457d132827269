import { useEffect } from 'react';
import { decodePoints } from '../../server/domain/points.ts';
import type { BinaryPoints } from './layers/points.ts';
import { heatmapPoints, HEATMAP_LAYER_ID } from './layers/heatmap.ts';
import type { displayFor } from './display.ts';

// What the benchmark reaches in the page (`npm run bench`, test/bench): it hands the map a million points and
// times until deck.gl has drawn them. Only present where MapView put window.__hotspots.

interface DeckInternals {
  needsRedraw(o: { clearRedrawFlags: boolean }): unknown;
  layerManager?: { getLayers(): { id: string; props: { data: unknown } }[] };
}

export function useBenchHooks(setPoints: (p: BinaryPoints) => void, display: ReturnType<typeof displayFor>) {
  useEffect(() => {
    const h = window.__hotspots;
    if (!h) return;
    h.showPoints = async (payload) => {
      const t0 = performance.now();
      const d = decodePoints(payload);
      setPoints({ length: d.count, positions: display.positions(d.positions) });
      // drawn: the heat layer holds the new points and deck.gl has nothing left to redraw
      const deck = (h.overlay as unknown as { _deck?: DeckInternals })._deck;
      for (;;) {
        await new Promise((r) => requestAnimationFrame(() => r(null)));
        const heat = deck?.layerManager?.getLayers().find((l) => l.id === HEATMAP_LAYER_ID);
        if (heat && heatmapPoints(heat) === d.count && !deck?.needsRedraw({ clearRedrawFlags: false })) break;
      }
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(null))));
      return performance.now() - t0;
    };
  });
}

import { useEffect } from 'react';
import { decodePoints } from '../../server/domain/points.ts';
import type { BinaryPoints } from './layers/points.ts';
import type { displayFor } from './display.ts';

// What the benchmark reaches in the page (`npm run bench`, test/bench): it hands the map a million points and
// times until deck.gl has drawn them. Only present where MapView put window.__hotspots.

export function useBenchHooks(setPoints: (p: BinaryPoints) => void, display: ReturnType<typeof displayFor>) {
  useEffect(() => {
    const h = window.__hotspots;
    if (!h) return;
    h.showPoints = async (payload) => {
      const t0 = performance.now();
      const d = decodePoints(payload);
      const before = h.layersSet;
      setPoints({ length: d.count, positions: display.positions(d.positions) });
      // drawn: the view has handed deck.gl layers with the new points, and deck.gl has drawn them
      while (h.layersSet === before || h.layersDrawn !== h.layersSet) await new Promise((r) => requestAnimationFrame(() => r(null)));
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(null))));
      return performance.now() - t0;
    };
  });
}

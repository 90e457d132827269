import type { AnalysisLayerDef } from './types.ts';
import { heatmap } from './heatmap.tsx';
import { hexagons } from './hexagons.tsx';
import { hotspots } from './hotspots.tsx';
import { emerging } from './emerging.tsx';
import { chronic } from './chronic.tsx';
import { areas } from './areas.tsx';

// The analysis layers of the leading group's map, in the picker's order. A new layer: its file beside these
// (its answer's load, its factory, its legend and its tooltip) and one line here; its words go in the dictionaries.

export const ANALYSIS_LAYERS: readonly AnalysisLayerDef<unknown>[] = [heatmap, hexagons, hotspots, emerging, chronic, areas];

/** A layer's key, or 'none' for the map without one. */
export type AnalysisKey = string;
export const NO_ANALYSIS = 'none';

export function analysisLayer(key: AnalysisKey): AnalysisLayerDef<unknown> | undefined {
  return ANALYSIS_LAYERS.find((l) => l.key === key);
}

/** The layer a picked deck.gl layer id belongs to. */
export function analysisLayerOf(layerId: string | undefined): AnalysisLayerDef<unknown> | undefined {
  return ANALYSIS_LAYERS.find((l) => l.layerId === layerId);
}

export type { AnalysisLayerDef, AnalysisQuery, AnalysisUi } from './types.ts';

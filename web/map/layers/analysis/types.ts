import type { Layer } from '@deck.gl/core';
import type { ReactNode } from 'react';
import type { RGB } from '../../colors.ts';
import type { BinaryPoints } from '../points.ts';
import type { displayFor } from '../../display.ts';
import type { I18n } from '../../../i18n/index.tsx';
import type { MessageKey } from '../../../i18n/zh-CN.ts';

// What one analysis layer of the leading group's map is: where its answer comes from, how it is drawn, what its
// legend and its tooltip say. A new layer is one file exporting one of these, and one line in ./index.ts.

/** What every analysis layer's answer is asked for: the map's categories and period. */
export interface AnalysisQuery {
  /** `{}` for every category, `{ category: 'a,b' }` otherwise. */
  categories: Record<string, string>;
  period: { from: string; to: string };
  /** Moves what the server sends in WGS84 onto a GCJ-02 basemap (and changes nothing otherwise). */
  display: ReturnType<typeof displayFor>;
}

/** What a layer factory is drawn with besides its own answer. */
export interface AnalysisUi {
  visible: boolean;
  /** Every report matching the filters, as binary points (heat and hexagons are drawn from them). */
  points: BinaryPoints;
  zoom: number;
  /** Each category's colour. */
  colors: Record<string, RGB>;
}

export interface AnalysisLayerDef<D> {
  /** The radio's value and test id (`analysis-<key>`), and the legend's (`legend-<key>`). */
  key: string;
  /** Its name in the layer picker and as the legend's heading. */
  label: MessageKey;
  /** The deck.gl layer's id, by which a picked object is told to belong to it. */
  layerId: string;
  /** Loads its answer from the API; a layer without one is drawn from the points every view loads. */
  load?(q: AnalysisQuery): Promise<D>;
  /** The deck.gl layer: a pure factory of the answer (null before it arrived) and the view's state. */
  layer(data: D | null, ui: AnalysisUi): Layer;
  /** What the legend says under its heading, once the answer is here (or at once for layers without one). */
  legend?(props: { data: D | null; i18n: I18n }): ReactNode;
  /** The text shown for a picked object of this layer. */
  tooltip?(object: Record<string, any>, data: D | null, i18n: I18n): string | null;
}

/** Keeps a layer's own answer type inside its file while the registry holds them side by side. */
export function defineAnalysisLayer<D>(def: AnalysisLayerDef<D>): AnalysisLayerDef<unknown> {
  return def as unknown as AnalysisLayerDef<unknown>;
}

import { TextLayer } from '@deck.gl/layers';
import { centerOfMass, pointOnFeature } from '@turf/turf';
import { bboxOf, containsPoint, type AreaGeometry } from '../../../server/domain/geo.ts';
import type { AreasResponse, Basemap } from '../../api.ts';
import { onceEach, onceEachBy } from './memo.ts';

export const LABELS_LAYER_ID = 'place-labels';

export type LabelKind = 'village' | 'zone' | 'landmark' | 'road';

export interface PlaceLabel {
  text: string;
  position: [number, number];
  /** Other places the label may go when its first choice would overlap another label. */
  alternatives?: [number, number][];
  kind: LabelKind;
  /** Higher wins where labels would overlap. */
  priority: number;
  minZoom: number;
}

const STYLE: Record<LabelKind, { size: number; color: [number, number, number]; priority: number; minZoom: number }> = {
  village: { size: 15, color: [80, 64, 40], priority: 90, minZoom: 0 },
  zone: { size: 14, color: [30, 30, 30], priority: 80, minZoom: 13 },
  landmark: { size: 13, color: [60, 50, 40], priority: 85, minZoom: 13.25 },
  road: { size: 12, color: [110, 100, 90], priority: 40, minZoom: 14.5 },
};

/** Landmarks people steer by outrank the rest (toilets, committees, sites). */
const MINOR_LANDMARKS = new Set(['toilet', 'committee', 'construction']);

/** Place names from the township's own data, in the chosen language. */
export function buildPlaceLabels(areas: AreasResponse, basemap: Basemap, lang: 'zh-CN' | 'en'): PlaceLabel[] {
  const name = (p: { nameZh: string | null; nameEn: string | null }) => (lang === 'en' ? p.nameEn : p.nameZh) ?? '';
  const out: PlaceLabel[] = [];
  for (const f of areas.features) {
    const kind = f.properties.kind;
    if (kind === 'unit') continue;
    const labelKind: LabelKind = kind === 'cleaning_zone' ? 'zone' : 'village';
    // A village's label sits at its centre of mass; a zone (a corridor of streets) on the zone itself.
    if (labelKind === 'village') {
      const pt = centerOfMass(f as never).geometry.coordinates as [number, number];
      out.push({ text: name(f.properties), position: pt, kind: labelKind, ...pick(labelKind) });
    } else {
      const [first, ...rest] = interiorPoints(f.geometry as AreaGeometry, 8);
      const position = first ?? (pointOnFeature(f as never).geometry.coordinates as [number, number]);
      out.push({ text: name(f.properties), position, alternatives: rest, kind: labelKind, ...pick(labelKind) });
    }
  }
  const seenRoads = new Set<string>();
  for (const f of basemap.features) {
    const text = name(f.properties);
    if (!text) continue;
    if (f.geometry.type === 'Point') {
      const minor = MINOR_LANDMARKS.has(f.properties.kind);
      out.push({
        text,
        position: f.geometry.coordinates,
        kind: 'landmark',
        priority: minor ? 60 : STYLE.landmark.priority,
        minZoom: minor ? 14.5 : STYLE.landmark.minZoom,
      });
    } else if (f.geometry.type === 'LineString' && f.properties.kind !== 'village' && !seenRoads.has(text)) {
      seenRoads.add(text);
      const c = f.geometry.coordinates;
      const mid = c[Math.floor(c.length / 2)]!;
      const prev = c[Math.max(0, Math.floor(c.length / 2) - 1)]!;
      out.push({ text, position: [(mid[0] + prev[0]) / 2, (mid[1] + prev[1]) / 2], kind: 'road', ...pick('road') });
    }
  }
  return out;
}

/**
 * Up to n well-spread points inside an area, most central first: candidates for its label,
 * since a corridor of streets has no useful centre of its own.
 */
export function interiorPoints(g: AreaGeometry, n: number): [number, number][] {
  const [minX, minY, maxX, maxY] = bboxOf(g);
  const steps = 40;
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  const inside: [number, number][] = [];
  for (let i = 0; i <= steps; i++) {
    for (let j = 0; j <= steps; j++) {
      const x = minX + ((maxX - minX) * i) / steps;
      const y = minY + ((maxY - minY) * j) / steps;
      if (containsPoint(g, x, y)) inside.push([x, y]);
    }
  }
  inside.sort((a, b) => Math.hypot(a[0] - cx, a[1] - cy) - Math.hypot(b[0] - cx, b[1] - cy));
  const spacing = Math.hypot(maxX - minX, maxY - minY) / 6;
  const chosen: [number, number][] = [];
  for (const p of inside) {
    if (chosen.length >= n) break;
    if (chosen.every((c) => Math.hypot(c[0] - p[0], c[1] - p[1]) >= spacing)) chosen.push(p);
  }
  return chosen;
}

function pick(kind: LabelKind) {
  return { priority: STYLE[kind].priority, minZoom: STYLE[kind].minZoom };
}

/** Screen-space box of a label at a zoom, in Web Mercator world pixels (translation does not matter). */
function labelBox(l: PlaceLabel, at: [number, number], zoom: number): [number, number, number, number] {
  const scale = 512 * 2 ** zoom;
  const x = ((at[0] + 180) / 360) * scale;
  const sinLat = Math.sin((at[1] * Math.PI) / 180);
  const y = (0.5 - Math.log((1 + sinLat) / (1 - sinLat)) / (4 * Math.PI)) * scale;
  const size = STYLE[l.kind].size;
  let width = 0;
  for (const ch of l.text) width += ch.charCodeAt(0) > 0x2e80 ? size : size * 0.6;
  const pad = 3;
  const top = l.kind === 'landmark' ? y + 6 : y - size / 2;
  return [x - width / 2 - pad, top - pad, x + width / 2 + pad, top + size + pad];
}

/**
 * Which labels to draw at a zoom: those whose minimum zoom is reached, highest priority
 * first, skipping any that would overlap one already placed. Pure, so it is tested without a browser.
 */
export function placeLabels(labels: readonly PlaceLabel[], zoom: number): PlaceLabel[] {
  const placed: PlaceLabel[] = [];
  const boxes: [number, number, number, number][] = [];
  const candidates = labels.filter((l) => zoom >= l.minZoom && l.text).sort((a, b) => b.priority - a.priority);
  const free = (b: [number, number, number, number]) =>
    !boxes.some((o) => b[0] < o[2] && b[2] > o[0] && b[1] < o[3] && b[3] > o[1]);
  for (const l of candidates) {
    for (const at of [l.position, ...(l.alternatives ?? [])]) {
      const b = labelBox(l, at, zoom);
      if (!free(b)) continue;
      boxes.push(b);
      placed.push(at === l.position ? l : { ...l, position: at });
      break;
    }
  }
  return placed;
}

export interface LabelsUi {
  visible: boolean;
  zoom: number;
  fontFamily: string;
}

const labelsAt = onceEachBy((labels: readonly PlaceLabel[], zoom: number) => placeLabels(labels, zoom));
const charactersOf = onceEach((labels: readonly PlaceLabel[]) => {
  const set = new Set<string>();
  for (const l of labels) for (const ch of l.text) set.add(ch);
  return set;
});

/** Labels drawn from the browser's own fonts (any script, no glyph server), without overlaps. */
export function labelsLayer(labels: readonly PlaceLabel[], ui: LabelsUi) {
  const shown = labelsAt(labels, Math.floor(ui.zoom * 4) / 4);
  const characterSet = charactersOf(labels);
  return new TextLayer<PlaceLabel>({
    id: LABELS_LAYER_ID,
    visible: ui.visible,
    data: shown,
    characterSet,
    fontFamily: ui.fontFamily,
    fontWeight: 600,
    fontSettings: { sdf: true, fontSize: 48, buffer: 6 },
    outlineWidth: 3,
    outlineColor: [255, 255, 255, 235],
    getText: (d) => d.text,
    getPosition: (d) => d.position,
    getSize: (d) => STYLE[d.kind].size,
    getColor: (d) => STYLE[d.kind].color,
    getTextAnchor: 'middle',
    getAlignmentBaseline: (d) => (d.kind === 'landmark' ? 'top' : 'center'),
    getPixelOffset: (d) => (d.kind === 'landmark' ? [0, 6] : [0, 0]),
    sizeUnits: 'pixels',
    updateTriggers: { getText: labels, getPosition: labels },
  });
}

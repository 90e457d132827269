import { bboxClip } from '@turf/turf';
import type { BriefingData } from './types.ts';

// The briefing's map figures as SVG: vector, legible in print, with a legend and a scale bar. Pure.

type Ring = [number, number][];
const polys = (g: any): Ring[][] => (g?.type === 'Polygon' ? [g.coordinates] : g?.type === 'MultiPolygon' ? g.coordinates : []);

const BIN_FILL: Record<number, string> = { 3: '#b2182b', 2: '#ef8a62', 1: '#fddbc7', [-1]: '#d1e5f0', [-2]: '#67a9cf', [-3]: '#2166ac' };
const ZONE_COLORS = ['#e6550d', '#3182bd', '#31a354', '#756bb1', '#dd3497', '#8c6d31'];

export interface MapFigureOptions {
  /** [minLon, minLat, maxLon, maxLat] shown. */
  bbox: [number, number, number, number];
  width: number;
  height: number;
  title: string;
  /** Label villages (overview) or landmarks (close-up). */
  labels: 'villages' | 'landmarks';
  /** A white halo behind labels (browsers; the PDF renderer draws labels plainly). */
  halo?: boolean;
}

function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** A round scale-bar length (1, 2, 5 × 10ⁿ metres) about a fifth of the figure. */
function scaleBar(metresPerPixel: number, width: number): { metres: number; pixels: number } {
  const target = (width / 5) * metresPerPixel;
  const p = 10 ** Math.floor(Math.log10(target));
  const metres = [1, 2, 5, 10].map((m) => m * p).filter((m) => m <= target).pop() ?? p;
  return { metres, pixels: metres / metresPerPixel };
}

export function mapFigureSvg(data: BriefingData['map'], o: MapFigureOptions): string {
  const [minLon, minLat, maxLon, maxLat] = o.bbox;
  const midLat = ((minLat + maxLat) / 2) * (Math.PI / 180);
  const kx = Math.cos(midLat);
  const legendH = 46;
  const mapH = o.height - legendH;
  const sx = (o.width - 16) / ((maxLon - minLon) * kx);
  const sy = (mapH - 28) / (maxLat - minLat);
  const s = Math.min(sx, sy);
  const ox = (o.width - (maxLon - minLon) * kx * s) / 2;
  const oy = 22 + (mapH - 28 - (maxLat - minLat) * s) / 2;
  const X = (lon: number) => ox + (lon - minLon) * kx * s;
  const Y = (lat: number) => oy + (maxLat - lat) * s;
  // Geometry is cut to the figure's extent here rather than with an SVG clip path, which not every renderer honours.
  const clip = (g: any) => (g && (g.type === 'Polygon' || g.type === 'MultiPolygon') ? bboxClip(g, o.bbox).geometry : g);
  const path = (g: any) =>
    polys(clip(g))
      .map((poly) => poly.map((ring) => 'M' + ring.map(([lon, lat]) => `${X(lon).toFixed(1)},${Y(lat).toFixed(1)}`).join('L') + 'Z').join(''))
      .join('');
  const inView = ([lon, lat]: [number, number]) => lon >= minLon && lon <= maxLon && lat >= minLat && lat <= maxLat;
  const parts: string[] = [];
  parts.push(`<rect x="0" y="0" width="${o.width}" height="${o.height}" fill="#ffffff"/>`);
  parts.push(`<text x="8" y="15" font-size="12" font-weight="bold" fill="#222">${esc(o.title)}</text>`);
  const halo = o.halo === false ? '' : ' stroke="#fff" stroke-width="2" paint-order="stroke"';
  parts.push('<g>');
  parts.push(`<path d="${path(data.boundary)}" fill="#faf8f2" stroke="none"/>`);
  for (const v of data.villages) parts.push(`<path d="${path(v.geometry)}" fill="none" stroke="#8a7f63" stroke-width="0.8" stroke-dasharray="3 2"/>`);
  data.zones.forEach((z, i) => parts.push(`<path d="${path(z.geometry)}" fill="${ZONE_COLORS[i % ZONE_COLORS.length]}" fill-opacity="0.25" stroke="${ZONE_COLORS[i % ZONE_COLORS.length]}" stroke-width="0.8"/>`));
  for (const c of data.cells) {
    if (!c.ring.some(inView)) continue;
    parts.push(`<path d="M${c.ring.map(([lon, lat]) => `${X(lon).toFixed(1)},${Y(lat).toFixed(1)}`).join('L')}Z" fill="${BIN_FILL[c.bin] ?? '#ccc'}" fill-opacity="0.75" stroke="none"/>`);
  }
  parts.push(`<path d="${path(data.boundary)}" fill="none" stroke="#5b4636" stroke-width="1.4"/>`);
  const r = o.labels === 'landmarks' ? 2.2 : 1.4;
  for (const it of data.openItems) {
    if (!inView(it.at)) continue;
    parts.push(`<circle cx="${X(it.at[0]).toFixed(1)}" cy="${Y(it.at[1]).toFixed(1)}" r="${r}" fill="${it.overdue ? '#d62728' : '#f28e2b'}" stroke="#fff" stroke-width="0.4"/>`);
  }
  if (o.labels === 'villages') {
    for (const v of data.villages) {
      if (!inView(v.label)) continue;
      parts.push(`<text x="${X(v.label[0]).toFixed(1)}" y="${Y(v.label[1]).toFixed(1)}" font-size="9" text-anchor="middle" fill="#4a3b2a"${halo}>${esc(v.nameZh)}</text>`);
    }
  } else {
    const placed: [number, number][] = [];
    for (const l of data.landmarks) {
      if (!inView(l.at)) continue;
      const x = X(l.at[0]);
      const y = Y(l.at[1]);
      if (placed.some(([px, py]) => Math.abs(px - x) < 40 && Math.abs(py - y) < 12)) continue;
      placed.push([x, y]);
      parts.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="1.8" fill="#333"/>`);
      parts.push(`<text x="${x.toFixed(1)}" y="${(y - 4).toFixed(1)}" font-size="8" text-anchor="middle" fill="#222"${halo}>${esc(l.nameZh)}</text>`);
    }
  }
  parts.push('</g>');
  // scale bar
  const metresPerPixel = 111_320 / s;
  const bar = scaleBar(metresPerPixel, o.width);
  const by = mapH - 4;
  parts.push(`<g><rect x="10" y="${by - 4}" width="${bar.pixels.toFixed(1)}" height="3" fill="#333"/><text x="10" y="${by - 7}" font-size="8" fill="#333">${bar.metres >= 1000 ? `${bar.metres / 1000} km` : `${bar.metres} m`}</text></g>`);
  // legend
  const ly = mapH + 6;
  const items: [string, string][] = [
    ['#b2182b', '热点 99%'],
    ['#ef8a62', '热点 95%'],
    ['#fddbc7', '热点 90%'],
    ['#67a9cf', '冷点 95%'],
    ['#f28e2b', '待整改'],
    ['#d62728', '已逾期'],
  ];
  items.forEach(([color, label], i) => {
    const x = 10 + (i % 6) * ((o.width - 20) / 6);
    const round = label === '待整改' || label === '已逾期';
    parts.push(
      round
        ? `<circle cx="${x + 5}" cy="${ly + 5}" r="3.5" fill="${color}"/>`
        : `<rect x="${x}" y="${ly}" width="10" height="10" fill="${color}"/>`,
    );
    parts.push(`<text x="${x + 14}" y="${ly + 9}" font-size="9" fill="#333">${label}</text>`);
  });
  parts.push(`<g><rect x="10" y="${ly + 18}" width="10" height="10" fill="#e6550d" fill-opacity="0.3" stroke="#e6550d" stroke-width="0.8"/><text x="24" y="${ly + 27}" font-size="9" fill="#333">保洁区</text>`);
  parts.push(`<line x1="${10 + (o.width - 20) / 6}" y1="${ly + 23}" x2="${20 + (o.width - 20) / 6}" y2="${ly + 23}" stroke="#8a7f63" stroke-dasharray="3 2"/><text x="${24 + (o.width - 20) / 6}" y="${ly + 27}" font-size="9" fill="#333">村(社区)界</text></g>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${o.width}" height="${o.height}" viewBox="0 0 ${o.width} ${o.height}" font-family="Noto Sans SC, sans-serif">${parts.join('')}</svg>`;
}

/** The bbox of the township and of its town centre (the zones), with a margin. */
export function figureExtents(data: BriefingData['map']): { township: [number, number, number, number]; centre: [number, number, number, number] } {
  const bboxOf = (gs: any[]) => {
    const b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const g of gs) for (const poly of polys(g)) for (const [lon, lat] of poly[0] ?? []) {
      b[0] = Math.min(b[0], lon);
      b[1] = Math.min(b[1], lat);
      b[2] = Math.max(b[2], lon);
      b[3] = Math.max(b[3], lat);
    }
    const mx = (b[2] - b[0]) * 0.04;
    const my = (b[3] - b[1]) * 0.04;
    return [b[0] - mx, b[1] - my, b[2] + mx, b[3] + my] as [number, number, number, number];
  };
  return { township: bboxOf([data.boundary]), centre: bboxOf(data.zones.map((z) => z.geometry)) };
}

import { useMemo } from 'react';
import { localPlane, type Position } from '../../server/domain/geo.ts';
import { countyShade } from './county-shade.ts';

// The county at a glance: every township's boundary, shaded by its overdue items, named, and clickable.
// An SVG from the townships' own boundaries: it needs no basemap or tiles.

export interface CountyMapTownship {
  code: string;
  label: string;
  overdue: number;
  boundary: unknown;
}

type Ring = Position[];
const polys = (g: any): Ring[][] => (g?.type === 'Polygon' ? [g.coordinates] : g?.type === 'MultiPolygon' ? g.coordinates : []);

export function CountyMap({ townships, onOpen, title }: { townships: CountyMapTownship[]; onOpen(code: string): void; title: string }) {
  const drawn = useMemo(() => {
    const all = townships.flatMap((t) => polys(t.boundary).flatMap((p) => p[0] ?? []));
    if (!all.length) return null;
    const xs = all.map((p) => p[0]);
    const ys = all.map((p) => p[1]);
    const plane = localPlane([(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2]);
    const xy = (p: Position): [number, number] => {
      const [x, y] = plane.toMetres(p[0], p[1]);
      return [x, -y];
    };
    const max = Math.max(0, ...townships.map((t) => t.overdue));
    let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
    const shapes = townships.map((t) => {
      const rings = polys(t.boundary);
      let [sx, sy, n] = [0, 0, 0];
      const d = rings
        .map((poly) =>
          poly
            .map((ring) =>
              'M' +
              ring
                .map((p) => {
                  const [x, y] = xy(p);
                  minX = Math.min(minX, x);
                  maxX = Math.max(maxX, x);
                  minY = Math.min(minY, y);
                  maxY = Math.max(maxY, y);
                  return `${x.toFixed(0)},${y.toFixed(0)}`;
                })
                .join('L') +
              'Z',
            )
            .join(''),
        )
        .join('');
      for (const p of rings[0]?.[0] ?? []) {
        const [x, y] = xy(p);
        sx += x;
        sy += y;
        n++;
      }
      return { ...t, d, fill: countyShade(t.overdue, max), at: [sx / Math.max(n, 1), sy / Math.max(n, 1)] as [number, number] };
    });
    const pad = Math.max(maxX - minX, maxY - minY) * 0.04;
    return { shapes, viewBox: `${minX - pad} ${minY - pad} ${maxX - minX + 2 * pad} ${maxY - minY + 2 * pad}`, font: Math.max(maxX - minX, maxY - minY) / 32 };
  }, [townships]);
  if (!drawn) return null;
  return (
    <svg className="county-map" viewBox={drawn.viewBox} role="img" aria-label={title} data-testid="county-map">
      {drawn.shapes.map((s) => (
        <g key={s.code} className="county-township" onClick={() => onOpen(s.code)} data-testid={`county-map-${s.code}`} data-overdue={s.overdue}>
          <title>{`${s.label}: ${s.overdue}`}</title>
          <path d={s.d} fill={s.fill} stroke="#5b4636" strokeWidth={drawn.font / 8} fillRule="evenodd" />
          <text x={s.at[0]} y={s.at[1]} fontSize={drawn.font} textAnchor="middle" dominantBaseline="middle" className="county-label">
            {s.label}
          </text>
        </g>
      ))}
    </svg>
  );
}

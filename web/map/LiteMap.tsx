import { useEffect, useMemo, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import type { AreasResponse, Basemap, Township } from '../api.ts';
import { localPlane, type Position } from '../../server/domain/geo.ts';
import { LAND, TOWNSHIP_LINE, VILLAGE_LINE, WATER, WATER_LINE, ZONE_COLORS } from './colors.ts';

// A small SVG map for phones: the township's own data, pan and pinch, a draggable pin, the GPS circle, item dots.
// It needs no map library, so the field view stays light on a weak connection.

interface Props {
  township: Township;
  areas: AreasResponse;
  basemap: Basemap;
  fix: { at: Position; accuracy: number } | null;
  pin: Position | null;
  onPinMove?(at: Position): void;
  /** Items to show as dots (a cleaner's tasks), each a tap target; the selected one ringed. */
  markers?: readonly Marker[] | undefined;
  onMarker?: ((id: string) => void) | undefined;
  /** A tap on the map (not a pan or pinch): where the pin goes when it is placed by hand. */
  onTap?: ((at: Position) => void) | undefined;
  /** Where to look when the pin is dropped. */
  focus: Position | null;
  /** A box to show whole ([minLon, minLat, maxLon, maxLat]), e.g. around a cleaner's items. */
  fit?: readonly [number, number, number, number] | null | undefined;
}

export interface Marker {
  id: string;
  at: Position;
  color: string;
  late?: boolean;
  selected?: boolean;
}

type Ring = Position[];
const polys = (g: any): Ring[][] => (g?.type === 'Polygon' ? [g.coordinates] : g?.type === 'MultiPolygon' ? g.coordinates : []);

export function LiteMap({ township, areas, basemap, fix, pin, onPinMove, markers, onMarker, onTap, focus, fit }: Props) {
  const svgRef = useRef<SVGSVGElement>(null);
  const [size, setSize] = useState({ w: 360, h: 300 });
  const [b0, b1, b2, b3] = township.bbox as [number, number, number, number];
  const plane = useMemo(() => localPlane([(b0 + b2) / 2, (b1 + b3) / 2]), [b0, b1, b2, b3]);
  const toXY = (p: Position): [number, number] => {
    const [x, y] = plane.toMetres(p[0], p[1]);
    return [x, -y];
  };
  // every shape once, in metres (y down)
  const shapes = useMemo(() => {
    const d = (g: any) =>
      polys(g)
        .map((poly) => poly.map((ring) => 'M' + ring.map((p) => toXY(p).map((v) => v.toFixed(1)).join(',')).join('L') + 'Z').join(''))
        .join('');
    const zoneCodes = areas.features.filter((f) => f.properties.kind === 'cleaning_zone').map((f) => f.properties.code).sort();
    return {
      boundary: d(township.boundary),
      villages: areas.features.filter((f) => f.properties.kind === 'village' || f.properties.kind === 'community').map((f) => d(f.geometry)),
      zones: areas.features
        .filter((f) => f.properties.kind === 'cleaning_zone')
        .map((f) => ({ d: d(f.geometry), color: ZONE_COLORS[zoneCodes.indexOf(f.properties.code) % ZONE_COLORS.length]! })),
      roads: basemap.features
        .filter((f) => f.geometry.type === 'LineString' && f.properties.layer === 'road')
        .map((f) => 'M' + (f.geometry.coordinates as Position[]).map((p) => toXY(p).map((v) => v.toFixed(1)).join(',')).join('L')),
      water: basemap.features
        .filter((f) => f.properties.layer === 'water' && (f.geometry.type === 'LineString' || f.geometry.type === 'Polygon'))
        .map((f) => {
          const rings = f.geometry.type === 'Polygon' ? (f.geometry.coordinates as Position[][]) : [f.geometry.coordinates as Position[]];
          const closed = f.geometry.type === 'Polygon';
          return { d: rings.map((r) => 'M' + r.map((p) => toXY(p).map((v) => v.toFixed(1)).join(',')).join('L') + (closed ? 'Z' : '')).join(''), closed };
        }),
      labels: basemap.features
        .filter((f) => f.geometry.type === 'Point' && f.properties.nameZh)
        .map((f) => ({ at: toXY(f.geometry.coordinates as Position), text: f.properties.nameZh! })),
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [township, areas, basemap, plane]);

  const [min, max] = [toXY([b0, b3]), toXY([b2, b1])];
  const [view, setView] = useState(() => ({ cx: (min[0] + max[0]) / 2, cy: (min[1] + max[1]) / 2, k: 0.02 }));

  useEffect(() => {
    const el = svgRef.current!;
    const ro = new ResizeObserver(() => {
      const r = el.getBoundingClientRect();
      setSize({ w: r.width, h: r.height });
      setView((v) => (v.k === 0.02 ? { ...v, k: Math.min(r.width / (max[0] - min[0]), r.height / (max[1] - min[1])) * 0.95 } : v));
    });
    ro.observe(el);
    return () => ro.disconnect();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    if (!focus) return;
    const [x, y] = toXY(focus);
    setView((v) => ({ cx: x, cy: y, k: Math.max(v.k, 1.2) }));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focus?.[0], focus?.[1]]);

  useEffect(() => {
    if (!fit) return;
    const [x0, y0] = toXY([fit[0], fit[3]]);
    const [x1, y1] = toXY([fit[2], fit[1]]);
    setView({ cx: (x0 + x1) / 2, cy: (y0 + y1) / 2, k: clampK(Math.min(size.w / Math.max(50, x1 - x0), size.h / Math.max(50, y1 - y0)) * 0.85) });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [fit?.[0], fit?.[1], fit?.[2], fit?.[3], size.w, size.h]);

  // pointers: one drags the map (or the pin), two pinch to zoom
  const pointers = useRef(new Map<number, { x: number; y: number }>());
  const dragPin = useRef(false);
  /** Where the one finger went down, and whether it has since moved far enough to be a pan. */
  const press = useRef<{ x: number; y: number; moved: boolean } | null>(null);
  const screenToLonLat = (sx: number, sy: number): Position => {
    const r = svgRef.current!.getBoundingClientRect();
    const x = view.cx + (sx - r.left - size.w / 2) / view.k;
    const y = view.cy + (sy - r.top - size.h / 2) / view.k;
    return plane.toLonLat(x, -y);
  };
  /** The dot nearest a tap within a fingertip's reach (22 px), so dots close together each stay reachable. */
  const nearestMarker = (sx: number, sy: number): string | null => {
    if (!markers?.length || !onMarker) return null;
    const r = svgRef.current!.getBoundingClientRect();
    let best: string | null = null;
    let bestD = 22;
    for (const m of markers) {
      const [x, y] = toXY(m.at);
      const d = Math.hypot(r.left + size.w / 2 + (x - view.cx) * view.k - sx, r.top + size.h / 2 + (y - view.cy) * view.k - sy);
      if (d <= bestD) [best, bestD] = [m.id, d];
    }
    return best;
  };
  const onDown = (e: ReactPointerEvent) => {
    (e.target as Element).setPointerCapture?.(e.pointerId);
    pointers.current.set(e.pointerId, { x: e.clientX, y: e.clientY });
    press.current = pointers.current.size === 1 ? { x: e.clientX, y: e.clientY, moved: false } : null;
  };
  const onMove = (e: ReactPointerEvent) => {
    const prev = pointers.current.get(e.pointerId);
    if (!prev) return;
    if (press.current && Math.hypot(e.clientX - press.current.x, e.clientY - press.current.y) > 8) press.current.moved = true;
    if (dragPin.current) {
      onPinMove?.(screenToLonLat(e.clientX, e.clientY));
      return;
    }
    const all = [...pointers.current.entries()];
    if (all.length === 2) {
      const other = all.find(([id]) => id !== e.pointerId)![1];
      const before = Math.hypot(prev.x - other.x, prev.y - other.y);
      const after = Math.hypot(e.clientX - other.x, e.clientY - other.y);
      if (before > 0) setView((v) => ({ ...v, k: clampK(v.k * (after / before)) }));
    } else {
      setView((v) => ({ ...v, cx: v.cx - (e.clientX - prev.x) / v.k, cy: v.cy - (e.clientY - prev.y) / v.k }));
    }
    pointers.current.set(e.pointerId, { x: e.clientX, y: e.clientY });
  };
  const onUp = (e: ReactPointerEvent) => {
    const tapped = press.current && !press.current.moved && !dragPin.current && pointers.current.size === 1 && e.type === 'pointerup';
    press.current = null;
    if (tapped) {
      const hit = nearestMarker(e.clientX, e.clientY);
      if (hit) onMarker?.(hit);
      else onTap?.(screenToLonLat(e.clientX, e.clientY));
    }
    pointers.current.delete(e.pointerId);
    if (pointers.current.size === 0) dragPin.current = false;
  };
  const clampK = (k: number) => Math.min(20, Math.max(0.005, k));
  const zoom = (f: number) => setView((v) => ({ ...v, k: clampK(v.k * f) }));

  const transform = `translate(${size.w / 2},${size.h / 2}) scale(${view.k}) translate(${-view.cx},${-view.cy})`;
  const px = (n: number) => n / view.k; // a screen size in map units
  const pinXY = pin ? toXY(pin) : null;
  const fixXY = fix ? toXY(fix.at) : null;
  return (
    <div className="lite-map">
      <svg
        ref={svgRef}
        width="100%"
        height="100%"
        onPointerDown={onDown}
        onPointerMove={onMove}
        onPointerUp={onUp}
        onPointerCancel={onUp}
        onWheel={(e) => zoom(e.deltaY < 0 ? 1.25 : 0.8)}
        style={{ touchAction: 'none', background: '#e4e9e2' }}
        data-testid="lite-map"
      >
        <g transform={transform}>
          <path d={shapes.boundary} fill={LAND} />
          {shapes.zones.map((z, i) => (
            <path key={i} d={z.d} fill={z.color} fillOpacity={0.3} stroke={z.color} strokeWidth={px(1.2)} />
          ))}
          {shapes.villages.map((d, i) => (
            <path key={i} d={d} fill="none" stroke={VILLAGE_LINE} strokeWidth={px(1)} strokeDasharray={`${px(4)} ${px(3)}`} />
          ))}
          {shapes.water.map((w, i) => (
            <path key={`w${i}`} d={w.d} fill={w.closed ? WATER : 'none'} stroke={WATER_LINE} strokeWidth={w.closed ? 0 : Math.max(px(1.5), 4)} strokeLinecap="round" />
          ))}
          {shapes.roads.map((d, i) => (
            <path key={i} d={d} fill="none" stroke="#a39579" strokeWidth={Math.max(px(2), 8)} strokeLinecap="round" strokeLinejoin="round" opacity={0.55} />
          ))}
          <path d={shapes.boundary} fill="none" stroke={TOWNSHIP_LINE} strokeWidth={px(2)} />
          {view.k > 0.4 &&
            shapes.labels.map((l, i) => (
              <text key={i} x={l.at[0]} y={l.at[1] - px(6)} fontSize={px(11)} textAnchor="middle" fill="#3b3024" stroke="#fff" strokeWidth={px(2.5)} paintOrder="stroke">
                {l.text}
              </text>
            ))}
          {fixXY && fix && (
            <>
              <circle cx={fixXY[0]} cy={fixXY[1]} r={fix.accuracy} fill="#1f77b4" fillOpacity={0.15} stroke="#1f77b4" strokeWidth={px(1.5)} data-testid="gps-circle" />
              <circle cx={fixXY[0]} cy={fixXY[1]} r={px(5)} fill="#1f77b4" stroke="#fff" strokeWidth={px(2)} />
            </>
          )}
          {/* the selected dot drawn last, on top; a tap goes to the nearest dot (onUp), not to whichever is on top */}
          {markers && [...markers.filter((m) => !m.selected), ...markers.filter((m) => m.selected)].map((m) => {
            const [x, y] = toXY(m.at);
            return (
              <g
                key={m.id}
                transform={`translate(${x},${y}) scale(${1 / view.k})`}
                style={{ cursor: 'pointer' }}
                data-testid="marker"
                data-id={m.id}
              >
                {/* a fingertip's reach around a small dot */}
                <circle r={22} fill="transparent" />
                {m.selected && <circle r={12} fill="none" stroke="#2b2620" strokeWidth={3} />}
                <circle r={7} fill={m.color} stroke={m.late ? '#b3261e' : '#fff'} strokeWidth={m.late ? 3 : 2} />
              </g>
            );
          })}
          {pinXY && (
            <g
              transform={`translate(${pinXY[0]},${pinXY[1]}) scale(${1 / view.k})`}
              onPointerDown={(e) => {
                dragPin.current = true;
                onDown(e);
                e.stopPropagation();
              }}
              style={{ cursor: 'grab' }}
              data-testid="pin"
            >
              <circle r={22} fill="transparent" />
              <path d="M0 0 C-4 -10 -12 -14 -12 -24 A12 12 0 1 1 12 -24 C12 -14 4 -10 0 0Z" fill="#b3261e" stroke="#fff" strokeWidth={2} />
              <circle cy={-24} r={4.5} fill="#fff" />
            </g>
          )}
        </g>
      </svg>
      <div className="lite-zoom">
        <button type="button" onClick={() => zoom(1.5)} aria-label="+">
          +
        </button>
        <button type="button" onClick={() => zoom(1 / 1.5)} aria-label="−">
          −
        </button>
      </div>
    </div>
  );
}

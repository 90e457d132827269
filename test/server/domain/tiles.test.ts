import { describe, expect, it } from 'vitest';
import { resolveTiles, tileOrigins } from '../../../server/domain/tiles.ts';
import { parseRange } from '../../../server/http/ranges.ts';

describe('basemap tiles', () => {
  it('has no tiles offline, and names what each service needs', () => {
    expect(resolveTiles({ basemap: 'offline' })).toBeNull();
    const osm = resolveTiles({ basemap: 'osm' })!;
    expect(tileOrigins(osm)).toEqual(['https://tile.openstreetmap.org']);
    expect(() => resolveTiles({ basemap: 'tianditu' })).toThrow(/HOTSPOTS_TIANDITU_KEY/);
    const tdt = resolveTiles({ basemap: 'tianditu', tiandituKey: 'abc123def456' })!;
    expect(tdt.kind === 'raster' && tdt.layers.map((l) => l.tiles.length)).toEqual([8, 8]);
    expect(tdt.kind === 'raster' && tdt.layers[1]!.tiles[0]).toContain('LAYER=cva');
    expect(tileOrigins(tdt)).toHaveLength(8);
    expect(() => resolveTiles({ basemap: 'custom', url: 'https://tiles.example.org/a.png' })).toThrow(/\{z\}/);
    expect(resolveTiles({ basemap: 'custom', url: 'https://t.example.org/{z}/{x}/{y}.png', crs: 'gcj02' })?.crs).toBe('gcj02');
    expect(resolveTiles({ basemap: 'amap' })).toMatchObject({ crs: 'gcj02', name: '高德地图' });
    expect(tileOrigins(resolveTiles({ basemap: 'custom', url: 'https://t.example.org:8443/{z}/{x}/{y}.png' }))).toEqual(['https://t.example.org:8443']);
    expect(resolveTiles({ basemap: 'pmtiles' })).toMatchObject({ kind: 'pmtiles', url: '/api/basemap/tiles.pmtiles' });
  });

  it('reads byte ranges as RFC 9110 has them', () => {
    expect(parseRange(undefined, 100)).toEqual({ kind: 'whole' });
    expect(parseRange('bytes=0-9', 100)).toEqual({ kind: 'part', start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ kind: 'part', start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ kind: 'part', start: 90, end: 99 });
    expect(parseRange('bytes=50-500', 100)).toEqual({ kind: 'part', start: 50, end: 99 });
    expect(parseRange('bytes=100-', 100)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=9-3', 100)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=0-1,5-6', 100)).toEqual({ kind: 'whole' });
    expect(parseRange('items=0-1', 100)).toEqual({ kind: 'whole' });
  });
});

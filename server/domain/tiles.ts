// Which basemap tiles the map draws under the township's own data: none (the offline default), a public service by
// URL, or a PMTiles file the server itself serves. Pure: the configuration in, a description for the web app out.

export type TileCrs = 'wgs84' | 'gcj02';

export interface RasterLayer {
  /** URL templates with {z}/{x}/{y}; several spread the load over a service's hosts. */
  tiles: string[];
  tileSize: 256 | 512;
  maxzoom: number;
}

export type TileSource =
  | { kind: 'raster'; name: string; layers: RasterLayer[]; attribution: string; crs: TileCrs }
  | { kind: 'pmtiles'; name: string; url: string; attribution: string; crs: TileCrs };

export type BasemapChoice = 'offline' | 'osm' | 'tianditu' | 'amap' | 'custom' | 'pmtiles';

export interface TileSettings {
  basemap: BasemapChoice;
  url?: string | undefined;
  crs?: TileCrs | undefined;
  tiandituKey?: string | undefined;
  attribution?: string | undefined;
}

const hosts = (template: string, names: string[]) => names.map((h) => template.replace('{s}', h));

/** The tiles for a choice, or null for the offline basemap; throws with the setting to fix when one is missing. */
export function resolveTiles(s: TileSettings): TileSource | null {
  switch (s.basemap) {
    case 'offline':
      return null;
    case 'osm':
      return {
        kind: 'raster',
        name: 'OpenStreetMap',
        layers: [{ tiles: ['https://tile.openstreetmap.org/{z}/{x}/{y}.png'], tileSize: 256, maxzoom: 19 }],
        attribution: '© OpenStreetMap contributors',
        crs: 'wgs84',
      };
    case 'tianditu': {
      if (!s.tiandituKey) throw new Error('HOTSPOTS_BASEMAP=tianditu needs HOTSPOTS_TIANDITU_KEY (a 天地图 browser key).');
      const layer = (name: string) =>
        hosts(
          `https://t{s}.tianditu.gov.cn/${name}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=${name}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=${encodeURIComponent(s.tiandituKey!)}`,
          ['0', '1', '2', '3', '4', '5', '6', '7'],
        );
      // CGCS2000, which 天地图 uses, differs from WGS84 by centimetres: no shift.
      return {
        kind: 'raster',
        name: '天地图',
        layers: [
          { tiles: layer('vec'), tileSize: 256, maxzoom: 18 },
          { tiles: layer('cva'), tileSize: 256, maxzoom: 18 },
        ],
        attribution: '© 天地图 国家地理信息公共服务平台',
        crs: 'wgs84',
      };
    }
    case 'amap':
      // GCJ-02: the web app shifts our WGS84 data onto these roads for display (web/map/display.ts).
      return {
        kind: 'raster',
        name: '高德地图',
        layers: [{ tiles: hosts('https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}', ['1', '2', '3', '4']), tileSize: 256, maxzoom: 18 }],
        attribution: '© 高德地图 AutoNavi',
        crs: 'gcj02',
      };
    case 'custom':
      if (!s.url || !/\{z\}/.test(s.url) || !/\{x\}/.test(s.url) || !/\{y\}/.test(s.url)) {
        throw new Error('HOTSPOTS_BASEMAP=custom needs HOTSPOTS_BASEMAP_URL, a tile URL with {z}, {x} and {y}.');
      }
      return { kind: 'raster', name: 'custom', layers: [{ tiles: [s.url], tileSize: 256, maxzoom: 19 }], attribution: s.attribution ?? '', crs: s.crs ?? 'wgs84' };
    case 'pmtiles':
      return { kind: 'pmtiles', name: 'PMTiles', url: '/api/basemap/tiles.pmtiles', attribution: s.attribution ?? '', crs: s.crs ?? 'wgs84' };
  }
}

/** The origins a browser must be allowed to fetch tiles from (for the Content-Security-Policy). */
export function tileOrigins(t: TileSource | null): string[] {
  if (!t || t.kind !== 'raster') return [];
  return [...new Set(t.layers.flatMap((l) => l.tiles.map((u) => new URL(u.replace(/\{[a-z]\}/g, '0')).origin)))];
}

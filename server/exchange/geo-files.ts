import zlib from 'node:zlib';
import { iter } from 'but-unzip';
import { parseDbf, parseShp } from 'shpjs';
import { kml } from '@tmcw/togeojson';
import { DOMParser } from '@xmldom/xmldom';
import { feature as topoFeature } from 'topojson-client';
import type { Topology } from 'topojson-specification';
import { crsFromGeoJsonMember, crsFromName, crsFromWkt, KNOWN, matchZonePrefix, type Crs } from './crs.ts';

// Boundary files as county GIS offices send them, read into WGS84 features: GeoJSON (a FeatureCollection, one
// Feature or a bare geometry; TopoJSON too), a zipped Shapefile (.shp, .dbf, .prj, and .cpg when present) and
// KML/KMZ. The coordinate system comes from --crs, the .prj or the GeoJSON "crs" member, in that order; DBF
// text is UTF-8 when it decodes cleanly and GB18030 otherwise (what Chinese GIS tools write without a .cpg).

export interface GeoFeature {
  /** 1-based position in the file. */
  index: number;
  properties: Record<string, unknown>;
  /** WGS84, or null when the feature has none. */
  geometry: { type: string; coordinates?: unknown } | null;
}

export interface GeoFile {
  format: 'geojson' | 'topojson' | 'shapefile' | 'kml';
  /** The coordinate system read from, in words. */
  crs: string;
  /** DBF text encoding, for Shapefiles. */
  encoding?: string;
  /** What was decided along the way (zone prefix, encoding guess), to print in the dry run. */
  notes: string[];
  features: GeoFeature[];
}

/** A file the reader cannot take, with the reason in Chinese and English. */
export class GeoFileError extends Error {}

/** Inflated bytes a zip may hold: a boundary file is a few MB, a zip bomb is not let grow the server. */
export const MAX_UNZIPPED_BYTES = 200 * 1024 * 1024;

/**
 * Every entry of a zip (a zipped Shapefile, a KMZ, an XLSX workbook), inflated with a ceiling on what it may
 * grow to: a small file that claims or inflates to hundreds of MB is refused while inflating, not after.
 */
export function unzipEntries(bytes: Uint8Array): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  let total = 0;
  for (const entry of iter(bytes, (raw) => zlib.inflateRawSync(raw, { maxOutputLength: MAX_UNZIPPED_BYTES }))) {
    if (entry.filename.includes('__MACOSX') || entry.filename.endsWith('/')) continue;
    const data = entry.read();
    if (data instanceof Promise) throw new GeoFileError('zip entry could not be read synchronously');
    total += data.byteLength;
    if (total > MAX_UNZIPPED_BYTES) throw new GeoFileError(`压缩包解压后超过 ${MAX_UNZIPPED_BYTES / 1048576} MB。The zip unpacks to more than ${MAX_UNZIPPED_BYTES / 1048576} MB.`);
    out.set(entry.filename, data);
  }
  return out;
}

const CPG_ALIASES: Record<string, string> = {
  '936': 'gb18030', cp936: 'gb18030', gbk: 'gb18030', gb2312: 'gb18030', gb18030: 'gb18030', 'ansi 936': 'gb18030',
  '65001': 'utf-8', utf8: 'utf-8', 'utf-8': 'utf-8',
};

/** The DBF's text encoding: its .cpg when there is one; else UTF-8 when every record decodes as UTF-8, else GB18030. */
export function dbfEncoding(dbf: Uint8Array, cpg: string | undefined): { encoding: string; note: string | null } {
  if (cpg?.trim()) {
    const named = CPG_ALIASES[cpg.trim().toLowerCase()] ?? cpg.trim().toLowerCase();
    try {
      new TextDecoder(named);
      return { encoding: named, note: null };
    } catch {
      // an unknown code page: fall back to guessing
    }
  }
  const view = new DataView(dbf.buffer, dbf.byteOffset, dbf.byteLength);
  const headerLength = dbf.byteLength >= 10 ? view.getUint16(8, true) : 0;
  // Field names (11 bytes each from byte 32) and the records: text in any DBF.
  const names: Uint8Array[] = [];
  for (let o = 32; o + 11 <= headerLength && dbf[o] !== 0x0d; o += 32) names.push(dbf.subarray(o, o + 11));
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  try {
    for (const n of names) utf8.decode(n);
    utf8.decode(dbf.subarray(headerLength));
    return { encoding: 'utf-8', note: null };
  } catch {
    return { encoding: 'gb18030', note: 'DBF 没有 .cpg 且不是 UTF-8,按 GB18030 读取。The DBF has no .cpg and is not UTF-8: read as GB18030.' };
  }
}

/** Applies a coordinate conversion to every position of a geometry, in place. */
function convertGeometry(g: { type: string; coordinates?: unknown; geometries?: unknown[] } | null, f: (x: number, y: number) => [number, number]): void {
  if (!g) return;
  if (g.type === 'GeometryCollection') {
    for (const child of g.geometries ?? []) convertGeometry(child as never, f);
    return;
  }
  const walk = (c: unknown): unknown => {
    if (Array.isArray(c) && typeof c[0] === 'number' && typeof c[1] === 'number') {
      const [x, y] = f(c[0], c[1]);
      return [x, y];
    }
    return Array.isArray(c) ? c.map(walk) : c;
  };
  g.coordinates = walk(g.coordinates);
}

function firstX(features: GeoFeature[]): number | undefined {
  for (const f of features) {
    let c: unknown = f.geometry?.coordinates;
    while (Array.isArray(c) && Array.isArray(c[0])) c = c[0];
    if (Array.isArray(c) && typeof c[0] === 'number') return c[0];
  }
  return undefined;
}

/** Brings features into WGS84 from the given system (eastings checked against Gauss-Krüger zone prefixes). */
function toWgs84(features: GeoFeature[], crs: Crs, notes: string[]): string {
  let use = crs;
  const x = firstX(features);
  if (x !== undefined) {
    const m = matchZonePrefix(crs, x);
    use = m.crs;
    if (m.note) notes.push(m.note);
  }
  if (use !== KNOWN.WGS84 && use !== KNOWN.CGCS2000) {
    for (const f of features) convertGeometry(f.geometry, use.toWgs84);
  }
  return use.label;
}

function featuresOfGeoJson(doc: unknown): GeoFeature[] {
  const d = doc as { type?: string; features?: unknown[]; geometry?: unknown; properties?: unknown };
  const asFeature = (f: unknown, i: number): GeoFeature => {
    const x = f as { type?: string; properties?: Record<string, unknown> | null; geometry?: GeoFeature['geometry'] };
    if (x?.type !== 'Feature') throw new GeoFileError(`第 ${i + 1} 个要素不是 GeoJSON Feature。Feature ${i + 1} is not a GeoJSON Feature.`);
    return { index: i + 1, properties: x.properties ?? {}, geometry: x.geometry ?? null };
  };
  if (d?.type === 'FeatureCollection' && Array.isArray(d.features)) return d.features.map(asFeature);
  if (d?.type === 'Feature') return [asFeature(d, 0)];
  if (typeof d?.type === 'string' && ['Polygon', 'MultiPolygon', 'Point', 'LineString', 'MultiLineString', 'MultiPoint', 'GeometryCollection'].includes(d.type)) {
    return [{ index: 1, properties: {}, geometry: d as GeoFeature['geometry'] }];
  }
  throw new GeoFileError('不是 GeoJSON:应为 FeatureCollection、Feature 或几何对象。Not GeoJSON: expected a FeatureCollection, a Feature or a geometry.');
}

function readJsonFile(bytes: Uint8Array, notes: string[], crsOverride: Crs | null): GeoFile {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new GeoFileError(`不是有效的 JSON(${(err as Error).message})。The file is not valid JSON.`);
  }
  const d = doc as { type?: string; objects?: Record<string, unknown>; UTF8Encoding?: unknown };
  if (d?.type === 'Topology' && d.objects) {
    const [name] = Object.keys(d.objects);
    if (!name) throw new GeoFileError('TopoJSON 中没有对象。The TopoJSON file holds no objects.');
    if (Object.keys(d.objects).length > 1) notes.push(`TopoJSON 有 ${Object.keys(d.objects).length} 个对象,读取“${name}”。The TopoJSON holds several objects; reading "${name}".`);
    const fc = topoFeature(doc as Topology, name) as unknown;
    const features = featuresOfGeoJson(fc);
    const crs = toWgs84(features, crsOverride ?? KNOWN.WGS84, notes);
    return { format: 'topojson', crs, notes, features };
  }
  if (d?.UTF8Encoding) {
    throw new GeoFileError('这是 ECharts 压缩编码的地图文件(UTF8Encoding),请先解码为普通 GeoJSON。This is an ECharts-encoded map file (UTF8Encoding); decode it to plain GeoJSON first.');
  }
  const features = featuresOfGeoJson(doc);
  const declared = crsOverride ?? crsFromGeoJsonMember(doc);
  const crs = toWgs84(features, declared ?? KNOWN.WGS84, notes);
  return { format: 'geojson', crs, notes, features };
}

function readShapefile(files: Map<string, Uint8Array>, notes: string[], crsOverride: Crs | null): GeoFile {
  const byExt = (name: string, ext: string) => {
    for (const [k, v] of files) if (k.toLowerCase() === `${name}.${ext}`.toLowerCase()) return v;
    return undefined;
  };
  const layers = [...files.keys()].filter((k) => k.toLowerCase().endsWith('.shp')).map((k) => k.slice(0, -4));
  const base = layers[0];
  if (!base) throw new GeoFileError('压缩包里没有 .shp 文件。The zip holds no .shp file.');
  if (layers.length > 1) notes.push(`压缩包有 ${layers.length} 个图层,读取“${base}”。The zip holds several layers; reading "${base}".`);
  const shpBytes = byExt(base, 'shp')!;
  const dbfBytes = byExt(base, 'dbf');
  const prj = byExt(base, 'prj');
  const cpg = byExt(base, 'cpg');
  const geometries = parseShp(shpBytes) as Array<GeoFeature['geometry']>;
  let encoding: string | undefined;
  let rows: Record<string, unknown>[] = [];
  if (dbfBytes) {
    const enc = dbfEncoding(dbfBytes, cpg ? new TextDecoder().decode(cpg) : undefined);
    encoding = enc.encoding;
    if (enc.note) notes.push(enc.note);
    rows = parseDbf(dbfBytes, encoding) as Record<string, unknown>[];
  } else notes.push('没有 .dbf,要素没有属性。No .dbf: the features have no attributes.');
  const features = geometries.map((g, i) => ({ index: i + 1, properties: rows[i] ?? {}, geometry: g }));
  let declared = crsOverride;
  if (!declared && prj) {
    try {
      declared = crsFromWkt(new TextDecoder().decode(prj));
    } catch (err) {
      throw new GeoFileError((err as Error).message);
    }
  }
  if (!declared) notes.push('没有 .prj,按 WGS84 经纬度读取。No .prj: read as WGS84 longitude and latitude.');
  const crs = toWgs84(features, declared ?? KNOWN.WGS84, notes);
  return { format: 'shapefile', crs, ...(encoding ? { encoding } : {}), notes, features };
}

function readKml(text: string, notes: string[], crsOverride: Crs | null): GeoFile {
  const dom = new DOMParser().parseFromString(text, 'text/xml');
  const fc = kml(dom as unknown as Document);
  const features = featuresOfGeoJson(fc);
  // KML is WGS84 by definition; only a declared GCJ-02 (a file drawn on Amap) is converted.
  const crs = toWgs84(features, crsOverride ?? KNOWN.WGS84, notes);
  return { format: 'kml', crs, notes, features };
}

/**
 * Reads a boundary file by its name's ending (.geojson/.json/.topojson, .zip, .shp with its siblings given in
 * `siblings`, .kml/.kmz) into WGS84 features. `crs` overrides what the file declares.
 */
export function readGeoFile(bytes: Uint8Array, filename: string, opts: { crs?: string | undefined; siblings?: Map<string, Uint8Array> } = {}): GeoFile {
  const notes: string[] = [];
  let crsOverride: Crs | null = null;
  if (opts.crs) {
    try {
      crsOverride = crsFromName(opts.crs);
    } catch (err) {
      throw new GeoFileError((err as Error).message);
    }
  }
  const ext = filename.toLowerCase().split('.').pop() ?? '';
  try {
    if (ext === 'zip') return readShapefile(unzipEntries(bytes), notes, crsOverride);
    if (ext === 'shp') {
      const files = new Map(opts.siblings ?? []);
      files.set(filename.split(/[\\/]/).pop()!, bytes);
      return readShapefile(files, notes, crsOverride);
    }
    if (ext === 'kml') return readKml(new TextDecoder().decode(bytes), notes, crsOverride);
    if (ext === 'kmz') {
      const entries = unzipEntries(bytes);
      const doc = [...entries.entries()].find(([k]) => k.toLowerCase().endsWith('.kml'));
      if (!doc) throw new GeoFileError('KMZ 中没有 .kml 文件。The KMZ holds no .kml file.');
      return readKml(new TextDecoder().decode(doc[1]), notes, crsOverride);
    }
    if (ext === 'geojson' || ext === 'json' || ext === 'topojson') return readJsonFile(bytes, notes, crsOverride);
  } catch (err) {
    if (err instanceof GeoFileError) throw err;
    throw new GeoFileError(`文件无法读取:${(err as Error).message}。The file cannot be read as ${ext.toUpperCase()}.`);
  }
  throw new GeoFileError(`不支持“.${ext}”文件:请用 GeoJSON、压缩的 Shapefile(.zip)或 KML。A ".${ext}" file is not read here: use GeoJSON, a zipped Shapefile (.zip) or KML.`);
}

/** A feature's name as boundary files carry it (name, 名称, XZQMC of China's administrative-division data…). */
export function featureName(p: Record<string, unknown>): string | null {
  for (const key of ['name_zh', 'nameZh', 'name', 'NAME', 'Name', '名称', 'XZQMC', 'xzqmc', 'MC', 'ZLDWMC', 'QHMC']) {
    const v = p[key];
    if (v !== undefined && v !== null && String(v).trim()) return String(v).trim();
  }
  return null;
}

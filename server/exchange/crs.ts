import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import proj4 from 'proj4';
import { gcj02ToWgs84 } from '../domain/coords.ts';

// Coordinate systems of the files a county's natural-resources bureau sends: WGS84, CGCS2000 geographic
// (EPSG:4490), CGCS2000 Gauss-Krüger 3° and 6° zones (EPSG:4491–4554), Web Mercator, and GCJ-02 when declared.
// Definitions come from the EPSG registry as packaged in `epsg-index`, and proj4 does the arithmetic: no
// projection formula is written here. A .prj names its system by WKT; GDAL and ArcGIS write ESRI names
// ("CGCS2000_3_Degree_GK_Zone_39") without EPSG codes, so a CGCS2000 Gauss-Krüger .prj is matched to its EPSG
// entry by its central meridian and false easting.

export interface Crs {
  /** "EPSG:4527 CGCS2000 / 3-degree Gauss-Kruger zone 39", "GCJ-02", "WGS 84"… */
  label: string;
  /** Projected (metres) rather than geographic (degrees). */
  projected: boolean;
  /** To WGS84 longitude and latitude. */
  toWgs84(x: number, y: number): [number, number];
  /** The proj4 definition in use (projected systems), so the false easting can be adjusted. */
  proj4?: string;
  epsg?: number;
}

const require = createRequire(import.meta.url);
const EPSG_DIR = path.join(path.dirname(require.resolve('epsg-index/package.json')), 's');

interface EpsgEntry {
  code: string;
  name: string;
  proj4: string;
  kind: string;
}

const epsgCache = new Map<number, EpsgEntry | null>();

/** An entry of the EPSG registry, or null when the code is unknown. */
export function epsgEntry(code: number): EpsgEntry | null {
  if (!epsgCache.has(code)) {
    const file = path.join(EPSG_DIR, `${code}.json`);
    epsgCache.set(code, Number.isInteger(code) && fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as EpsgEntry) : null);
  }
  return epsgCache.get(code)!;
}

const WGS84: Crs = { label: 'WGS 84 (EPSG:4326)', projected: false, toWgs84: (x, y) => [x, y], epsg: 4326 };
// CGCS2000 and WGS84 agree to a few centimetres: the registry's transformation between them is the identity.
const CGCS2000: Crs = { label: 'CGCS2000 (EPSG:4490)', projected: false, toWgs84: (x, y) => [x, y], epsg: 4490 };
const GCJ02: Crs = { label: 'GCJ-02 (高德/腾讯/微信)', projected: false, toWgs84: (x, y) => gcj02ToWgs84(x, y) };

function fromProj4(def: string, label: string, epsg?: number): Crs {
  const conv = proj4(def, 'EPSG:4326');
  const projected = !/\+proj=longlat/.test(def);
  return {
    label,
    projected,
    proj4: def,
    ...(epsg ? { epsg } : {}),
    toWgs84: (x, y) => conv.forward([x, y]) as [number, number],
  };
}

/** A coordinate system by its EPSG code. */
export function crsFromEpsg(code: number): Crs {
  if (code === 4326) return WGS84;
  if (code === 4490) return CGCS2000;
  const e = epsgEntry(code);
  if (!e?.proj4) throw new Error(`EPSG:${code} is not a coordinate system this product knows (未知的坐标系 EPSG:${code})`);
  return fromProj4(e.proj4, `EPSG:${code} ${e.name}`, code);
}

/** `--crs` or a form's crs field: "gcj02", "wgs84", "cgcs2000", "EPSG:4527", "4527", "3857". */
export function crsFromName(name: string): Crs {
  const n = name.trim().toLowerCase().replace(/[\s_-]/g, '');
  if (n === 'gcj02' || n === 'gcj' || n === 'amap' || n === 'mars') return GCJ02;
  if (n === 'wgs84') return WGS84;
  if (n === 'cgcs2000') return CGCS2000;
  if (n === 'webmercator' || n === 'mercator') return crsFromEpsg(3857);
  const m = /^(?:epsg:?)?(\d{4,6})$/.exec(n);
  if (m) return crsFromEpsg(Number(m[1]));
  throw new Error(`unknown coordinate system "${name}"; give gcj02, wgs84, cgcs2000 or an EPSG code such as EPSG:4527 (无法识别的坐标系)`);
}

const param = (wkt: string, name: string): number | undefined => {
  const m = new RegExp(`PARAMETER\\["${name}",\\s*(-?[\\d.eE+-]+)\\]`, 'i').exec(wkt);
  return m ? Number(m[1]) : undefined;
};
const proj4Param = (def: string, name: string): number | undefined => {
  const m = new RegExp(`\\+${name}=(-?[\\d.]+)`).exec(def);
  return m ? Number(m[1]) : undefined;
};

/** The CGCS2000 Gauss-Krüger entries of the registry: EPSG:4491–4554. */
function gaussKrugerEntries(): EpsgEntry[] {
  const out: EpsgEntry[] = [];
  for (let c = 4491; c <= 4554; c++) {
    const e = epsgEntry(c);
    if (e) out.push(e);
  }
  return out;
}

/** The coordinate system a .prj (WKT) describes. */
export function crsFromWkt(wkt: string): Crs {
  const text = wkt.trim();
  const top = /^(PROJCS|GEOGCS|PROJCRS|GEOGCRS)\["([^"]*)"/i.exec(text);
  const kind = top?.[1]?.toUpperCase() ?? '';
  const name = top?.[2] ?? '';
  // An EPSG code on the outermost object (WKT as the registry writes it).
  const code = /AUTHORITY\["EPSG",\s*"?(\d+)"?\]\]\s*$/i.exec(text) ?? /ID\["EPSG",\s*(\d+)\]\]\s*$/i.exec(text);
  if (code && epsgEntry(Number(code[1]))) return crsFromEpsg(Number(code[1]));
  const china2000 = /China_2000|China Geodetic Coordinate System 2000|CGCS[\s_]?2000/i.test(text);
  const wgs84 = /WGS[\s_]?(19)?84/i.test(text);
  if (kind.startsWith('GEOG')) {
    if (china2000) return CGCS2000;
    if (wgs84) return WGS84;
  }
  if (kind.startsWith('PROJ')) {
    if (/Mercator_Auxiliary_Sphere|Pseudo[\s_-]?Mercator|Web[\s_]?Mercator/i.test(text)) return crsFromEpsg(3857);
    const gk = /Gauss_Kruger|Transverse_Mercator/i.test(text);
    const cm = param(text, 'Central_Meridian');
    const fe = param(text, 'False_Easting');
    if (china2000 && gk && cm !== undefined && fe !== undefined && (param(text, 'Scale_Factor') ?? 1) === 1) {
      const threeDegree = /3[_\s-]Degree/i.test(name);
      const hits = gaussKrugerEntries().filter((e) => proj4Param(e.proj4, 'lon_0') === cm && proj4Param(e.proj4, 'x_0') === fe);
      const best = hits.find((e) => /3-degree/i.test(e.name) === threeDegree) ?? hits[0];
      if (best) return crsFromEpsg(Number(best.code));
    }
  }
  // Anything else: proj4 reads the WKT itself.
  try {
    return fromProj4(text, name || 'WKT');
  } catch (err) {
    throw new Error(`the .prj cannot be read as a coordinate system (${(err as Error).message}) (.prj 坐标系无法识别)`);
  }
}

/** The coordinate system a GeoJSON file declares in its (pre-RFC 7946) "crs" member, or null. */
export function crsFromGeoJsonMember(doc: unknown): Crs | null {
  const name = (doc as { crs?: { properties?: { name?: unknown } } } | null)?.crs?.properties?.name;
  if (typeof name !== 'string') return null;
  if (/CRS84$/i.test(name)) return WGS84;
  const m = /EPSG:{1,2}(?:[\d.]*:)?(\d+)$/i.exec(name);
  return m ? crsFromEpsg(Number(m[1])) : null;
}

/**
 * Gauss-Krüger eastings with or without the zone number in front (39 500 000 or 500 000 at the central meridian):
 * when the file's eastings disagree with its declared system, the system's false easting is corrected to match
 * and the change is said. Returns the system to use and a note, or null note when nothing changed.
 */
export function matchZonePrefix(crs: Crs, sampleX: number): { crs: Crs; note: string | null } {
  if (!crs.projected || !crs.proj4 || !/\+proj=tmerc/.test(crs.proj4)) return { crs, note: null };
  const x0 = proj4Param(crs.proj4, 'x_0') ?? 0;
  const lon0 = proj4Param(crs.proj4, 'lon_0') ?? 0;
  const prefixed = x0 >= 1_000_000;
  const dataPrefixed = Math.abs(sampleX) >= 1_000_000;
  if (prefixed === dataPrefixed) return { crs, note: null };
  const zone = Math.floor(sampleX / 1_000_000);
  const newX0 = dataPrefixed ? zone * 1_000_000 + 500_000 : 500_000;
  // A prefixed zone must be the zone of the declared central meridian (3°: zone = CM / 3; 6°: zone = (CM + 3) / 6).
  if (dataPrefixed && zone !== lon0 / 3 && zone !== (lon0 + 3) / 6) return { crs, note: null };
  const def = crs.proj4.replace(/\+x_0=[\d.]+/, `+x_0=${newX0}`);
  const note = dataPrefixed
    ? `东坐标带有带号 ${zone},按带号前缀处理。Eastings carry the zone number ${zone} in front; read with false easting ${newX0}.`
    : `东坐标不带带号,按 500 000 m 假东处理。Eastings carry no zone number; read with false easting 500 000 m.`;
  return { crs: fromProj4(def, `${crs.label} (false easting ${newX0})`), note };
}

export const KNOWN = { WGS84, CGCS2000, GCJ02 };

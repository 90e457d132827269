import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

// Files made by tools nobody on the team wrote: GDAL's ogr2ogr (Shapefiles in the coordinate systems Chinese GIS
// offices use, KML), osmium (OSM PBF), and real boundaries shipped in an npm package.

function tool(name: string, pkg: string): string {
  try {
    execFileSync('which', [name], { stdio: 'pipe' });
    return name;
  } catch {
    throw new Error(`${name} is missing: these tests read files made by it. Install it with: apt-get install -y ${pkg}`);
  }
}

/** A fresh temporary folder. */
export function tmpDir(prefix = 'hotspots-gis-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Writes a GeoJSON (WGS84) file and has ogr2ogr turn it into a Shapefile in the given EPSG system; returns the .shp path. */
export function shapefile(dir: string, name: string, geojson: unknown, epsg: number, opts: { encoding?: 'UTF-8' | 'GB18030'; keepCpg?: boolean; segmentize?: number } = {}): string {
  const src = path.join(dir, `${name}.src.geojson`);
  fs.writeFileSync(src, JSON.stringify(geojson));
  const shp = path.join(dir, `${name}.shp`);
  // -segmentize adds vertices every so many source units: a boundary as dense as a surveyed one
  const dense = opts.segmentize ? ['-segmentize', String(opts.segmentize)] : [];
  execFileSync(tool('ogr2ogr', 'gdal-bin'), ['-f', 'ESRI Shapefile', '-s_srs', 'EPSG:4326', '-t_srs', `EPSG:${epsg}`, '-lco', `ENCODING=${opts.encoding ?? 'UTF-8'}`, ...dense, shp, src], { stdio: 'pipe' });
  if (opts.keepCpg === false) fs.rmSync(path.join(dir, `${name}.cpg`), { force: true });
  return shp;
}

/** Zips a Shapefile's parts (as a county bureau mails them) and returns the zip's bytes. */
export function zipShapefile(shp: string): Buffer {
  const base = shp.slice(0, -4);
  const dir = path.dirname(shp);
  const parts = ['shp', 'shx', 'dbf', 'prj', 'cpg'].map((e) => `${path.basename(base)}.${e}`).filter((f) => fs.existsSync(path.join(dir, f)));
  const zip = `${base}.zip`;
  fs.rmSync(zip, { force: true });
  execFileSync(tool('zip', 'zip'), ['-q', zip, ...parts], { cwd: dir, stdio: 'pipe' });
  return fs.readFileSync(zip);
}

/** ogr2ogr to KML. */
export function kmlFile(dir: string, name: string, geojson: unknown): Buffer {
  const src = path.join(dir, `${name}.src.geojson`);
  fs.writeFileSync(src, JSON.stringify(geojson));
  const out = path.join(dir, `${name}.kml`);
  execFileSync(tool('ogr2ogr', 'gdal-bin'), ['-f', 'KML', out, src], { stdio: 'pipe' });
  return fs.readFileSync(out);
}

/** osmium turns OSM XML into an .osm.pbf; returns its path. */
export function osmPbf(dir: string, name: string, xml: string): string {
  const src = path.join(dir, `${name}.osm`);
  fs.writeFileSync(src, xml);
  const out = path.join(dir, `${name}.osm.pbf`);
  execFileSync(tool('osmium', 'osmium-tool'), ['cat', src, '-o', out, '-O'], { stdio: 'pipe' });
  return out;
}

const require = createRequire(import.meta.url);

/** Beijing's districts as the npm package china-geojson ships them (real boundaries, 18 features). */
export function beijingDistricts(): { path: string; doc: { type: 'FeatureCollection'; features: Array<{ properties: { name: string }; geometry: any }> } } {
  const file = require.resolve('china-geojson/src/geojson/bei_jing_geo.json');
  return { path: file, doc: JSON.parse(fs.readFileSync(file, 'utf8')) };
}

/** One district of Beijing as a FeatureCollection of one feature. */
export function district(name: string) {
  const f = beijingDistricts().doc.features.find((x) => x.properties.name === name);
  if (!f) throw new Error(`no district ${name} in china-geojson`);
  return f;
}

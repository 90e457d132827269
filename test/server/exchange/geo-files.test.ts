import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readGeoFile, GeoFileError } from '../../../server/exchange/geo-files.ts';
import { geometryProblems, townshipPlaceProblems } from '../../../server/domain/boundaries.ts';
import { wgs84ToGcj02 } from '../../../server/domain/coords.ts';
import type { AreaGeometry } from '../../../server/domain/geo.ts';
import { district, kmlFile, shapefile, tmpDir, zipShapefile } from '../../helpers/gis.ts';

// Real boundaries (Beijing's 东城区 from the npm package china-geojson) written by GDAL in the coordinate systems
// Chinese GIS offices use, read back to WGS84.

const dir = tmpDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const dongcheng = district('东城区');
const source = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { name: '东城区', code: 'dongcheng' }, geometry: dongcheng.geometry }] };
const ring = (g: any): number[][] => (g.type === 'Polygon' ? g.coordinates[0] : g.coordinates[0][0]);
/** The largest distance in degrees between the source ring and a read ring, vertex by vertex. */
function maxDeviation(read: any): number {
  const a = ring(dongcheng.geometry);
  const b = ring(read);
  expect(b.length).toBe(a.length);
  // A Shapefile writes outer rings clockwise: compare against the source in either direction.
  const dev = (bs: number[][]) => Math.max(...a.map((p, i) => Math.max(Math.abs(p[0]! - bs[i]![0]!), Math.abs(p[1]! - bs[i]![1]!))));
  return Math.min(dev(b), dev([...b].reverse()));
}

describe('boundary files in the coordinate systems Chinese GIS offices use', () => {
  it.each([
    [4490, 'CGCS2000'],
    [4527, 'EPSG:4527'], // 3° Gauss-Krüger zone 39, zone number in the false easting
    [4548, 'EPSG:4548'], // 3° Gauss-Krüger CM 117E, no zone number
    [4498, 'EPSG:4498'], // 6° Gauss-Krüger zone 20
    [4509, 'EPSG:4509'], // 6° Gauss-Krüger CM 117E
    [3857, 'EPSG:3857'], // Web Mercator
  ])('reads a zipped Shapefile in EPSG:%i written by ogr2ogr back to WGS84 within a centimetre', (epsg, label) => {
    const shp = shapefile(dir, `dc${epsg}`, source, epsg);
    const read = readGeoFile(zipShapefile(shp), `dc${epsg}.zip`);
    expect(read.format).toBe('shapefile');
    expect(read.crs).toContain(label);
    expect(read.features).toHaveLength(1);
    expect(read.features[0]!.properties.name).toBe('东城区');
    expect(maxDeviation(read.features[0]!.geometry)).toBeLessThan(1e-7);
  });

  it('reads Gauss-Krüger eastings that carry the zone number although the .prj says they do not, and says so', () => {
    const shp = shapefile(dir, 'prefixed', source, 4527);
    const cm = shapefile(dir, 'cm', source, 4548);
    fs.copyFileSync(cm.replace(/\.shp$/, '.prj'), shp.replace(/\.shp$/, '.prj'));
    const read = readGeoFile(zipShapefile(shp), 'prefixed.zip');
    expect(read.notes.join(' ')).toContain('zone number 39');
    expect(maxDeviation(read.features[0]!.geometry)).toBeLessThan(1e-7);
  });

  it('decodes DBF text without a .cpg as UTF-8 when it is, and as GB18030 otherwise', () => {
    const gb = readGeoFile(zipShapefile(shapefile(dir, 'gb', source, 4490, { encoding: 'GB18030', keepCpg: false })), 'gb.zip');
    expect(gb.encoding).toBe('gb18030');
    expect(gb.features[0]!.properties.name).toBe('东城区');
    expect(gb.notes.join(' ')).toContain('GB18030');
    const utf = readGeoFile(zipShapefile(shapefile(dir, 'utf', source, 4490, { encoding: 'UTF-8', keepCpg: false })), 'utf.zip');
    expect(utf.encoding).toBe('utf-8');
    expect(utf.features[0]!.properties.name).toBe('东城区');
  });

  it('reads a bare .shp with its .dbf and .prj beside it', () => {
    const shp = shapefile(dir, 'bare', source, 4527, { encoding: 'GB18030' });
    const siblings = new Map(['dbf', 'prj', 'cpg'].map((e) => [`bare.${e}`, fs.readFileSync(shp.replace(/shp$/, e))]));
    const read = readGeoFile(fs.readFileSync(shp), 'bare.shp', { siblings });
    expect(read.features[0]!.properties.name).toBe('东城区');
    expect(maxDeviation(read.features[0]!.geometry)).toBeLessThan(1e-7);
  });

  it('reads KML written by ogr2ogr', () => {
    const read = readGeoFile(kmlFile(dir, 'dc', source), 'dc.kml');
    expect(read.format).toBe('kml');
    expect(read.features[0]!.properties.name).toBe('东城区');
    expect(maxDeviation(read.features[0]!.geometry)).toBeLessThan(1e-6);
  });

  it('reads GeoJSON as a FeatureCollection, a Feature or a bare geometry, and honours a declared "crs"', () => {
    for (const doc of [source, source.features[0], dongcheng.geometry]) {
      const read = readGeoFile(Buffer.from(JSON.stringify(doc)), 'dc.geojson');
      expect(maxDeviation(read.features[0]!.geometry)).toBe(0);
    }
    // GDAL writes the old "crs" member for a projected GeoJSON.
    const src = path.join(dir, 'src.geojson');
    fs.writeFileSync(src, JSON.stringify(source));
    const out = path.join(dir, 'gk.geojson');
    execFileSync('ogr2ogr', ['-f', 'GeoJSON', '-s_srs', 'EPSG:4326', '-t_srs', 'EPSG:4527', out, src]);
    expect(fs.readFileSync(out, 'utf8')).toContain('EPSG::4527');
    const read = readGeoFile(fs.readFileSync(out), 'gk.geojson');
    expect(read.crs).toContain('EPSG:4527');
    expect(maxDeviation(read.features[0]!.geometry)).toBeLessThan(1e-7);
  });

  it('converts a file declared GCJ-02 to WGS84', () => {
    const shifted = JSON.parse(JSON.stringify(source));
    shifted.features[0].geometry.coordinates = shifted.features[0].geometry.coordinates.map((r: number[][]) => r.map(([x, y]) => wgs84ToGcj02(x!, y!)));
    const plain = readGeoFile(Buffer.from(JSON.stringify(shifted)), 'amap.geojson');
    expect(maxDeviation(plain.features[0]!.geometry)).toBeGreaterThan(1e-3); // ~500 m off when taken as WGS84
    const read = readGeoFile(Buffer.from(JSON.stringify(shifted)), 'amap.geojson', { crs: 'gcj02' });
    expect(read.crs).toContain('GCJ-02');
    expect(maxDeviation(read.features[0]!.geometry)).toBeLessThan(1e-5); // about a metre
  });

  it('catches wrong coordinate-system guesses before anything is stored', () => {
    // Projected metres with the .prj lost: read as degrees, they are out of range.
    const shp = shapefile(dir, 'noprj', source, 4527);
    fs.rmSync(shp.replace(/shp$/, 'prj'));
    const metres = readGeoFile(zipShapefile(shp), 'noprj.zip');
    expect(metres.notes.join(' ')).toContain('No .prj');
    expect(geometryProblems(metres.features[0]!.geometry).map((p) => p.code)).toContain('projected_coordinates');
    // Latitude first.
    const swapped = { type: 'Polygon', coordinates: [ring(dongcheng.geometry).map(([x, y]) => [y, x])] } as AreaGeometry;
    expect(townshipPlaceProblems(swapped).map((p) => p.code)).toEqual(['axes_swapped']);
    // Somewhere in Europe.
    const europe = { type: 'Polygon', coordinates: [ring(dongcheng.geometry).map(([x, y]) => [x! - 110, y! + 8])] } as AreaGeometry;
    expect(townshipPlaceProblems(europe).map((p) => p.code)).toEqual(['outside_china']);
    // A district is a plausible township; all of Beijing is not.
    expect(townshipPlaceProblems(dongcheng.geometry)).toEqual([]);
    const huge = { type: 'Polygon', coordinates: [[[116, 39.5], [117, 39.5], [117, 40.5], [116, 40.5], [116, 39.5]]] } as AreaGeometry;
    const big = townshipPlaceProblems(huge);
    expect(big.map((p) => [p.code, p.forcible])).toEqual([['implausible_area', true]]);
    expect(big[0]!.message).toMatch(/km²/);
  });

  it('names what it cannot read: ECharts-encoded maps, other files, broken zips, zip bombs', () => {
    expect(() => readGeoFile(Buffer.from(JSON.stringify({ type: 'FeatureCollection', UTF8Encoding: true, features: [] })), 'x.json')).toThrow(/ECharts/);
    expect(() => readGeoFile(Buffer.from('lon,lat'), 'x.csv')).toThrow(GeoFileError);
    expect(() => readGeoFile(Buffer.from('not a zip'), 'x.zip')).toThrow(GeoFileError);
    // 250 MB of zeros deflates to about 250 KB: refused while inflating, not after.
    const bomb = path.join(dir, 'bomb.shp');
    fs.writeFileSync(bomb, Buffer.alloc(250 * 1024 * 1024));
    execFileSync('zip', ['-q', '-j', path.join(dir, 'bomb.zip'), bomb]);
    fs.rmSync(bomb);
    const rss = process.memoryUsage().rss;
    expect(() => readGeoFile(fs.readFileSync(path.join(dir, 'bomb.zip')), 'bomb.zip')).toThrow(GeoFileError);
    expect(process.memoryUsage().rss - rss).toBeLessThan(400 * 1024 * 1024);
  });
});

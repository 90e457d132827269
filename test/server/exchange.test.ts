import * as turf from '@turf/turf';
import shpwrite from '@mapbox/shp-write';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieOf, demoApp, expectError, type Client, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/stores.ts';
import { wgs84ToGcj02 } from '../../server/domain/coords.ts';

// Reports out as GeoJSON / CSV / XLSX and back in; boundary files checked row by row before anything changes.

const COMPARED = ['id', 'category', 'status', 'lon', 'lat', 'observed_at', 'description', 'zone', 'village', 'responsible', 'media_url'];

function csvRecords(text: string): Record<string, string>[] {
  const lines = text.replace(/^\uFEFF/, '').trim().split('\r\n');
  const header = lines[0]!.split(',').map((h) => h.split(' ').pop()!);
  return lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i]!, v])));
}
const pickCompared = (r: Record<string, string>): Record<string, string> => Object.fromEntries(COMPARED.map((k) => [k, r[k] ?? '']));

describe.each(DIALECTS)('export and import (%s)', (dialect) => {
  let source: TestApp;
  let target: TestApp;
  let office: Client;
  let targetOffice: Client;

  const upload = (c: Client, path: string, body: Buffer | string, name: string, type = 'application/octet-stream') =>
    c.upload(path, Buffer.from(body), name, type);

  beforeAll(async () => {
    source = await demoApp(dialect, { scale: 0.05 });
    target = await demoApp(dialect, { scale: 0 });
    office = await source.as('office');
    targetOffice = await target.as('office');
  });
  afterAll(async () => {
    await source?.drop();
    await target?.drop();
  });

  it('exports the filtered reports as GeoJSON, CSV with BOM and XLSX, the same rows in each', async () => {
    const list = await office.call('GET', '/api/reports?category=weeds,exposed_garbage&limit=10000');
    const n = list.body.features.length;
    expect(n).toBeGreaterThan(5);
    const geo = await office.call('GET', '/api/export/reports.geojson?category=weeds,exposed_garbage');
    expect(geo.headers.get('content-type')).toBe('application/geo+json');
    expect(geo.body.type).toBe('FeatureCollection');
    expect(geo.body.crs).toBeUndefined();
    expect(geo.body.features).toHaveLength(n);
    expect(geo.body.features[0].geometry.coordinates).toEqual([list.body.features[0].geometry.coordinates[0], list.body.features[0].geometry.coordinates[1]]);
    const csv = await office.call('GET', '/api/export/reports.csv?category=weeds,exposed_garbage');
    expect(csv.body.startsWith('\uFEFF编号 id,案件编号 case_no,类别代码 category')).toBe(true);
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="reports-.*\.csv"/);
    expect(csvRecords(csv.body)).toHaveLength(n);
    const xlsx = await source.app.request('/api/export/reports.xlsx?category=weeds,exposed_garbage', { headers: { cookie: await cookieOf(source, 'office') } });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await xlsx.arrayBuffer());
    expect(wb.worksheets[0]!.rowCount).toBe(n + 1);
    expectError(await (await source.as('cleaner1')).call('GET', '/api/export/reports.csv'), 403);
  });

  it('re-imports an export to the same reports, and a second import changes nothing', async () => {
    const csv = (await office.call('GET', '/api/export/reports.csv')).body as string;
    const before = csvRecords(csv);
    const dry = await upload(targetOffice, '/api/import/reports?dryRun=1', csv, 'reports.csv', 'text/csv');
    expect(dry.status, JSON.stringify(dry.body).slice(0, 300)).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, total: before.length, imported: before.length, alreadyThere: 0, errors: [] });
    expect((await targetOffice.call('GET', '/api/reports?limit=10000')).body.features).toHaveLength(0);

    const real = await upload(targetOffice, '/api/import/reports?dryRun=0', csv, 'reports.csv', 'text/csv');
    expect(real.body).toMatchObject({ dryRun: false, imported: before.length });
    const after = csvRecords((await targetOffice.call('GET', '/api/export/reports.csv')).body);
    const key = (r: Record<string, string>) => r.id!;
    expect(after.map(pickCompared).sort((a, b) => key(a).localeCompare(key(b)))).toEqual(before.map(pickCompared).sort((a, b) => key(a).localeCompare(key(b))));

    // The GeoJSON export of the same reports is all "already there"; so is the XLSX.
    const geo = await office.call('GET', '/api/export/reports.geojson');
    const again = await upload(targetOffice, '/api/import/reports?dryRun=0', JSON.stringify(geo.body), 'reports.geojson');
    expect(again.body).toMatchObject({ imported: 0, alreadyThere: before.length, errors: [] });
    const item = (await targetOffice.call('GET', `/api/reports/${before[0]!.id}`)).body;
    expect(item.events.map((e: { type: string }) => e.type)).toContain('imported');
  });

  it('lists what is wrong row by row, and imports nothing while any row is wrong', async () => {
    const [gx, gy] = wgs84ToGcj02(105.934, 26.142);
    const rows = [
      '经度,纬度,类别,发现时间,描述',
      '105.934,26.142,暴露垃圾,2026-11-20 09:30,好的一行',
      'abc,26.1,暴露垃圾,2026-11-20 09:30,坐标不是数字',
      '105.934,26.142,外星垃圾,2026-11-20 09:30,类别不对',
      '36589000,2893000,暴露垃圾,2026-11-20 09:30,投影坐标',
      '26.142,105.934,暴露垃圾,2026-11-20 09:30,经纬度反了',
      `${gx!.toFixed(6)},${(gy! + 0.5).toFixed(6)},暴露垃圾,2026-11-20 09:30,远处`,
      '105.934,26.142,暴露垃圾,明天,时间不对',
    ].join('\n');
    const count = async () => (await targetOffice.call('GET', '/api/reports?limit=10000')).body.features.length;
    const n0 = await count();
    const dry = await upload(targetOffice, '/api/import/reports', rows, 'ledger.csv', 'text/csv');
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(dry.body.total).toBe(7);
    expect(dry.body.imported).toBe(1);
    const byLine = new Map(dry.body.errors.map((e: { line: number; problems: string[] }) => [e.line, e.problems.join(' ')]));
    expect([...byLine.keys()]).toEqual([3, 4, 5, 6, 7, 8]);
    expect(byLine.get(3)).toMatch(/not numbers/);
    expect(byLine.get(4)).toMatch(/Unknown category/);
    expect(byLine.get(5)).toMatch(/projected metres/);
    expect(byLine.get(6)).toMatch(/swapped/);
    expect(byLine.get(7)).toMatch(/outside the township/);
    expect(byLine.get(8)).toMatch(/cannot be read/);
    const real = await upload(targetOffice, '/api/import/reports?dryRun=0', rows, 'ledger.csv', 'text/csv');
    expectError(real, 422, 'import_has_errors');
    expect(real.body.error.details.errors).toHaveLength(6);
    expect(await count()).toBe(n0);
    // A GCJ-02 point near the boundary, where the shift carries it out of the township, is recognised as such.
    const edge = (await targetOffice.call('GET', '/api/township')).body.boundary;
    const ring = (edge.type === 'Polygon' ? edge.coordinates[0] : edge.coordinates[0][0]) as [number, number][];
    const shiftedOut = ring
      .map((v) => turf.destination(turf.point(v), 0.05, turf.bearing(turf.point(v), turf.centroid(edge)), { units: 'kilometers' }).geometry.coordinates as [number, number])
      .filter((p) => turf.booleanPointInPolygon(p, edge))
      .map((p) => wgs84ToGcj02(p[0], p[1]))
      .find((q) => !turf.booleanPointInPolygon(q, edge))!;
    expect(shiftedOut).toBeDefined();
    const gcj = await upload(targetOffice, '/api/import/reports', `lon,lat,category\n${shiftedOut[0]},${shiftedOut[1]},weeds\n`, 'gcj.csv', 'text/csv');
    expect(gcj.body.errors[0].problems[0]).toMatch(/GCJ-02/);
    expectError(await upload(targetOffice, '/api/import/reports', 'lon,lat,category\n', 'empty.csv', 'text/csv'), 422, 'empty_file');
    expectError(await upload(targetOffice, '/api/import/reports', 'PK\u0003\u0004broken', 'broken.xlsx'), 422, 'unreadable_file');
    expectError(await upload(targetOffice, '/api/import/reports', 'x', 'photo.jpg'), 415);
  });

  it('checks a boundary file feature by feature and as a whole, and changes nothing until it is right', async () => {
    const areas = (await targetOffice.call('GET', '/api/areas')).body;
    const villages = areas.features.filter((f: any) => f.properties.kind === 'village' || f.properties.kind === 'community');
    const zone = areas.features.find((f: any) => f.properties.kind === 'cleaning_zone');
    // Village 1 grown over village 2, village 2 drawn as a bow-tie, and the last village missing (a gap).
    const grown = turf.buffer(villages[0], 0.3, { units: 'kilometers' })!;
    const [minX, minY, maxX, maxY] = turf.bbox(villages[1]);
    const bowTie = { type: 'Polygon', coordinates: [[[minX, minY], [maxX, maxY], [maxX, minY], [minX, maxY], [minX, minY]]] };
    const bad = {
      type: 'FeatureCollection',
      features: [
        { ...villages[0], geometry: (grown as any).geometry },
        { ...villages[1], geometry: bowTie },
        ...villages.slice(2, -1),
        { type: 'Feature', properties: { code: 'x1', kind: 'planet', name_zh: '外星' }, geometry: zone.geometry },
      ],
    };
    const dry = await upload(targetOffice, '/api/import/boundaries', JSON.stringify(bad), 'areas.geojson');
    expect(dry.status, JSON.stringify(dry.body).slice(0, 400)).toBe(200);
    const rows = dry.body.rows as Array<{ line: number; problems: string[]; action: string | null }>;
    expect(rows[1]!.problems.join(' ')).toMatch(/crosses itself/);
    expect(rows.at(-1)!.problems.join(' ')).toMatch(/Unknown kind/);
    expect(dry.body.fileProblems.join(' ')).toMatch(/overlap/);
    expect(dry.body.fileProblems.join(' ')).toMatch(/uncovered/);
    expect(rows[0]!.problems.join(' ')).toMatch(/overlap/);
    const real = await upload(targetOffice, '/api/import/boundaries?dryRun=0', JSON.stringify(bad), 'areas.geojson');
    expectError(real, 422, 'import_has_errors');
    expect((await targetOffice.call('GET', '/api/areas')).body).toEqual(areas);

    // The township's own areas with one zone's responsible person changed: a clean update.
    const good = { type: 'FeatureCollection', features: areas.features.map((f: any) => (f.id === zone.id ? { ...f, properties: { ...f.properties, responsibleName: '李四' } } : f)) };
    const ok = await upload(targetOffice, '/api/import/boundaries?dryRun=0', JSON.stringify(good), 'areas.geojson');
    expect(ok.status, JSON.stringify(ok.body).slice(0, 400)).toBe(200);
    expect(ok.body).toMatchObject({ inserted: 0, updated: areas.features.length, fileProblems: [] });
    const after = (await targetOffice.call('GET', '/api/areas')).body.features.find((f: any) => f.id === zone.id);
    expect(after.properties.responsibleName).toBe('李四');
  });

  it('reads a zipped Shapefile, and sees GCJ-02 boundaries for what they are', async () => {
    const zone = (await targetOffice.call('GET', '/api/areas?kind=cleaning_zone')).body.features[0];
    const shiftRing = (ring: [number, number][]) => ring.map(([x, y]) => wgs84ToGcj02(x, y));
    const shifted = zone.geometry.type === 'Polygon' ? { type: 'Polygon', coordinates: zone.geometry.coordinates.map(shiftRing) } : { type: 'MultiPolygon', coordinates: zone.geometry.coordinates.map((p: any) => p.map(shiftRing)) };
    const fc = (geometry: unknown, code: string) => ({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { code, kind: 'cleaning_zone', name_zh: 'Zone X' }, geometry }] });
    const zip = (await shpwrite.zip(fc(zone.geometry, 'zone-x'), { outputType: 'nodebuffer', compression: 'DEFLATE', types: { polygon: 'areas', multipolygon: 'areas' } })) as Buffer;
    const dry = await upload(targetOffice, '/api/import/boundaries', zip, 'areas.zip', 'application/zip');
    expect(dry.status, JSON.stringify(dry.body).slice(0, 400)).toBe(200);
    expect(dry.body.rows[0]).toMatchObject({ code: 'zone-x', kind: 'cleaning_zone', action: 'insert', problems: [] });
    // A big shifted boundary: most of it falls outside, and converting brings it in.
    const town = (await targetOffice.call('GET', '/api/township')).body.boundary;
    const townShifted = town.type === 'Polygon' ? { type: 'Polygon', coordinates: town.coordinates.map(shiftRing) } : { type: 'MultiPolygon', coordinates: town.coordinates.map((p: any) => p.map(shiftRing)) };
    const gcj = await upload(targetOffice, '/api/import/boundaries', JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { code: 'gcj', kind: 'village', name_zh: '偏移村' }, geometry: townShifted }] }), 'gcj.geojson');
    expect(gcj.body.rows[0].problems.join(' ')).toMatch(/GCJ-02/);
    expect(shifted).toBeDefined();
  });
});

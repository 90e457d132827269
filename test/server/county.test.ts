import fs from 'node:fs';
import * as turf from '@turf/turf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../server/services/auth.ts';
import { demoApp, expectError, type Client, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/stores.ts';
import { beijingDistricts, district, osmPbf, shapefile, tmpDir, zipShapefile } from '../helpers/gis.ts';

// A county from nothing: no demo town, real district boundaries (Beijing's 东城区 and 西城区 from the npm package
// china-geojson) as two townships, their villages as a GB18030 Shapefile in a Gauss-Krüger zone made by ogr2ogr,
// their roads and landmarks as an .osm.pbf made by osmium, a report in each routed to the right village.

const dir = tmpDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const PASSWORD = 'Township-setup-2026';

/** Two villages (west and east halves of the township) and one cleaning zone at its middle. */
function villagesOf(name: string, prefix: string) {
  const t = district(name);
  const [minX, minY, maxX, maxY] = turf.bbox(t.geometry);
  const midX = (minX + maxX) / 2;
  const half = (a: number, b: number) => turf.intersect(turf.featureCollection([turf.feature(t.geometry), turf.bboxPolygon([a, minY - 0.01, b, maxY + 0.01])]))!.geometry;
  const centre = turf.pointOnFeature(t.geometry).geometry.coordinates as [number, number];
  const zone = turf.circle(centre, 0.15, { units: 'kilometers', steps: 16 }).geometry;
  return {
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', properties: { code: `${prefix}-west`, kind: 'village', name: `${name}西片村`, 责任人: '王村长', 电话: '13800000001' }, geometry: half(minX - 0.01, midX) },
      { type: 'Feature', properties: { code: `${prefix}-east`, kind: 'community', name: `${name}东片社区`, 责任人: '李主任', 电话: '13800000002' }, geometry: half(midX, maxX + 0.01) },
      { type: 'Feature', properties: { code: `${prefix}-zone-1`, kind: 'cleaning_zone', name: `${name}第一保洁区`, 责任人: '张师傅', 电话: '13800000003' }, geometry: zone },
    ],
    centre,
    east: [midX + (maxX - midX) / 2, (minY + maxY) / 2] as [number, number],
  };
}

/** An OSM extract around both districts: a named main road through each, a townhall and a market. */
function osmXml(places: Array<{ centre: [number, number]; road: string; hall: string }>) {
  let id = 1;
  const nodes: string[] = [];
  const ways: string[] = [];
  for (const p of places) {
    const [x, y] = p.centre;
    const a = id++;
    const b = id++;
    const c = id++;
    nodes.push(`<node id="${a}" version="1" lat="${y}" lon="${x - 0.01}"/>`, `<node id="${b}" version="1" lat="${y}" lon="${x + 0.01}"/>`);
    nodes.push(`<node id="${c}" version="1" lat="${y + 0.001}" lon="${x}"><tag k="amenity" v="townhall"/><tag k="name" v="${p.hall}"/></node>`);
    ways.push(`<way id="${id++}" version="1"><nd ref="${a}"/><nd ref="${b}"/><tag k="highway" v="secondary"/><tag k="name" v="${p.road} Road"/><tag k="name:zh" v="${p.road}"/></way>`);
  }
  // Far outside both: clipped away.
  nodes.push(`<node id="${id++}" version="1" lat="31.2" lon="121.4"><tag k="amenity" v="marketplace"/><tag k="name" v="上海的市场"/></node>`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="test">\n${nodes.join('\n')}\n${ways.join('\n')}\n</osm>\n`;
}

describe.each(DIALECTS)('a county of two real townships from nothing (%s)', (dialect) => {
  let app: TestApp;
  let countyAdmin: Client;
  const dc = villagesOf('东城区', 'dc');
  const xc = villagesOf('西城区', 'xc');
  const bj = beijingDistricts();
  const bjBytes = fs.readFileSync(bj.path);

  beforeAll(async () => {
    app = await demoApp(dialect, { empty: true });
    await addUser(app.deps, { townshipId: null, username: 'county', displayName: '县创建办', role: 'county_admin', password: PASSWORD });
    await addUser(app.deps, { townshipId: null, username: 'county-lead', displayName: '县领导', role: 'county_leader', password: PASSWORD });
    countyAdmin = await app.as('county', PASSWORD);
  });
  afterAll(async () => {
    await app?.drop();
  });

  const addForm = (fields: Record<string, string>) => countyAdmin.upload('/api/county/townships', bjBytes, 'bei_jing_geo.json', 'application/geo+json', fields);
  const countTownships = async () => (await app.deps.store.db.selectFrom('townships').select('code').execute()).length;

  it('starts with no township, and says how to add one', async () => {
    const t = await countyAdmin.call('GET', '/api/township');
    expectError(t, 503, 'no_township');
    expect(t.body.error.message).toContain('npm run township -- add');
    expect((await countyAdmin.call('GET', '/api/county/townships')).body.townships).toEqual([]);
  });

  it('lists the features of a county-wide file and asks which one is the township', async () => {
    const r = await addForm({ code: 'dongcheng', nameZh: '东城区' });
    expect(r.status).toBe(200);
    expect(r.body.features).toHaveLength(18);
    expect(r.body.features.map((f: { name: string }) => f.name)).toContain('东城区');
    expect(r.body.problems.join(' ')).toMatch(/18 features.*--pick/);
    expect(r.body.picked).toBeNull();
    expect(await countTownships()).toBe(0);
  });

  it('refuses what is wrong and changes nothing: a prefecture-sized feature, a taken code, ground another township covers', async () => {
    const huge = await addForm({ code: 'miyun', nameZh: '密云', pick: 'name=密云县', dryRun: '0' });
    expectError(huge, 422, 'township_has_problems');
    expect(huge.body.error.details.problems.join(' ')).toMatch(/bei_jing_geo\.json 要素 1\(密云县\).*2218\.9 km²/);
    expect(await countTownships()).toBe(0);
    expect((await addForm({ code: 'dongcheng', nameZh: '东城区', pick: 'name=东城区', dryRun: '0' })).status).toBe(201);
    expect((await addForm({ code: 'dongcheng', nameZh: '东城区', pick: 'name=崇文区' })).body.problems.join(' ')).toContain('taken');
    const overlap = await addForm({ code: 'dc-again', nameZh: '东城区二', pick: 'name=东城区', dryRun: '0' });
    expectError(overlap, 422);
    expect(overlap.body.error.details.problems.join(' ')).toMatch(/overlaps Dongcheng|overlaps 东城区/);
    expect(await countTownships()).toBe(1);
  });

  it('adds the second township, and serves both without a restart', async () => {
    const r = await addForm({ code: 'xicheng', nameZh: '西城区', nameEn: 'Xicheng', pick: 'name=西城区', dryRun: '0' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.township).toMatchObject({ code: 'xicheng', nameEn: 'Xicheng', timezone: 'Asia/Shanghai' });
    expect(r.body.township.areaKm2).toBeCloseTo(31.8, 0);
    const list = await countyAdmin.call('GET', '/api/county/townships');
    expect(list.body.townships.map((t: { code: string }) => t.code)).toEqual(['dongcheng', 'xicheng']);
    // Each starts with the shipped categories.
    expect((await countyAdmin.call('PUT', '/api/county/viewing', { code: 'xicheng' })).status).toBe(200);
    const cats = await countyAdmin.call('GET', '/api/categories');
    expect(cats.body.map((c: { code: string }) => c.code)).toContain('exposed_garbage');
    expect((await countyAdmin.call('GET', '/api/township')).body.nameZh).toBe('西城区');
  });

  it('imports each township’s villages from a GB18030 Shapefile in a Gauss-Krüger zone, and its roads from an .osm.pbf', async () => {
    const pbf = fs.readFileSync(osmPbf(dir, `county-${dialect}`, osmXml([{ centre: dc.centre, road: '东城大街', hall: '东城区政府' }, { centre: xc.centre, road: '西城大街', hall: '西城区政府' }])));
    for (const [code, file, prefix] of [['dongcheng', dc, 'dc'], ['xicheng', xc, 'xc']] as const) {
      expect((await countyAdmin.call('PUT', '/api/county/viewing', { code })).status).toBe(200);
      const zip = zipShapefile(shapefile(dir, `${prefix}-${dialect}`, { type: 'FeatureCollection', features: file.features }, 4527, { encoding: 'GB18030', keepCpg: false }));
      const dry = await countyAdmin.upload('/api/import/boundaries?dryRun=1', zip, `${prefix}.zip`, 'application/zip');
      expect(dry.status, JSON.stringify(dry.body)).toBe(200);
      expect(dry.body.crs).toContain('EPSG:4527');
      expect(dry.body.rows.map((r: { nameZh: string; problems: string[] }) => [r.nameZh, r.problems])).toEqual(file.features.map((f) => [f.properties.name, []]));
      const done = await countyAdmin.upload('/api/import/boundaries?dryRun=0', zip, `${prefix}.zip`, 'application/zip');
      expect(done.body.inserted).toBe(3);
      const map = await countyAdmin.upload('/api/import/basemap?dryRun=0', pbf, 'beijing.osm.pbf', 'application/octet-stream');
      expect(map.status, JSON.stringify(map.body)).toBe(200);
      expect(map.body.counts).toEqual({ landmark: { government: 1 }, road: { main: 1 } });
    }
    const basemap = await countyAdmin.call('GET', '/api/basemap');
    expect(basemap.body.features.map((f: { properties: { nameZh: string } }) => f.properties.nameZh).sort()).toEqual(['西城区政府', '西城大街']);
  });

  it('creates each township’s admin, whose inspector’s report lands in the right village; the county leader sees both', async () => {
    const ids: Record<string, string> = {};
    for (const [code, file] of [['dongcheng', dc], ['xicheng', xc]] as const) {
      const made = await countyAdmin.call('POST', `/api/county/townships/${code}/people`, { username: `${code}-admin`, displayName: '镇管理员', role: 'admin', password: PASSWORD });
      expect(made.status, JSON.stringify(made.body)).toBe(201);
      const admin = await app.as(`${code}-admin`, PASSWORD);
      expect((await admin.call('GET', '/api/township')).body.code).toBe(code);
      expect((await admin.call('POST', '/api/users', { username: `${code}-insp`, displayName: '督查员', role: 'inspector', password: PASSWORD })).status).toBe(201);
      const inspector = await app.as(`${code}-insp`, PASSWORD);
      const r = await inspector.call('POST', '/api/reports', { category: 'exposed_garbage', lon: file.east[0], lat: file.east[1] });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body.village?.nameZh).toBe(file.features[1]!.properties.name);
      expect(r.body.responsibleArea?.code).toBe(file.features[1]!.properties.code);
      ids[code] = r.body.id;
    }
    // Each township's own people see their township only.
    const dcAdmin = await app.as('dongcheng-admin', PASSWORD);
    expectError(await dcAdmin.call('GET', `/api/reports/${ids.xicheng}`), 404);
    expect((await dcAdmin.call('GET', '/api/reports')).body.features.map((f: { id: string }) => f.id)).toEqual([ids.dongcheng]);
    expectError(await dcAdmin.call('GET', '/api/county/townships'), 403);
    expectError(await dcAdmin.call('PUT', '/api/county/viewing', { code: 'xicheng' }), 403);

    const lead = await app.as('county-lead', PASSWORD);
    const overview = await lead.call('GET', '/api/county/townships');
    expect(overview.body.townships.map((t: { code: string; open: number }) => [t.code, t.open])).toEqual([['dongcheng', 1], ['xicheng', 1]]);
    for (const code of ['dongcheng', 'xicheng']) {
      expect((await lead.call('PUT', '/api/county/viewing', { code })).status).toBe(200);
      expect((await lead.call('GET', '/api/reports')).body.features.map((f: { id: string }) => f.id)).toEqual([ids[code]]);
      expect((await lead.call('GET', '/api/ledger')).status).toBe(200);
      expect((await lead.call('GET', `/api/reports/${ids[code]}`)).status).toBe(200);
    }
    // Read-only: the county leader writes nothing in a township.
    expectError(await lead.call('POST', '/api/reports', { category: 'exposed_garbage', lon: xc.east[0], lat: xc.east[1] }), 403);
    expectError(await lead.call('POST', `/api/reports/${ids.xicheng}/transitions`, { action: 'notify' }), 403);
  });

  it('keeps every field an update file does not carry, and lists every change it makes', async () => {
    expect((await countyAdmin.call('PUT', '/api/county/viewing', { code: 'dongcheng' })).status).toBe(200);
    // Renamed villages, without the responsible-person columns.
    const update = { type: 'FeatureCollection', features: dc.features.slice(0, 2).map((f) => ({ ...f, properties: { code: f.properties.code, kind: f.properties.kind, name: `${f.properties.name}(新)` } })) };
    const bytes = Buffer.from(JSON.stringify(update));
    const dry = await countyAdmin.upload('/api/import/boundaries?dryRun=1', bytes, 'update.geojson', 'application/geo+json');
    expect(dry.body.rows.map((r: { changes: unknown[] }) => r.changes)).toEqual(
      dc.features.slice(0, 2).map((f) => [{ field: 'name_zh', from: f.properties.name, to: `${f.properties.name}(新)` }]),
    );
    await countyAdmin.upload('/api/import/boundaries?dryRun=0', bytes, 'update.geojson', 'application/geo+json');
    const areas = await countyAdmin.call('GET', '/api/areas');
    const west = areas.body.features.find((f: { properties: { code: string } }) => f.properties.code === 'dc-west').properties;
    expect(west).toMatchObject({ nameZh: '东城区西片村(新)', responsibleName: '王村长', responsiblePhone: '13800000001' });
  });
});

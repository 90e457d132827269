import fs from 'node:fs';
import path from 'node:path';
import * as turf from '@turf/turf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../../server/services/auth.ts';
import { useTownServer } from '../town-server.ts';
import { TownMap } from '../driver.ts';
import { beijingDistricts, district, osmPbf, shapefile, tmpDir, zipShapefile } from '../../helpers/gis.ts';

// A county from nothing, in the browser: the county admin adds two real townships (Beijing's 东城区 and 西城区 from
// the npm package china-geojson), loads their villages (a GB18030 Shapefile in a Gauss-Krüger zone, by ogr2ogr)
// and basemaps (an .osm.pbf by osmium), creates each township's admin; each admin sees their own roads, an
// inspector's report in each lands in the right village, and the county leader sees both.

const town = useTownServer({ env: () => ({ HOTSPOTS_DEMO: '0' }) });
const PASSWORD = 'Township-e2e-2026';
const dir = tmpDir('hotspots-county-e2e-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Place {
  code: string;
  nameZh: string;
  nameEn: string;
  pick: number;
  road: string;
  east: [number, number];
  eastVillage: string;
  zip: string;
}

function prepare(nameZh: string, nameEn: string, code: string): Place {
  const features = beijingDistricts().doc.features;
  const t = district(nameZh);
  const [minX, minY, maxX, maxY] = turf.bbox(t.geometry);
  const mid = (minX + maxX) / 2;
  const half = (a: number, b: number) => turf.intersect(turf.featureCollection([turf.feature(t.geometry), turf.bboxPolygon([a, minY - 0.01, b, maxY + 0.01])]))!.geometry;
  const villages = {
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', properties: { code: `${code}-w`, kind: 'village', name: `${nameZh}西片村`, 责任人: '王村长' }, geometry: half(minX - 0.01, mid) },
      { type: 'Feature', properties: { code: `${code}-e`, kind: 'community', name: `${nameZh}东片社区`, 责任人: '李主任' }, geometry: half(mid, maxX + 0.01) },
    ],
  };
  const zipPath = path.join(dir, `${code}.zip`);
  fs.writeFileSync(zipPath, zipShapefile(shapefile(dir, code, villages, 4527, { encoding: 'GB18030', keepCpg: false })));
  // A point well inside the eastern half.
  const eastHalf = villages.features[1]!.geometry;
  const east = turf.pointOnFeature(eastHalf).geometry.coordinates as [number, number];
  return {
    code,
    nameZh,
    nameEn,
    pick: features.findIndex((f) => f.properties.name === nameZh) + 1,
    road: `${nameZh.slice(0, 2)}大街`,
    east,
    eastVillage: `${nameZh}东片社区`,
    zip: zipPath,
  };
}

describe('a county sets up its townships in the browser', { timeout: 300_000 }, () => {
  const places = [prepare('东城区', 'Dongcheng', 'dongcheng'), prepare('西城区', 'Xicheng', 'xicheng')];
  let pbf = '';

  beforeAll(async () => {
    await addUser(town.server.deps, { townshipId: null, username: 'county', displayName: '县创建办', role: 'county_admin', password: PASSWORD });
    await addUser(town.server.deps, { townshipId: null, username: 'county-lead', displayName: '县领导', role: 'county_leader', password: PASSWORD });
    // One extract for the whole county: a named main road across each township's centre, and its government.
    let id = 1;
    const xml: string[] = [];
    for (const p of places) {
      const [x, y] = turf.pointOnFeature(district(p.nameZh).geometry).geometry.coordinates as [number, number];
      const [a, b, c] = [id++, id++, id++];
      xml.push(`<node id="${a}" version="1" lat="${y}" lon="${x - 0.02}"/>`, `<node id="${b}" version="1" lat="${y}" lon="${x + 0.02}"/>`);
      xml.push(`<node id="${c}" version="1" lat="${y + 0.002}" lon="${x}"><tag k="amenity" v="townhall"/><tag k="name" v="${p.nameZh}政府"/></node>`);
      xml.push(`<way id="${id++}" version="1"><nd ref="${a}"/><nd ref="${b}"/><tag k="highway" v="primary"/><tag k="name:zh" v="${p.road}"/></way>`);
    }
    pbf = osmPbf(dir, 'county', `<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="test">\n${xml.join('\n')}\n</osm>\n`);
  });

  it('adds both townships with their villages, basemaps and admins; each is served as its own place', async () => {
    const desk = await TownMap.open(town.browser, town.server.url, { as: 'county', password: PASSWORD, path: '/county', width: 1366, height: 768 });
    try {
      await desk.waitForCounty('empty');
      for (const p of places) {
        const summary = await desk.addTownship(beijingDistricts().path, { code: p.code, nameZh: p.nameZh, nameEn: p.nameEn, pick: p.pick });
        expect(summary).toContain(p.code);
        expect(await desk.importForTownship(p.code, 'boundaries', p.zip)).toContain('EPSG:4527');
        expect(await desk.importForTownship(p.code, 'basemap', pbf)).toMatch(/保留 2 个/);
        await desk.createTownshipAdmin(p.code, `${p.code}-admin`, PASSWORD);
      }
      expect((await desk.countyFigures()).map((f) => f.code)).toEqual(['dongcheng', 'xicheng']);
      expect((await desk.offered('county-map-'))['county-map-']).toBe(2);
      expect(desk.problems).toEqual([]);
    } finally {
      await desk.close();
    }

    for (const p of places) {
      const admin = await TownMap.open(town.browser, town.server.url, { as: `${p.code}-admin`, password: PASSWORD, width: 1366, height: 768 });
      try {
        expect(await admin.title()).toContain(p.nameZh);
        // The offline basemap draws this township's own roads, and only them.
        const drawn = await admin.drawnBasemap();
        expect(drawn.roads).toEqual([p.road]);
        const made = await admin.postJson('/api/users', { username: `${p.code}-insp`, displayName: '督查员', role: 'inspector', password: PASSWORD });
        expect(made.status).toBe(201);
        expect(admin.problems).toEqual([]);
      } finally {
        await admin.close();
      }
      const inspector = await TownMap.open(town.browser, town.server.url, { as: `${p.code}-insp`, password: PASSWORD, width: 1366, height: 768 });
      try {
        await inspector.dropPin(p.east[0], p.east[1]);
        expect(await inspector.placeShownForPin()).toContain(p.eastVillage);
        expect(await inspector.describeAndSubmit('exposed_garbage', `${p.nameZh}的垃圾`)).toBeTruthy();
        const mine = await inspector.getJson('/api/reports');
        expect(mine.features).toHaveLength(1);
        const one = await inspector.getJson(`/api/reports/${mine.features[0].id}`);
        expect(one.village.nameZh).toBe(p.eastVillage);
        expect(inspector.problems).toEqual([]);
      } finally {
        await inspector.close();
      }
    }

    const lead = await TownMap.open(town.browser, town.server.url, { as: 'county-lead', password: PASSWORD, path: '/county', width: 1366, height: 768 });
    try {
      await lead.waitForCounty('table');
      expect(await lead.countyFigures()).toEqual([
        { code: 'dongcheng', open: 1, overdue: 0 },
        { code: 'xicheng', open: 1, overdue: 0 },
      ]);
      // No write buttons for the county's leader, and no set-up.
      expect(await lead.offered('county-setup-', 'add-township')).toEqual({ 'county-setup-': 0, 'add-township': 0 });
      await lead.openTownshipMap('xicheng');
      expect((await lead.drawnBasemap()).roads).toEqual(['西城大街']);
      expect(await lead.offered('report-mode')).toEqual({ 'report-mode': 0 });
      expect(await lead.reportCountText()).toMatch(/1/);
      await lead.switchTownship('dongcheng');
      await lead.waitUntilDrawn();
      expect((await lead.drawnBasemap()).roads).toEqual(['东城大街']);
      expect(lead.problems).toEqual([]);
    } finally {
      await lead.close();
    }
  });
});

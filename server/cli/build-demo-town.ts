/**
 * Draws the demo township and writes it to data/demo-town/*.geojson.
 * The shipped files are the product's demo data; this script is how they were made, kept so the
 * town can be redrawn. Layout in metres east/north of the township government, then to WGS84.
 *
 *   npx tsx server/cli/build-demo-town.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import * as turf from '@turf/turf';
import type { Feature, FeatureCollection, LineString, MultiPolygon, Point, Polygon, Position } from 'geojson';
import { localPlane } from '../domain/geo.ts';

const ORIGIN: [number, number] = [105.9352, 26.1448];
const plane = localPlane(ORIGIN);
const ll = (p: [number, number]): Position => {
  const [lon, lat] = plane.toLonLat(p[0], p[1]);
  return [round(lon), round(lat)];
};
const round = (v: number) => Math.round(v * 1e6) / 1e6;
const line = (pts: [number, number][]) => turf.lineString(pts.map(ll));

// ---------------------------------------------------------------- landmarks (metres)
const L = {
  gov: [0, 0],
  compound: [-260, 170],
  middleSchool: [170, 1120],
  rentalHousing: [-1020, 330],
  police: [380, -170],
  busStation: [560, -640],
  market: [-330, -260],
  healthCentre: [260, 320],
  primarySchool: [-560, -320],
  shanbao: [1020, -520],
  resort: [2250, 1000],
  toiletMarket: [-420, -180],
  toiletStation: [620, -560],
  site: [-880, 520],
} satisfies Record<string, [number, number]>;

// ---------------------------------------------------------------- township boundary
const boundaryRadii = [7600, 7100, 7900, 7300, 6800, 7400, 8000, 7200, 6900, 7700, 7500, 7000, 7800, 7300];
const boundaryRing = boundaryRadii.map((r, i) => {
  const a = (i / boundaryRadii.length) * 2 * Math.PI + 0.12;
  return ll([r * Math.cos(a), r * Math.sin(a)]);
});
boundaryRing.push(boundaryRing[0]!);
const township = turf.rewind(turf.polygon([boundaryRing]), { reverse: false }) as Feature<Polygon>;

// ---------------------------------------------------------------- streets and roads
const streets = {
  schoolRoad: [L.gov, [60, 380], [120, 760], L.middleSchool],
  ringNorth: [L.middleSchool, [620, 1050], [980, 720], [1220, 220]],
  ringSouth: [[1220, 220], [1260, -160], L.shanbao],
  compoundRoad: [L.compound, [-600, 250], L.rentalHousing],
  mainStreet: [L.gov, [300, -240], [700, -440], L.shanbao],
  laneA: [L.police, [440, -390], L.busStation],
  laneB: [[240, -310], [520, -420], [700, -520]],
  laneC: [[300, -240], [330, -470], [470, -600]],
  govCompound: [L.gov, [-120, 90], L.compound],
  marketStreet: [[-120, 90], [-250, -80], L.market, L.primarySchool],
  resortRoad: [[1220, 220], [1700, 560], [2000, 820], L.resort],
  countyWest: [[-7600, -1900], [-5200, -1300], [-3100, 500], [-1800, 420], L.rentalHousing],
  countyEast: [L.shanbao, [2200, -1100], [4300, -1800], [7400, -2300]],
} satisfies Record<string, [number, number][]>;

// ---------------------------------------------------------------- villages and communities
const villages = [
  { code: 'anzhang', zh: '安章社区', en: 'Anzhang Community', kind: 'community', seed: [200, -150], head: '王建华' },
  { code: 'naju', zh: '纳具社区', en: 'Naju Community', kind: 'community', seed: [2900, 1700], head: '李秀英' },
  { code: 'banbianjie', zh: '半边街村', en: 'Banbianjie Village', kind: 'village', seed: [-3100, 600], head: '张德明' },
  { code: 'xinzhai', zh: '新寨村', en: 'Xinzhai Village', kind: 'village', seed: [-4300, -3900], head: '刘光荣' },
  { code: 'longjing', zh: '龙井村', en: 'Longjing Village', kind: 'village', seed: [400, -4900], head: '陈国强' },
  { code: 'shiban', zh: '石板村', en: 'Shiban Village', kind: 'village', seed: [4600, -3400], head: '杨再兴' },
  { code: 'pingshang', zh: '坪上村', en: 'Pingshang Village', kind: 'village', seed: [5100, 3300], head: '赵永福' },
  { code: 'liangshuijing', zh: '凉水井村', en: 'Liangshuijing Village', kind: 'village', seed: [300, 5000], head: '黄明军' },
  { code: 'gaopo', zh: '高坡村', en: 'Gaopo Village', kind: 'village', seed: [-4600, 3900], head: '吴成林' },
] as const;

const villageRoads: Record<string, [number, number][]> = {};
for (const v of villages) {
  if (v.code === 'anzhang') continue;
  const [x, y] = v.seed;
  // a road from the town centre's edge to the village committee, with a bend so it reads as a road
  const start: [number, number] = [Math.sign(x) * Math.min(Math.abs(x), 900), Math.sign(y) * Math.min(Math.abs(y), 600)];
  const bend: [number, number] = [(start[0] + x) / 2 + y * 0.08, (start[1] + y) / 2 - x * 0.08];
  villageRoads[v.code] = [start, bend, [x, y]];
}

const tb = turf.bbox(township);
const voronoi = turf.voronoi(
  turf.featureCollection(villages.map((v) => turf.point(ll(v.seed as unknown as [number, number])))),
  { bbox: [tb[0] - 0.05, tb[1] - 0.05, tb[2] + 0.05, tb[3] + 0.05] },
);
const villageFeatures = villages.map((v, i) => {
  const cell = voronoi.features[i]!;
  const clipped = turf.intersect(turf.featureCollection([cell, township]))!;
  return areaFeature(`village-${v.code}`, v.kind, v.zh, v.en, clipped.geometry, v.head);
});

// ---------------------------------------------------------------- cleaning zones
const FRONTAGE_M = 55;
const corridor = (names: (keyof typeof streets)[]) => {
  const parts = names.map((n) => turf.buffer(line(streets[n]), FRONTAGE_M, { units: 'meters' })!);
  return parts.length === 1 ? parts[0]! : turf.union(turf.featureCollection(parts))!;
};
const resortBlock = turf.polygon([
  [[1850, 650], [2500, 560], [2780, 900], [2700, 1380], [2200, 1500], [1800, 1200], [1850, 650]].map((p) =>
    ll(p as [number, number]),
  ),
]);
const zoneDefs = [
  { code: 'zone-1', zh: '第一保洁区', en: 'Cleaning zone 1', shape: corridor(['schoolRoad', 'ringNorth']), head: '周桂兰' },
  { code: 'zone-2', zh: '第二保洁区', en: 'Cleaning zone 2', shape: corridor(['govCompound', 'compoundRoad', 'ringSouth']), head: '罗志刚' },
  { code: 'zone-3', zh: '第三保洁区', en: 'Cleaning zone 3', shape: corridor(['mainStreet', 'laneA', 'laneB', 'laneC', 'marketStreet']), head: '蒋文秀' },
  { code: 'zone-4', zh: '第四保洁区', en: 'Cleaning zone 4', shape: resortBlock, head: '田海燕' },
];
// Corridors meet at the government and along shared stretches: the earlier zone keeps the overlap.
const zoneFeatures: Feature<Polygon | MultiPolygon>[] = [];
let taken: Feature<Polygon | MultiPolygon> | null = null;
for (const z of zoneDefs) {
  let shape = turf.intersect(turf.featureCollection([z.shape, township]))!;
  if (taken) shape = dropSlivers(turf.difference(turf.featureCollection([shape, taken]))!);
  zoneFeatures.push(areaFeature(z.code, 'cleaning_zone', z.zh, z.en, shape.geometry, z.head));
  taken = taken ? turf.union(turf.featureCollection([taken, shape]))! : shape;
}

/** Differences of buffered corridors leave slivers and pinholes a few metres across: drop them. */
function dropSlivers(f: Feature<Polygon | MultiPolygon>): Feature<Polygon | MultiPolygon> {
  const MIN_M2 = 2000;
  const ringArea = (ring: Position[]) => turf.area(turf.polygon([ring]));
  const parts = (f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates)
    .filter((poly) => ringArea(poly[0]!) >= MIN_M2)
    .map((poly) => [poly[0]!, ...poly.slice(1).filter((hole) => ringArea(hole) >= MIN_M2)]);
  const geometry: Polygon | MultiPolygon =
    parts.length === 1 ? { type: 'Polygon', coordinates: parts[0]! } : { type: 'MultiPolygon', coordinates: parts };
  return turf.feature(geometry, f.properties);
}

// ---------------------------------------------------------------- units (门前三包)
const rect = ([cx, cy]: [number, number], w: number, h: number) =>
  turf.polygon([
    [[cx - w / 2, cy - h / 2], [cx + w / 2, cy - h / 2], [cx + w / 2, cy + h / 2], [cx - w / 2, cy + h / 2], [cx - w / 2, cy - h / 2]].map(
      (p) => ll(p as [number, number]),
    ),
  ]).geometry;
const unitFeatures = [
  areaFeature('unit-gov', 'unit', '镇政府', 'Township government', rect([-40, 60], 120, 90), '镇党政办'),
  areaFeature('unit-compound', 'unit', '镇机关大院', 'Government compound', rect(L.compound, 140, 110), '镇党政办'),
  areaFeature('unit-school', 'unit', '中学', 'Middle school', rect([170, 1200], 220, 160), '中学总务处'),
  areaFeature('unit-health', 'unit', '卫生院', 'Health centre', rect(L.healthCentre, 110, 90), '卫生院办公室'),
  areaFeature('unit-police', 'unit', '派出所', 'Police station', rect([380, -100], 80, 70), '派出所'),
  areaFeature('unit-market', 'unit', '农贸市场', 'Farmers market', rect(L.market, 160, 120), '市场管理所'),
  areaFeature('unit-station', 'unit', '车站', 'Bus station', rect([600, -700], 120, 90), '车站'),
];

function areaFeature(
  code: string,
  kind: string,
  zh: string,
  en: string,
  geometry: Polygon | MultiPolygon,
  responsible: string,
): Feature<Polygon | MultiPolygon> {
  const f = turf.feature(roundGeometry(geometry), {
    code,
    kind,
    nameZh: zh,
    nameEn: en,
    responsibleName: responsible,
    responsiblePhone: `1380851${String(Math.abs(hash(code)) % 10000).padStart(4, '0')}`,
  });
  return turf.rewind(f, { reverse: false }) as Feature<Polygon | MultiPolygon>;
}

function roundGeometry<G extends Polygon | MultiPolygon>(g: G): G {
  const r = (ring: Position[]) => {
    const out: Position[] = [];
    for (const p of ring) {
      const q = [round(p[0]!), round(p[1]!)];
      const last = out[out.length - 1];
      if (!last || last[0] !== q[0] || last[1] !== q[1]) out.push(q);
    }
    return out;
  };
  return (g.type === 'Polygon'
    ? { type: 'Polygon', coordinates: g.coordinates.map(r) }
    : { type: 'MultiPolygon', coordinates: g.coordinates.map((p) => p.map(r)) }) as G;
}

function hash(s: string): number {
  let h = 0;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) | 0;
  return h;
}

// ---------------------------------------------------------------- roads and landmarks as features
const roadNames: Record<keyof typeof streets, [string, string, string]> = {
  schoolRoad: ['中学路', 'Middle School Road', 'street'],
  ringNorth: ['环城东路', 'East Ring Road', 'main'],
  ringSouth: ['环城东路', 'East Ring Road', 'main'],
  compoundRoad: ['公租房路', 'Rental Housing Road', 'street'],
  mainStreet: ['山堡主街', 'Shanbao Main Street', 'main'],
  laneA: ['车站巷', 'Station Lane', 'lane'],
  laneB: ['派出所巷', 'Police Lane', 'lane'],
  laneC: ['老街巷', 'Old Street Lane', 'lane'],
  govCompound: ['机关路', 'Compound Road', 'street'],
  marketStreet: ['市场街', 'Market Street', 'street'],
  resortRoad: ['康养大道', 'Resort Avenue', 'main'],
  countyWest: ['县道X231', 'County Road X231', 'county'],
  countyEast: ['县道X231', 'County Road X231', 'county'],
};
const roads: Feature<LineString>[] = [
  ...Object.entries(streets).map(([k, pts]) => {
    const [zh, en, kind] = roadNames[k as keyof typeof streets];
    return turf.lineString(pts.map((p) => ll(p as [number, number])), { key: k, nameZh: zh, nameEn: en, kind });
  }),
  ...Object.entries(villageRoads).map(([code, pts]) => {
    const v = villages.find((x) => x.code === code)!;
    return turf.lineString(pts.map(ll), { key: `village:${code}`, nameZh: `${v.zh.replace(/村|社区/, '')}路`, nameEn: `${v.en.split(' ')[0]} Road`, kind: 'village' });
  }),
];

const landmarkDefs: [keyof typeof L, string, string, string][] = [
  ['gov', '镇政府', 'Township government', 'government'],
  ['compound', '镇机关大院', 'Government compound', 'government'],
  ['middleSchool', '中学', 'Middle school', 'school'],
  ['primarySchool', '小学', 'Primary school', 'school'],
  ['rentalHousing', '公租房', 'Public rental housing', 'housing'],
  ['police', '派出所', 'Police station', 'police'],
  ['busStation', '车站', 'Bus station', 'transport'],
  ['market', '农贸市场', 'Farmers market', 'market'],
  ['healthCentre', '卫生院', 'Health centre', 'health'],
  ['shanbao', '山堡', 'Shanbao', 'place'],
  ['resort', '纳具康养小镇', 'Naju Health Resort', 'place'],
  ['toiletMarket', '市场公厕', 'Market toilet', 'toilet'],
  ['toiletStation', '车站公厕', 'Station toilet', 'toilet'],
  ['site', '建筑工地', 'Construction site', 'construction'],
];
const landmarks: Feature<Point>[] = [
  ...landmarkDefs.map(([k, zh, en, kind]) => turf.point(ll(L[k]), { key: k, nameZh: zh, nameEn: en, kind })),
  ...villages
    .filter((v) => v.code !== 'anzhang')
    .map((v) => turf.point(ll(v.seed as unknown as [number, number]), { key: `committee:${v.code}`, nameZh: `${v.zh}村委会`.replace('社区村委会', '社区居委会').replace('村村委会', '村委会'), nameEn: `${v.en} committee`, kind: 'committee' })),
];

// ---------------------------------------------------------------- write
const out = path.resolve('data/demo-town');
fs.mkdirSync(out, { recursive: true });
const write = (name: string, fc: FeatureCollection | Feature) =>
  fs.writeFileSync(path.join(out, name), JSON.stringify(fc) + '\n');
write(
  'township.geojson',
  turf.feature(roundGeometry(township.geometry), { code: 'demo-town', nameZh: '纳具镇', nameEn: 'Naju Township', timezone: 'Asia/Shanghai' }),
);
write('areas.geojson', turf.featureCollection([...zoneFeatures, ...villageFeatures, ...unitFeatures]));
write('roads.geojson', turf.featureCollection(roads));
write('landmarks.geojson', turf.featureCollection(landmarks));
console.log(
  `demo town: ${zoneFeatures.length} zones, ${villageFeatures.length} villages/communities, ${unitFeatures.length} units, ${roads.length} roads, ${landmarks.length} landmarks`,
);

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AreaGeometry, Position } from '../domain/geo.ts';
import type { RoutableKind, Router } from '../domain/routing.ts';
import type { GeneratorTown } from './generator.ts';

// The demo township as shipped in data/: boundary, areas, roads, landmarks and categories.

export interface TownArea {
  code: string;
  kind: RoutableKind;
  nameZh: string;
  nameEn: string;
  responsibleName: string | null;
  responsiblePhone: string | null;
  geometry: AreaGeometry;
}

export interface TownFeature {
  key: string;
  layer: 'road' | 'landmark';
  kind: string;
  nameZh: string | null;
  nameEn: string | null;
  geometry: { type: 'LineString'; coordinates: Position[] } | { type: 'Point'; coordinates: Position };
}

export interface TownCategory {
  code: string;
  nameZh: string;
  nameEn: string;
  color: string;
  deadlineHours: number;
  deductionYuan: number;
  sameDay: boolean;
  scorePoints: number;
  duplicateRadiusM: number;
  responsibility: 'area' | 'unit';
}

export interface DemoTown {
  code: string;
  nameZh: string;
  nameEn: string;
  timezone: string;
  boundary: AreaGeometry;
  areas: TownArea[];
  features: TownFeature[];
  categories: TownCategory[];
}

const DATA_DIR = fileURLToPath(new URL('../../data/', import.meta.url));

const readJson = (file: string): any => JSON.parse(fs.readFileSync(path.join(DATA_DIR, file), 'utf8'));

/** The problem categories every new township starts with (data/categories.json); the office edits them after. */
export function readCategories(): TownCategory[] {
  return readJson('categories.json') as TownCategory[];
}

/** Reads the shipped demo town from data/. */
export function readDemoTown(): DemoTown {
  const township = readJson('demo-town/township.geojson');
  const areas = readJson('demo-town/areas.geojson');
  const roads = readJson('demo-town/roads.geojson');
  const landmarks = readJson('demo-town/landmarks.geojson');
  return {
    code: township.properties.code,
    nameZh: township.properties.nameZh,
    nameEn: township.properties.nameEn,
    timezone: township.properties.timezone,
    boundary: township.geometry,
    areas: areas.features.map((f: any) => ({
      code: f.properties.code,
      kind: f.properties.kind,
      nameZh: f.properties.nameZh,
      nameEn: f.properties.nameEn,
      responsibleName: f.properties.responsibleName ?? null,
      responsiblePhone: f.properties.responsiblePhone ?? null,
      geometry: f.geometry,
    })),
    features: [
      ...roads.features.map((f: any) => ({ ...pick(f), layer: 'road' as const })),
      ...landmarks.features.map((f: any) => ({ ...pick(f), layer: 'landmark' as const })),
    ],
    categories: readCategories(),
  };
}

function pick(f: any) {
  return {
    key: f.properties.key,
    kind: f.properties.kind,
    nameZh: f.properties.nameZh ?? null,
    nameEn: f.properties.nameEn ?? null,
    geometry: f.geometry,
  };
}

/** What the report generator needs from a town: its router, clock zone, landmarks and roads by key. */
export function generatorTownFrom(town: DemoTown, router: Router): GeneratorTown {
  const landmarks: Record<string, Position> = {};
  const roads: Record<string, Position[]> = {};
  for (const f of town.features) {
    if (f.geometry.type === 'Point') landmarks[f.key] = f.geometry.coordinates;
    else roads[f.key] = f.geometry.coordinates;
  }
  return {
    router,
    timezone: town.timezone,
    landmarks,
    roads,
    deadlineHours: Object.fromEntries(town.categories.map((c) => [c.code, c.deadlineHours])),
  };
}

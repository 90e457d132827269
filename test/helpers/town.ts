import { generatorTownFrom, readDemoTown, type DemoTown } from '../../server/demo/town.ts';
import { createRouter, type RoutableArea } from '../../server/domain/routing.ts';
import type { GeneratorTown } from '../../server/demo/generator.ts';
import type { Position } from '../../server/domain/geo.ts';

/** The shipped demo town with areas given stable ids (their codes), ready for routing and generating. */
export function demoTown(): { town: DemoTown; areas: RoutableArea[]; generatorTown: GeneratorTown } {
  const town = readDemoTown();
  const areas: RoutableArea[] = town.areas.map((a) => ({ ...a, id: a.code }));
  return { town, areas, generatorTown: generatorTownFrom(town, createRouter(town.boundary, areas)) };
}

/** A point a fraction of the way along a segment of a road of the demo town. */
export function alongRoad(roads: Record<string, Position[]>, key: string, vertex: number, t = 0.5): Position {
  const r = roads[key];
  if (!r || !r[vertex + 1]) throw new Error(`no segment ${vertex} on road ${key}`);
  const a = r[vertex]!;
  const b = r[vertex + 1]!;
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
}

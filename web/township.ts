import type { AreasResponse, Township } from './api.ts';
import { createRouter, type RoutableArea, type Router } from '../server/domain/routing.ts';
import type { AreaGeometry } from '../server/domain/geo.ts';

/** The township's router in the browser: the same rules the server applies, so the phone knows offline. */
export function townshipRouter(township: Township, areas: AreasResponse): Router {
  const routable: RoutableArea[] = areas.features.map((f) => ({
    id: f.properties.id,
    kind: f.properties.kind,
    code: f.properties.code,
    nameZh: f.properties.nameZh,
    nameEn: f.properties.nameEn,
    geometry: f.geometry as AreaGeometry,
  }));
  return createRouter(township.boundary as AreaGeometry, routable);
}

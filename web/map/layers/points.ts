import type { ReportFeature } from '../../api.ts';

/** What a pin needs from a report as the API shows one. */
export interface PinSource {
  id: string;
  lon: number;
  lat: number;
  category: string;
  status: ReportFeature['properties']['status'];
  overdue: boolean;
  zone: { id: string } | null;
  village: { id: string } | null;
  description: string | null;
  observedAt: string;
  deadlineAt: string | null;
}

/** A report (created, or from a task list) as a map feature, the shape the list endpoint returns. */
export function toFeature(r: PinSource): ReportFeature {
  return {
    type: 'Feature',
    id: r.id,
    geometry: { type: 'Point', coordinates: [r.lon, r.lat] },
    properties: {
      id: r.id,
      category: r.category,
      status: r.status,
      overdue: r.overdue,
      zoneId: r.zone?.id ?? null,
      villageId: r.village?.id ?? null,
      description: r.description,
      observedAt: r.observedAt,
      deadlineAt: r.deadlineAt,
    },
  };
}

/** Report positions packed for deck.gl binary attributes: lon/lat pairs in one Float32Array. */
export interface BinaryPoints {
  length: number;
  positions: Float32Array;
}

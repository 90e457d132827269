import type { ReportFeature } from '../../api.ts';

/** Report positions packed for deck.gl binary attributes: lon/lat pairs in one Float32Array. */
export interface BinaryPoints {
  length: number;
  positions: Float32Array;
}

export function toBinaryPoints(features: readonly ReportFeature[]): BinaryPoints {
  const positions = new Float32Array(features.length * 2);
  features.forEach((f, i) => {
    positions[i * 2] = f.geometry.coordinates[0];
    positions[i * 2 + 1] = f.geometry.coordinates[1];
  });
  return { length: features.length, positions };
}

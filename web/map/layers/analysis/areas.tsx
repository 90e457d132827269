import { GeoJsonLayer } from '@deck.gl/layers';
import { api, unwrap, type AreasCompared } from '../../../api.ts';
import type { RGB } from '../../colors.ts';
import { defineAnalysisLayer } from './types.ts';
import { collectionOf, onceEach } from '../memo.ts';

// Areas compared: each zone and village shaded by how its count changed from the week before, by an exact test.

export const AREAS_LAYER_ID = 'analysis-areas';

/** Change from the previous week: falling green, steady grey, rising red. */
export const CHANGE_COLORS = { fall: [26, 152, 80] as RGB, steady: [220, 220, 210] as RGB, rise: [215, 48, 39] as RGB, none: [240, 240, 235] as RGB };

/** Rising or falling only when the server's exact test says so; otherwise steady (or nothing in either week). */
export function changeColor(current: number, previous: number, test: { rising?: boolean | undefined; falling?: boolean | undefined }): RGB {
  if (test.rising) return CHANGE_COLORS.rise;
  if (test.falling) return CHANGE_COLORS.fall;
  return current === 0 && previous === 0 ? CHANGE_COLORS.none : CHANGE_COLORS.steady;
}

export type AreaTrendFeature = AreasCompared['features'][number];

// Villages first, zones on top of them: a zone's change shows over its village's.
const zonesOnTop = onceEach((areas: readonly AreaTrendFeature[]) =>
  collectionOf([...areas].sort((a, b) => (a.properties.kind === 'cleaning_zone' ? 1 : 0) - (b.properties.kind === 'cleaning_zone' ? 1 : 0))),
);

export function areasLayer(areas: readonly AreaTrendFeature[], ui: { visible: boolean }) {
  return new GeoJsonLayer({
    id: AREAS_LAYER_ID,
    visible: ui.visible,
    data: zonesOnTop(areas) as never,
    pickable: true,
    stroked: true,
    filled: true,
    getLineColor: [90, 80, 60, 200],
    getLineWidth: 1,
    lineWidthUnits: 'pixels',
    getFillColor: (f: { properties: AreaTrendFeature['properties'] }) => [...changeColor(f.properties.current, f.properties.previous, f.properties), 110] as [number, number, number, number],
    updateTriggers: { getFillColor: areas },
  });
}

const NO_AREAS: AreaTrendFeature[] = [];
const CHANGES = [
  ['rise', 'areasLegendRise'],
  ['steady', 'areasLegendSteady'],
  ['fall', 'areasLegendFall'],
] as const;

export const areas = defineAnalysisLayer<AreasCompared>({
  key: 'areas',
  label: 'layerAreasCompared',
  layerId: AREAS_LAYER_ID,
  load: async ({ categories, display }) => display.geo(await unwrap(api.analysis.areas.$get({ query: categories }))),
  layer: (data, ui) => areasLayer(data?.features ?? NO_AREAS, { visible: ui.visible }),
  tooltip: (o, _data, { t, name }) => t('tipArea', { name: name(o.properties), current: o.properties.current, previous: o.properties.previous }),
  legend: ({ i18n: { t } }) => (
    <>
      <h3>{t('layerAreasCompared')}</h3>
      <ul className="legend-list">
        {CHANGES.map(([k, label]) => (
          <li key={k}>
            <span className="swatch" style={{ background: `rgb(${CHANGE_COLORS[k].join(',')})` }} />
            {t(label)}
          </li>
        ))}
      </ul>
    </>
  ),
});

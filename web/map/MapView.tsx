import { useEffect, useRef } from 'react';
import * as maplibregl from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { Protocol } from 'pmtiles';
import 'maplibre-gl/dist/maplibre-gl.css';
import { MapboxOverlay } from '@deck.gl/mapbox';
import type { Layer, PickingInfo } from '@deck.gl/core';

maplibregl.setWorkerUrl(workerUrl);
// A local PMTiles basemap is read with range requests through this protocol.
maplibregl.addProtocol('pmtiles', new Protocol().tile);

export interface MapClick {
  lngLat: [number, number];
  picked: PickingInfo | null;
}

interface Props {
  style: maplibregl.StyleSpecification;
  layers: Layer[];
  bounds: [number, number, number, number];
  cursor: string;
  onClick(e: MapClick): void;
  onZoom(zoom: number): void;
  onReady?(map: maplibregl.Map): void;
  /** Text for what is under the pointer, or null for nothing. */
  tooltip?(info: PickingInfo): string | null;
}

declare global {
  interface Window {
    /** Handles for end-to-end tests, the benchmark and debugging in the browser console. */
    __hotspots?: {
      map: maplibregl.Map;
      overlay: MapboxOverlay;
      ready: boolean;
      /** How many times the layers were handed to deck.gl, and which of those deck.gl has since drawn. */
      layersSet: number;
      layersDrawn: number;
      /** Draws these binary points as the heat layer; resolves with the ms until deck.gl has drawn them. */
      showPoints?(payload: ArrayBuffer): Promise<number>;
    };
  }
}


/** MapLibre for the basemap, deck.gl drawn over it (not interleaved: aggregation layers need their own pass). */
export function MapView({ style, layers, bounds, cursor, onClick, onZoom, onReady, tooltip }: Props) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const overlayRef = useRef<MapboxOverlay | null>(null);
  const handlers = useRef({ onClick, onZoom, tooltip });
  handlers.current = { onClick, onZoom, tooltip };

  useEffect(() => {
    const map = new maplibregl.Map({
      container: container.current!,
      style,
      bounds: [
        [bounds[0], bounds[1]],
        [bounds[2], bounds[3]],
      ],
      fitBoundsOptions: { padding: 24 },
      attributionControl: { compact: true },
      maxZoom: 19,
      dragRotate: false,
      pitchWithRotate: false,
    });
    map.touchZoomRotate.disableRotation();
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-right');
    const overlay = new MapboxOverlay({
      interleaved: false,
      layers,
      // what the tests and the benchmark wait for: deck.gl has drawn the layers it was last given
      onAfterRender: () => {
        const h = window.__hotspots;
        if (h) h.layersDrawn = h.layersSet;
      },
      getTooltip: (info) => {
        const text = info.picked ? handlers.current.tooltip?.(info) : null;
        return text ? { text, className: 'map-tooltip' } : null;
      },
      onClick: (info) => {
        if (!info.coordinate) return;
        handlers.current.onClick({
          lngLat: [info.coordinate[0]!, info.coordinate[1]!],
          picked: info.picked ? info : null,
        });
      },
    });
    map.addControl(overlay);
    map.on('zoomend', () => handlers.current.onZoom(map.getZoom()));
    mapRef.current = map;
    overlayRef.current = overlay;
    window.__hotspots = { map, overlay, ready: false, layersSet: 0, layersDrawn: -1 };
    map.once('idle', () => {
      handlers.current.onZoom(map.getZoom());
      if (window.__hotspots) window.__hotspots.ready = true;
      onReady?.(map);
    });
    return () => {
      map.remove();
      mapRef.current = null;
      overlayRef.current = null;
      delete window.__hotspots;
    };
    // The map is made once; later prop changes are applied by the effects below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    mapRef.current?.setStyle(style, { diff: true });
  }, [style]);

  useEffect(() => {
    if (window.__hotspots) window.__hotspots.layersSet++;
    overlayRef.current?.setProps({ layers });
  }, [layers]);

  useEffect(() => {
    overlayRef.current?.setProps({
      getCursor: ({ isHovering, isDragging }) => (isDragging ? 'grabbing' : cursor !== 'default' ? cursor : isHovering ? 'pointer' : 'grab'),
    });
  }, [cursor]);

  return <div ref={container} className="map" data-testid="map" />;
}

/** Flies the map to a bounding box. */
export function fitTo(map: maplibregl.Map | null, b: [number, number, number, number], padding = 24) {
  map?.fitBounds(
    [
      [b[0], b[1]],
      [b[2], b[3]],
    ],
    { padding, duration: 600 },
  );
}

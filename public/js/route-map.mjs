/* global setTimeout */
// The live map of a tracking: the tracked variants' roads (the city's geometry), other routes through
// the stop faintly, the stop, and each bus where its last fix puts it, with its direction of travel
// and the age of that fix written on it (readable without colour).
import { getJson } from './api.mjs';
import { busKey } from './bus-list.mjs';
import { el } from './dom.mjs';
import { ageText, titleCase } from './format.mjs';
import { createMap, L, labelMarker, toLatLngs } from './map-base.mjs';

/** @typedef {import('./types').Bus} Bus */
/** @typedef {import('./types').StopDetail} StopDetail */
/** @typedef {{ variantId: number, line: string, destination: string, geometry: { coordinates: [number, number][] } | null }} VariantRoute */

/** Faint routes drawn at most: enough for the streets around the stop. */
const MAX_FAINT = 12;

/**
 * The direction of travel of a bus on its road: the bearing (degrees clockwise from north) of the
 * road segment nearest to it, taken in the road's own direction. Null without a road.
 * @param {[number, number][]} road [longitude, latitude] in the direction of travel
 * @param {[number, number]} location [longitude, latitude]
 * @returns {number | null}
 */
export function headingOnRoad(road, location) {
  if (road.length < 2) return null;
  const kx = Math.cos((location[1] * Math.PI) / 180);
  let best = { d: Infinity, bearing: /** @type {number | null} */ (null) };
  for (let i = 0; i + 1 < road.length; i++) {
    const [ax, ay] = [road[i][0] * kx, road[i][1]];
    const [dx, dy] = [road[i + 1][0] * kx - ax, road[i + 1][1] - ay];
    const length2 = dx * dx + dy * dy;
    if (!length2) continue;
    const t = Math.min(1, Math.max(0, ((location[0] * kx - ax) * dx + (location[1] - ay) * dy) / length2));
    const d = Math.hypot(ax + t * dx - location[0] * kx, ay + t * dy - location[1]);
    if (d < best.d) best = { d, bearing: ((Math.atan2(dx, dy) * 180) / Math.PI + 360) % 360 };
  }
  return best.bearing === null ? null : Math.round(best.bearing);
}

/** @param {number} bearing degrees clockwise from north */
export function compassText(bearing) {
  return ['north', 'north-east', 'east', 'south-east', 'south', 'south-west', 'west', 'north-west'][
    Math.round(bearing / 45) % 8
  ];
}

export class RouteMap {
  /** @param {HTMLElement} container */
  constructor(container) {
    this.container = container;
    /** @type {import('leaflet').Map | null} */
    this.map = null;
    /** @type {Map<number, VariantRoute | null>} null while loading or when unknown */
    this.routes = new Map();
    /** @type {Map<string, { marker: import('leaflet').Marker, body: HTMLElement }>} */
    this.buses = new Map();
    /** @type {import('leaflet').LayerGroup | null} */
    this.layers = null;
    /** Once the rider pans or zooms, the map stays where they put it. */
    this.userMoved = false;
    for (const type of ['pointerdown', 'wheel', 'keydown', 'touchstart']) {
      container.addEventListener(type, () => (this.userMoved = true), { passive: true });
    }
  }

  /**
   * A new tracking: its stop, the variants it follows there, and the other variants through the stop.
   * @param {StopDetail} stop @param {number[]} tracked @param {number[]} others
   */
  setStop(stop, tracked, others) {
    if (!this.map) this.map = createMap(this.container, 'Map of your buses on their route');
    this.layers?.remove();
    this.layers = L.layerGroup().addTo(this.map);
    this.buses.clear();
    this.userMoved = false;
    this.stop = stop;
    this.tracked = new Set(tracked);
    this.map.setView([stop.latitude, stop.longitude], 15);
    L.circleMarker([stop.latitude, stop.longitude], {
      radius: 7,
      weight: 3,
      className: 'map-stop-dot',
      interactive: false,
    }).addTo(this.layers);
    // The label hangs below the point, so a bus at the stop stays readable above it.
    labelMarker([stop.latitude, stop.longitude], el('span', { text: 'Your stop' }), 'map-stop')
      .setZIndexOffset(1000)
      .addTo(this.layers);
    for (const id of others.slice(0, MAX_FAINT)) this.drawRoute(id, 'map-route-faint');
    for (const id of tracked) this.drawRoute(id, 'map-route');
    // The section was hidden when the map was made: let it measure itself again.
    setTimeout(() => this.map?.invalidateSize(), 0);
  }

  /** @param {number} variantId @param {string} className */
  drawRoute(variantId, className) {
    const layers = this.layers;
    if (!this.routes.has(variantId)) {
      this.routes.set(variantId, null);
      void (
        /** @type {Promise<VariantRoute>} */ (getJson(`/api/lines/variants/${variantId}/route`)).then(
          (route) => {
            this.routes.set(variantId, route);
            if (layers === this.layers) this.drawRoute(variantId, className);
          },
          () => undefined,
        )
      );
      return;
    }
    const route = this.routes.get(variantId);
    if (!route?.geometry || !layers) return;
    const line = L.polyline(toLatLngs(route.geometry.coordinates), {
      className,
      interactive: false,
      weight: className === 'map-route' ? 5 : 2,
    }).addTo(layers);
    if (className === 'map-route') line.bringToFront();
    else line.bringToBack();
  }

  /**
   * The buses at their last fix (all of them, also those beyond the list's first rows).
   * @param {Bus[]} buses nearest first
   */
  update(buses) {
    if (!this.map || !this.layers) return;
    const keep = new Set(buses.map(busKey));
    for (const [key, { marker }] of this.buses) {
      if (!keep.has(key)) {
        marker.remove();
        this.buses.delete(key);
      }
    }
    for (const bus of buses) {
      const key = busKey(bus);
      const [lon, lat] = bus.location;
      let entry = this.buses.get(key);
      if (!entry) {
        const body = el('span', { className: 'map-bus-body' }, [
          el('span', { className: 'map-bus-arrow', attrs: { 'aria-hidden': 'true' }, text: '↑' }),
          el('span', { className: 'map-bus-line' }),
          el('span', { className: 'map-bus-age' }),
        ]);
        entry = { marker: labelMarker([lat, lon], body, 'map-bus').addTo(this.layers), body };
        this.buses.set(key, entry);
      } else entry.marker.setLatLng([lat, lon]);
      this.fillBus(entry.body, bus);
    }
    this.follow(buses);
    const next = buses[0];
    this.container.setAttribute(
      'aria-label',
      `Map of your buses on their route: ${buses.length} ${buses.length === 1 ? 'bus' : 'buses'}` +
        (next ? `, the nearest line ${next.line} to ${titleCase(next.destination)}` : '') +
        '. Arrow keys pan, plus and minus zoom.',
    );
  }

  /**
   * Keeps the stop and the listed buses in view, until the rider moves the map themselves.
   * @param {Bus[]} buses
   */
  follow(buses) {
    const map = this.map;
    if (!map || !this.stop || this.userMoved || !buses.length) return;
    const size = map.getSize();
    if (!size.x || !size.y) return; // not laid out yet (the section was hidden): the next update fits it
    const points = [
      /** @type {[number, number]} */ ([this.stop.latitude, this.stop.longitude]),
      ...buses.map((b) => /** @type {[number, number]} */ ([b.location[1], b.location[0]])),
    ];
    const bounds = L.latLngBounds(points);
    if (!map.getBounds().pad(-0.1).contains(bounds)) map.fitBounds(bounds.pad(0.15), { maxZoom: 16, animate: false });
  }

  /** @param {HTMLElement} body @param {Bus} bus */
  fillBus(body, bus) {
    const road = this.routes.get(bus.variantId)?.geometry?.coordinates;
    const heading = road ? headingOnRoad(road, bus.location) : null;
    const arrow = /** @type {HTMLElement} */ (body.querySelector('.map-bus-arrow'));
    arrow.hidden = heading === null;
    arrow.style.transform = heading === null ? '' : `rotate(${heading}deg)`;
    /** @type {HTMLElement} */ (body.querySelector('.map-bus-line')).textContent = bus.line;
    /** @type {HTMLElement} */ (body.querySelector('.map-bus-age')).textContent = bus.stale
      ? `old ${ageText(bus.dataAgeSeconds)}`
      : ageText(bus.dataAgeSeconds);
    body.dataset.key = busKey(bus);
    body.dataset.location = bus.location.join(',');
    body.classList.toggle('is-stale', bus.stale);
    body.title = `Line ${bus.line} to ${titleCase(bus.destination)}${
      heading === null ? '' : `, heading ${compassText(heading)}`
    }, seen ${ageText(bus.dataAgeSeconds)} ago`;
  }
}

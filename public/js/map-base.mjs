// The page's maps (Leaflet, served by us from /vendor/leaflet/): drawn from our own road geometry, with
// raster tiles underneath only when the operator sets MAP_TILE_URL (GET /api/map). Pan and zoom by
// touch, mouse or keyboard (arrow keys and +/- once the map has focus).
import * as L from '/vendor/leaflet/leaflet-src.esm.js';
import { getJson } from './api.mjs';
import { el } from './dom.mjs';

/** @typedef {{ tiles: { url: string, attribution: string } | null }} MapConfig */

/** @type {Promise<MapConfig> | null} */
let config = null;
const mapConfig = () =>
  (config ??= /** @type {Promise<MapConfig>} */ (getJson('/api/map')).catch(() => ({ tiles: null })));

/** Montevideo, for a map with nothing on it yet. */
export const CITY = /** @type {[number, number]} */ ([-34.87, -56.17]);

/**
 * A Leaflet map in `container`, focusable and labelled; tiles are added once the config arrives.
 * @param {HTMLElement} container @param {string} label what the map shows, for screen readers
 */
export function createMap(container, label) {
  const map = L.map(container, { zoomControl: true, keyboard: true, attributionControl: true, zoomSnap: 0.5 });
  map.setView(CITY, 13);
  map.attributionControl.setPrefix('');
  container.setAttribute('role', 'region');
  container.setAttribute('aria-label', label);
  void mapConfig().then(({ tiles }) => {
    if (tiles) L.tileLayer(tiles.url, { attribution: escapeText(tiles.attribution), maxZoom: 19 }).addTo(map);
    else map.attributionControl.addAttribution('Streets: Intendencia de Montevideo');
  });
  return map;
}

/**
 * A marker drawn by the page (text, not colour, carries its meaning); not a tab stop of its own.
 * @param {[number, number]} latLng @param {HTMLElement} body @param {string} className
 */
export function labelMarker(latLng, body, className) {
  return L.marker(latLng, {
    // No size: the label sizes itself (CSS centres it on the point).
    icon: L.divIcon({
      html: body,
      className,
      iconSize: /** @type {[number, number]} */ (/** @type {unknown} */ (null)),
    }),
    keyboard: false,
    interactive: false,
  });
}

/** @param {[number, number][]} lonLats GeoJSON order @returns {[number, number][]} Leaflet order */
export const toLatLngs = (lonLats) => lonLats.map(([lon, lat]) => /** @type {[number, number]} */ ([lat, lon]));

/** @param {string} text */
function escapeText(text) {
  return el('span', { text }).innerHTML;
}

export { L };

/* global navigator, window */
// Step one: find the stop (by street, by number, or near me), pick its lines, start tracking.
import { getJson, getPage, postJson } from './api.mjs';
import { byId, el } from './dom.mjs';
import { distanceText, stopName, titleCase } from './format.mjs';
import { createMap, L } from './map-base.mjs';

/** @typedef {import('./types').StopHit} StopHit */
/** @typedef {import('./types').LineCall} LineCall */

/** Stops per page of results. */
const PAGE = 20;

/** Lines and places named in a result before "+N": a result stays two lines tall on a phone. */
const SHOWN_LINES = 6;
const SHOWN_PLACES = 2;

/**
 * What tells a stop from its look-alike across the avenue, in one short line: its lines, and where
 * most of them go from here (the places most lines head for first).
 * "Lines 103, 109 · towards Plaza España, Aduana +2"
 * @param {LineCall[]} calls
 */
export function callsText(calls) {
  if (!calls.length) return 'No known line calls here';
  const names = calls.map((c) => c.line);
  const lines =
    names.slice(0, SHOWN_LINES).join(', ') + (names.length > SHOWN_LINES ? ` +${names.length - SHOWN_LINES}` : '');
  /** @type {Map<string, number>} */
  const places = new Map();
  for (const c of calls)
    for (const d of new Set(c.destinations.map(titleCase))) places.set(d, (places.get(d) ?? 0) + 1);
  const ranked = [...places].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([place]) => place);
  const towards =
    ranked.slice(0, SHOWN_PLACES).join(', ') +
    (ranked.length > SHOWN_PLACES ? ` +${ranked.length - SHOWN_PLACES}` : '');
  return `${names.length === 1 ? 'Line' : 'Lines'} ${lines} · towards ${towards}`;
}
/** @typedef {import('./types').StopDetail} StopDetail */
/** @typedef {import('./types').Tracking} Tracking */

export class StopFinder {
  /** @param {{ onStarted: (tracking: Tracking, stop: StopDetail) => void }} hooks */
  constructor(hooks) {
    this.hooks = hooks;
    this.finder = byId('finder');
    this.linesSection = byId('lines');
    /** @type {HTMLInputElement} */
    this.input = byId('search-input');
    this.status = byId('search-status');
    this.results = byId('stop-results');
    /** @type {HTMLButtonElement} */
    this.nearButton = byId('near-me');
    this.lineOptions = byId('line-options');
    /** @type {HTMLInputElement} */
    this.otherLines = byId('other-lines');
    this.linesError = byId('lines-error');
    /** @type {HTMLButtonElement} */
    this.startButton = byId('start-tracking');
    /** @type {StopDetail | null} */
    this.stop = null;
    /** @type {{ path: string, stops: StopHit[], total: number, label: string } | null} the results shown */
    this.found = null;
    /** @type {HTMLButtonElement} */
    this.moreStops = byId('more-stops');
    this.moreStops.addEventListener('click', () => void this.more());
    this.mapBox = byId('stop-map');
    /** @type {import('leaflet').Map | null} */
    this.map = null;
    /** @type {import('leaflet').LayerGroup | null} */
    this.candidates = null;

    byId('search-form').addEventListener('submit', (event) => {
      event.preventDefault();
      void this.search();
    });
    this.nearButton.hidden = !('geolocation' in navigator);
    this.nearButton.addEventListener('click', () => this.nearMe());
    byId('lines-form').addEventListener('submit', (event) => {
      event.preventDefault();
      void this.start();
    });
    byId('back-to-search').addEventListener('click', () => this.showSearch());
  }

  show() {
    if (this.stop) this.showLines();
    else this.showSearch();
  }

  /** The next show() starts from the search, not from the lines of the last stop. */
  forgetStop() {
    this.stop = null;
  }

  hide() {
    this.finder.hidden = true;
    this.linesSection.hidden = true;
  }

  showSearch() {
    this.stop = null;
    this.linesSection.hidden = true;
    this.finder.hidden = false;
    this.input.focus();
  }

  async search() {
    const q = this.input.value.trim();
    if (!q) return this.say('Type a street name or a stop number.');
    this.say('Searching…');
    await this.load(`/api/stops?q=${encodeURIComponent(q)}`, `No stop matches “${q}”. Try another street.`, '');
  }

  /**
   * The first page of a search.
   * @param {string} path without limit and offset @param {string} none what to say when nothing matches
   * @param {string} where what the results are (" within 400 m")
   * @returns {Promise<number>} stops found in all
   */
  async load(path, none, where) {
    try {
      /** @type {{ items: StopHit[], total: number }} */
      const { items, total } = await getPage(`${path}&limit=${PAGE}`);
      this.found = { path, stops: items, total, label: where };
      if (total) this.list();
      else {
        this.found = null;
        this.list();
        this.say(none);
      }
      return total;
    } catch (error) {
      this.say(/** @type {Error} */ (error).message);
      return -1;
    }
  }

  /** The next page, added below the ones shown; focus moves to the first new stop. */
  async more() {
    const found = this.found;
    if (!found) return;
    this.moreStops.disabled = true;
    try {
      /** @type {{ items: StopHit[], total: number }} */
      const { items, total } = await getPage(`${found.path}&limit=${PAGE}&offset=${found.stops.length}`);
      const first = found.stops.length;
      Object.assign(found, { stops: [...found.stops, ...items], total });
      this.list();
      /** @type {HTMLElement | null} */ (this.results.querySelectorAll('button.stop-item')[first])?.focus();
    } catch (error) {
      this.say(/** @type {Error} */ (error).message);
    } finally {
      this.moreStops.disabled = false;
    }
  }

  nearMe() {
    if (!window.isSecureContext) return this.say('Your location is only available over https or on localhost.');
    this.say('Finding where you are…');
    navigator.geolocation.getCurrentPosition(
      (position) => void this.searchNear(position.coords.latitude, position.coords.longitude),
      (error) =>
        this.say(
          error.code === error.PERMISSION_DENIED
            ? 'Location permission was refused: search by street instead.'
            : 'Could not get your location; search by street instead.',
        ),
      { enableHighAccuracy: true, timeout: 10_000, maximumAge: 60_000 },
    );
  }

  /** @param {number} latitude @param {number} longitude */
  async searchNear(latitude, longitude) {
    const near = `${latitude.toFixed(5)},${longitude.toFixed(5)}`;
    try {
      for (const radius of [400, 1500]) {
        const none = 'No stop within 1.5 km of you. Search by street instead.';
        if (
          (await this.load(`/api/stops?near=${near}&radius=${radius}`, none, ` within ${distanceText(radius)}`)) !== 0
        )
          return;
      }
    } catch (error) {
      this.say(/** @type {Error} */ (error).message);
    }
  }

  /** Shows the results found so far: "20 of 44 stops", each with its lines, and the map of them. */
  list() {
    const stops = this.found?.stops ?? [];
    const total = this.found?.total ?? 0;
    this.say(
      total
        ? `${stops.length < total ? `${stops.length} of ${total}` : total} ${total === 1 ? 'stop' : 'stops'}${this.found?.label}`
        : '',
    );
    this.results.replaceChildren(
      ...stops.map((stop) => {
        const button = el('button', { className: 'stop-item', attrs: { type: 'button' } }, [
          el('span', { className: 'stop-id', text: String(stop.id), attrs: { 'aria-label': `Stop ${stop.id}` } }),
          el('span', { className: 'stop-name', text: stopName(stop) }),
          ...(stop.distanceMeters === undefined
            ? []
            : [el('span', { className: 'stop-dist', text: distanceText(stop.distanceMeters) })]),
          el('span', {
            className: 'stop-lines',
            text: callsText(stop.lines),
          }),
        ]);
        button.addEventListener('click', () => void this.pickStop(stop.id));
        return el('li', {}, [button]);
      }),
    );
    const left = total - stops.length;
    this.moreStops.hidden = left <= 0;
    this.moreStops.textContent = `Show ${Math.min(PAGE, left)} more of ${left} left`;
    this.drawCandidates(stops);
  }

  /** @param {StopHit[]} stops */
  drawCandidates(stops) {
    this.mapBox.hidden = stops.length < 2;
    if (stops.length < 2) return;
    this.map ??= createMap(this.mapBox, 'Map of the stops found; each stop is also a button in the list below');
    this.candidates?.remove();
    // Dots, not labels: forty stops along one avenue would stack their labels. Pointing at one names it;
    // clicking it goes to its result (the list is the way in for the keyboard).
    const group = L.layerGroup(
      stops.map((s, i) =>
        L.circleMarker([s.latitude, s.longitude], {
          radius: 7,
          className: 'map-candidate',
          weight: 2,
          fillOpacity: 0.9,
        })
          .bindTooltip(`Stop ${s.id}: ${stopName(s)}`)
          .on('click', () => {
            const button = /** @type {HTMLElement | undefined} */ (
              this.results.querySelectorAll('button.stop-item')[i]
            );
            button?.scrollIntoView({ block: 'center' });
            button?.focus();
          }),
      ),
    ).addTo(this.map);
    this.candidates = group;
    this.map.invalidateSize();
    this.map.fitBounds(L.latLngBounds(stops.map((s) => [s.latitude, s.longitude])).pad(0.1), { maxZoom: 17 });
  }

  /** @param {number} stopId */
  async pickStop(stopId) {
    this.say('Loading the lines of this stop…');
    try {
      this.stop = await getJson(`/api/stops/${stopId}`);
      this.say('');
      this.showLines();
    } catch (error) {
      this.say(/** @type {Error} */ (error).message);
    }
  }

  showLines() {
    const stop = /** @type {StopDetail} */ (this.stop);
    byId('lines-title').textContent = `Stop ${stop.id}`;
    byId('lines-stop-name').textContent = stopName(stop);
    this.lineOptions.replaceChildren(
      ...stop.lines.map((line) => {
        const destinations = [...new Set(line.variants.map((v) => titleCase(v.destination)))].join(' · ');
        const box = el('input', { attrs: { type: 'checkbox', name: 'line', value: line.line } });
        box.checked = stop.lines.length === 1;
        return el('label', { className: 'line-chip' }, [
          box,
          el('span', { className: 'line-badge', text: line.line }),
          el('span', { className: 'chip-dest', text: `to ${destinations}` }),
        ]);
      }),
    );
    byId('lines-empty').hidden = stop.lines.length > 0;
    this.linesError.textContent = '';
    this.finder.hidden = true;
    this.linesSection.hidden = false;
    byId('lines-title').focus();
  }

  async start() {
    const stop = /** @type {StopDetail} */ (this.stop);
    const picked = [...this.lineOptions.querySelectorAll('input:checked')].map(
      (i) => /** @type {HTMLInputElement} */ (i).value,
    );
    const other = this.otherLines.value.split(/[\s,]+/).filter(Boolean);
    const lines = [...new Set([...picked, ...other])];
    if (!lines.length) {
      this.linesError.textContent = 'Pick at least one line.';
      return;
    }
    this.linesError.textContent = '';
    this.startButton.disabled = true;
    try {
      /** @type {Tracking} */
      const tracking = await postJson('/api/trackings', { stopId: stop.id, lines });
      this.hooks.onStarted(tracking, stop);
    } catch (error) {
      this.linesError.textContent = /** @type {Error} */ (error).message;
    } finally {
      this.startButton.disabled = false;
    }
  }

  /** @param {string} message */
  say(message) {
    this.status.textContent = message;
  }
}

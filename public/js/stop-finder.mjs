/* global navigator, window */
// Step one: find the stop (by street, by number, or near me), pick its lines, start tracking.
import { getJson, postJson } from './api.mjs';
import { byId, el } from './dom.mjs';
import { distanceText, stopName, titleCase } from './format.mjs';

/** @typedef {import('./types').Stop} Stop */
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
    try {
      /** @type {Stop[]} */
      const stops = await getJson(`/api/stops?q=${encodeURIComponent(q)}&limit=20`);
      this.list(stops, stops.length ? `${stops.length} stop(s) found` : `No stop matches “${q}”. Try another street.`);
    } catch (error) {
      this.say(/** @type {Error} */ (error).message);
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
        /** @type {Stop[]} */
        const stops = await getJson(`/api/stops?near=${near}&radius=${radius}&limit=10`);
        if (stops.length) return this.list(stops, `${stops.length} stop(s) within ${distanceText(radius)}`);
      }
      this.list([], 'No stop within 1.5 km of you. Search by street instead.');
    } catch (error) {
      this.say(/** @type {Error} */ (error).message);
    }
  }

  /** @param {Stop[]} stops @param {string} message */
  list(stops, message) {
    this.say(message);
    this.results.replaceChildren(
      ...stops.map((stop) => {
        const button = el('button', { className: 'stop-item', attrs: { type: 'button' } }, [
          el('span', { className: 'stop-id', text: String(stop.id), attrs: { 'aria-label': `Stop ${stop.id}` } }),
          el('span', { className: 'stop-name', text: stopName(stop) }),
          ...(stop.distanceMeters === undefined
            ? []
            : [el('span', { className: 'stop-dist', text: distanceText(stop.distanceMeters) })]),
        ]);
        button.addEventListener('click', () => void this.pickStop(stop.id));
        return el('li', {}, [button]);
      }),
    );
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

// The live list: one row per bus, nearest first, updated in place (rows keep their identity, so
// assistive technology hears buses arrive and leave rather than the whole list again).
import { el } from './dom.mjs';
import { ageText, clockText, distanceText, etaText, statusBadge, titleCase } from './format.mjs';

/** @typedef {import('./types').Bus} Bus */
/** @typedef {{ stopsAway?: string, departureAt?: string, ended: boolean }} RowExtras */

/**
 * The big figure of a row and what a screen reader says for it. An ended tracking shows no ETA (its
 * buses are history); a bus waiting at its terminus shows when it leaves, where the timetable says.
 * @param {Bus} bus @param {RowExtras} extras
 * @returns {{ text: string, label: string, muted: boolean }}
 */
export function rowEta(bus, { departureAt, ended }) {
  if (ended) return { text: '', label: 'tracking ended', muted: true };
  if (bus.status === 'at_terminus') {
    if (departureAt) {
      const time = clockText(departureAt);
      return { text: `dep. ${time}`, label: `leaves the terminus at ${time}`, muted: false };
    }
    if (bus.etaSeconds === null) return { text: 'waiting', label: 'waiting at the terminus', muted: true };
  }
  const text = etaText(bus);
  return text === '–'
    ? { text, label: 'arrival time: calculating', muted: true }
    : { text, label: `arrives: ${text}`, muted: false };
}

/** @param {Pick<Bus, 'company' | 'busId'>} bus */
export const busKey = (bus) => `${bus.company}:${bus.busId}`;

export class BusListView {
  /** @param {HTMLElement} list */
  constructor(list) {
    this.list = list;
    /** @type {Map<string, HTMLLIElement>} */
    this.rows = new Map();
  }

  /**
   * @param {Bus[]} buses nearest first
   * @param {(bus: Bus) => RowExtras} extras per bus: stops away where the route is known, departure time
   */
  render(buses, extras) {
    const keep = new Set(buses.map(busKey));
    for (const [key, row] of this.rows) {
      if (!keep.has(key)) {
        row.remove();
        this.rows.delete(key);
      }
    }
    buses.forEach((bus, i) => {
      const key = busKey(bus);
      let row = this.rows.get(key);
      if (!row) {
        row = this.createRow(key);
        this.rows.set(key, row);
      }
      this.fill(row, bus, extras(bus));
      // appendChild moves a row already in the list: this keeps the order nearest first.
      if (this.list.children[i] !== row) this.list.insertBefore(row, this.list.children[i] ?? null);
    });
  }

  clear() {
    this.list.replaceChildren();
    this.rows.clear();
  }

  /** @param {string} key */
  createRow(key) {
    return el('li', { className: 'bus', attrs: { 'data-key': key } }, [
      el('span', { className: 'line-badge' }),
      el('div', { className: 'bus-body' }, [
        el('p', { className: 'bus-dest' }),
        el('p', { className: 'bus-meta' }, [
          el('span', { className: 'badge' }),
          el('span', { className: 'bus-dist' }),
          el('span', { className: 'bus-stops' }),
          el('span', { className: 'bus-age' }),
        ]),
      ]),
      // What a screen reader says ("arrives: 6 min") and what the eye reads ("6 min"), apart.
      el('p', { className: 'bus-eta-box' }, [
        el('span', { className: 'sr-only bus-eta-said' }),
        el('span', { className: 'bus-eta', attrs: { 'aria-hidden': 'true' } }),
      ]),
    ]);
  }

  /** @param {HTMLLIElement} row @param {Bus} bus @param {RowExtras} extras */
  fill(row, bus, extras) {
    const part = (/** @type {string} */ name) => /** @type {HTMLElement} */ (row.querySelector(`.${name}`));
    const set = (/** @type {string} */ name, /** @type {string} */ text) => {
      const node = part(name);
      if (node.textContent !== text) node.textContent = text;
    };
    row.dataset.status = bus.status;
    row.classList.toggle('is-stale', bus.stale);
    set('line-badge', bus.line);
    part('line-badge').setAttribute('aria-label', `Line ${bus.line}`);
    set('bus-dest', `to ${titleCase(bus.destination)}`);
    const badge = statusBadge(bus);
    part('badge').className = `badge badge-${badge?.kind ?? 'none'}`;
    set('badge', badge?.text ?? '');
    set('bus-dist', distanceText(bus.distanceMeters));
    set('bus-stops', extras.stopsAway ?? '');
    set('bus-age', `seen ${ageText(bus.dataAgeSeconds)} ago`);
    const eta = rowEta(bus, extras);
    set('bus-eta', eta.text);
    part('bus-eta').classList.toggle('is-unknown', eta.muted);
    set('bus-eta-said', eta.label);
  }
}

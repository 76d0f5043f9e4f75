// The live list: one row per bus, nearest first, updated in place (rows keep their identity, so
// assistive technology hears buses arrive and leave rather than the whole list again).
import { el } from './dom.mjs';
import { ageText, distanceText, etaText, STATUS_LABELS, titleCase } from './format.mjs';

/** @typedef {import('./types').Bus} Bus */

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
   * @param {Map<string, string>} stopsAway text per bus key, where the route is known
   */
  render(buses, stopsAway) {
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
      this.fill(row, bus, stopsAway.get(key));
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
      el('p', { className: 'bus-eta' }),
    ]);
  }

  /** @param {HTMLLIElement} row @param {Bus} bus @param {string | undefined} stopsAway */
  fill(row, bus, stopsAway) {
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
    const badge = part('badge');
    badge.className = `badge badge-${bus.stale ? 'stale' : bus.status}`;
    set('badge', bus.stale ? 'stale data' : STATUS_LABELS[bus.status]);
    set('bus-dist', distanceText(bus.distanceMeters));
    set('bus-stops', stopsAway ?? '');
    set('bus-age', `seen ${ageText(bus.dataAgeSeconds)} ago`);
    const eta = etaText(bus);
    set('bus-eta', eta);
    part('bus-eta').classList.toggle('is-unknown', eta === '–');
    part('bus-eta').setAttribute('aria-label', eta === '–' ? 'arrival time: calculating' : `arrives: ${eta}`);
  }
}

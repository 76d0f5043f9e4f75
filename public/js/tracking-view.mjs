/* global setInterval, clearInterval */
// Step two: the live view of one tracking: connection state, the list, the route strips, and the
// states a rider must be able to tell apart (calculating, no buses yet, stale data, ended and why).
import { ApiError, getJson, postJson } from './api.mjs';
import { busKey, BusListView } from './bus-list.mjs';
import { byId, el } from './dom.mjs';
import { ageText, clockText, etaText, stopName, titleCase } from './format.mjs';
import { LiveStream } from './live-stream.mjs';
import { RouteMap } from './route-map.mjs';
import { RouteStrips } from './route-strips.mjs';
import { trackingNotice } from './tracking-notice.mjs';

/** @typedef {import('./types').Bus} Bus */
/** @typedef {import('./types').BusList} BusList */
/** @typedef {import('./types').ScheduledDeparture} ScheduledDeparture */
/** @typedef {import('./types').StopDetail} StopDetail */
/** @typedef {import('./types').Tracking} Tracking */
/** @typedef {import('./live-stream.mjs').StreamState} StreamState */

/** Rows shown before "show more": a phone screen, with the route strips still in reach. */
const FIRST_ROWS = 5;

const NOT_FOUND =
  'This tracking was not found: the link is wrong, or the tracking ended long ago. Find your stop to start a new one.';

const STATE_TEXT = /** @type {Record<StreamState, string>} */ ({
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  ended: 'Ended',
  gone: 'Not found',
});

export class TrackingView {
  /** @param {{ onStarted: (tracking: Tracking, stop: StopDetail) => void, onNewSearch: () => void }} hooks */
  constructor(hooks) {
    this.hooks = hooks;
    this.section = byId('tracking');
    this.title = byId('tracking-title');
    this.connection = byId('conn-state');
    this.updated = byId('updated-at');
    this.notice = byId('notice');
    this.summary = byId('summary');
    /** @type {HTMLButtonElement} */
    this.stopButton = byId('stop-tracking');
    /** @type {HTMLButtonElement} */
    this.againButton = byId('track-again');
    /** @type {HTMLButtonElement} */
    this.moreButton = byId('more-buses');
    this.showAll = false;
    this.list = new BusListView(byId('bus-list'));
    this.strips = new RouteStrips(byId('strips'), () => this.render());
    this.map = new RouteMap(byId('route-map'));
    /** @type {LiveStream | null} */
    this.stream = null;
    /** @type {Tracking | null} */
    this.tracking = null;
    /** @type {StopDetail | null} */
    this.stop = null;
    /** @type {BusList | null} */
    this.data = null;
    /** @type {Bus[]} the buses shown: those whose route serves this stop, where that is known */
    this.visible = [];
    /** @type {Set<number>} variants known to serve the stop */
    this.serving = new Set();
    /** @type {Set<string>} lines with such variants: their other buses run elsewhere (the other way) */
    this.servedLines = new Set();
    this.receivedAt = 0;
    this.warning = '';
    /** @type {string} a dead end (unknown tracking, lost stop): stays on screen, the clock does not redraw it away */
    this.failure = '';
    /** @type {ReturnType<typeof setInterval> | undefined} */
    this.clock = undefined;

    this.stopButton.addEventListener('click', () => void this.stopTracking());
    this.againButton.addEventListener('click', () => void this.trackAgain());
    this.moreButton.addEventListener('click', () => {
      this.showAll = !this.showAll;
      this.render();
    });
    byId('new-search').addEventListener('click', () => this.hooks.onNewSearch());
  }

  /** @param {string} trackingId @param {{ tracking?: Tracking, stop?: StopDetail }} [known] */
  async open(trackingId, known = {}) {
    this.close();
    Object.assign(this, { tracking: known.tracking ?? null, stop: known.stop ?? null, data: null, visible: [] });
    this.receivedAt = 0;
    this.showAll = false;
    this.failure = '';
    this.warning = known.tracking?.warning ?? '';
    this.renderScheduled([]);
    this.list.clear();
    this.moreButton.hidden = true;
    byId('other-way').textContent = '';
    this.section.classList.remove('is-ended');
    this.section.hidden = false;
    this.title.textContent = 'Your buses';
    this.title.focus();
    this.clock = setInterval(() => this.render(), 1000);
    try {
      this.tracking ??= await getJson(`/api/trackings/${encodeURIComponent(trackingId)}`);
      const tracking = /** @type {Tracking} */ (this.tracking);
      this.stop ??= await getJson(`/api/stops/${tracking.stopId}`);
    } catch (error) {
      const gone = error instanceof ApiError && error.status === 404;
      if (gone) this.setState('gone');
      return this.fail(gone ? NOT_FOUND : /** @type {Error} */ (error).message);
    }
    this.showHeader();
    this.stream = new LiveStream(trackingId, {
      list: (data) => {
        this.data = data;
        this.receivedAt = Date.now();
        this.render();
      },
      ended: (tracking) => this.end(tracking),
      state: (state) => this.setState(state),
    });
  }

  close() {
    this.stream?.close();
    this.stream = null;
    clearInterval(this.clock);
    this.section.hidden = true;
  }

  showHeader() {
    const stop = /** @type {StopDetail} */ (this.stop);
    const tracking = /** @type {Tracking} */ (this.tracking);
    this.title.textContent = `Stop ${stop.id}`;
    byId('tracking-stop-name').textContent = stopName(stop);
    byId('tracking-lines').replaceChildren(
      ...tracking.lines.map((line) => el('span', { className: 'line-badge', text: line })),
    );
    this.serving = new Set(stop.lines.flatMap((l) => l.variants.map((v) => v.id)));
    this.servedLines = new Set(stop.lines.map((l) => l.line));
    this.strips.setStop(stop.id, this.serving);
    const tracked = stop.lines.filter((l) => tracking.lines.includes(l.line)).flatMap((l) => l.variants);
    const trackedIds = tracking.variantIds.length
      ? tracked.filter((v) => tracking.variantIds.includes(v.id)).map((v) => v.id)
      : tracked.map((v) => v.id);
    const others = [...this.serving].filter((id) => !trackedIds.includes(id));
    this.map.setStop(stop, trackedIds, others);
    this.stopButton.hidden = tracking.status !== 'active';
    this.againButton.hidden = tracking.status === 'active';
  }

  /** @param {StreamState} state */
  setState(state) {
    this.connection.textContent = STATE_TEXT[state];
    this.connection.dataset.state = state;
    if (state === 'gone' && !this.failure) this.fail(NOT_FOUND);
  }

  /** @param {Tracking} tracking */
  end(tracking) {
    this.tracking = tracking;
    this.stream?.close();
    this.setState('ended');
    this.stopButton.hidden = true;
    this.againButton.hidden = false;
    this.section.classList.add('is-ended');
    this.render();
    // The rider is likely scrolled down at the buttons: bring the why into view.
    this.notice.scrollIntoView({ block: 'nearest' });
  }

  /** @param {string} message */
  fail(message) {
    this.failure = message;
    this.stream?.close();
    clearInterval(this.clock);
    if (this.connection.dataset.state !== 'gone') this.setState('ended');
    this.title.textContent = this.connection.dataset.state === 'gone' ? 'Tracking not found' : 'Your buses';
    this.setNotice(message, 'error');
    this.stopButton.hidden = true;
    this.againButton.hidden = true;
  }

  render() {
    const data = this.data;
    if (this.failure) return this.setNotice(this.failure, 'error');
    if (data) {
      this.visible = data.buses.filter((b) => !this.servedLines.has(b.line) || this.serving.has(b.variantId));
      const away = this.strips.update(this.visible);
      const more = this.visible.length - FIRST_ROWS;
      const shown = this.showAll ? this.visible : this.visible.slice(0, FIRST_ROWS);
      // The map shows the buses of the list, no more: a rider matches a row to its marker.
      this.map.update(shown);
      const ended = this.tracking?.status !== 'active';
      const scheduled = data.scheduled ?? [];
      this.list.render(shown, (bus) => ({
        stopsAway: away.get(busKey(bus)),
        departureAt: scheduled.find((d) => d.busId === bus.busId && d.line === bus.line)?.departureAt,
        ended,
      }));
      this.renderScheduled(
        ended ? [] : scheduled.filter((d) => d.busId === null || !this.visible.some((b) => b.busId === d.busId)),
      );
      this.moreButton.hidden = more <= 0;
      this.moreButton.textContent = this.showAll
        ? 'Show fewer buses'
        : `Show ${more} more ${more === 1 ? 'bus' : 'buses'}`;
      this.moreButton.setAttribute('aria-expanded', String(this.showAll));
      const hidden = data.buses.length - this.visible.length;
      byId('other-way').textContent = hidden
        ? `${hidden === 1 ? 'One bus' : `${hidden} buses`} of these lines going another way (not past this stop) not shown.`
        : '';
      const next = ended ? undefined : this.visible.find((b) => b.etaSeconds !== null || b.status === 'arriving');
      const summary = next ? `Next: line ${next.line} to ${titleCase(next.destination)}, ${etaText(next)}.` : '';
      if (this.summary.textContent !== summary) this.summary.textContent = summary;
      const seconds = (Date.now() - this.receivedAt) / 1000;
      this.updated.textContent = `updated ${ageText(seconds)} ago`;
    }
    this.renderNotice();
  }

  /** @param {ScheduledDeparture[]} departures soonest first */
  renderScheduled(departures) {
    byId('scheduled').hidden = departures.length === 0;
    byId('scheduled-list').replaceChildren(
      ...departures.map((d) =>
        el('li', { className: 'departure' }, [
          el('span', { className: 'line-badge', text: d.line, attrs: { 'aria-label': `Line ${d.line}` } }),
          el('span', { className: 'bus-dest', text: `to ${titleCase(d.destination)}` }),
          el('span', { className: 'departure-at', text: `departs ${clockText(d.departureAt)}` }),
          ...(d.arrivalAt
            ? [el('span', { className: 'departure-arrives', text: `here ~${clockText(d.arrivalAt)}` })]
            : []),
        ]),
      ),
    );
  }

  renderNotice() {
    const { text, kind } = trackingNotice({
      tracking: this.tracking,
      data: this.data,
      buses: this.visible,
      sinceEventS: (Date.now() - this.receivedAt) / 1000,
      warning: this.warning,
    });
    this.setNotice(text, kind);
  }

  /** @param {string} text @param {'info' | 'warn' | 'ended' | 'error'} kind */
  setNotice(text, kind) {
    this.notice.hidden = !text;
    this.notice.dataset.kind = kind;
    if (this.notice.textContent !== text) this.notice.textContent = text;
  }

  async stopTracking() {
    const tracking = /** @type {Tracking} */ (this.tracking);
    this.stopButton.disabled = true;
    try {
      this.end(await postJson(`/api/trackings/${tracking.id}/stop`));
      // The Stop button is gone: the rider lands on what to do next.
      this.againButton.focus();
    } catch (error) {
      this.setNotice(/** @type {Error} */ (error).message, 'error');
    } finally {
      this.stopButton.disabled = false;
    }
  }

  async trackAgain() {
    const { stopId, lines, variantIds } = /** @type {Tracking} */ (this.tracking);
    try {
      this.hooks.onStarted(
        await postJson('/api/trackings', { stopId, lines, variantIds }),
        /** @type {StopDetail} */ (this.stop),
      );
    } catch (error) {
      this.setNotice(/** @type {Error} */ (error).message, 'error');
    }
  }
}

/* global EventSource, setTimeout, clearTimeout */
// The tracking's Server-Sent Events stream. EventSource reconnects by itself after a network drop;
// when a server answers with an error instead (a proxy while the app restarts), it gives up, so
// this tries again itself, unless the tracking is gone.
import { ApiError, getJson } from './api.mjs';

/** @typedef {import('./types').BusList} BusList */
/** @typedef {import('./types').Tracking} Tracking */
/** @typedef {'connecting' | 'live' | 'reconnecting' | 'ended' | 'gone'} StreamState */

const RETRY_MS = 3_000;

export class LiveStream {
  /**
   * @param {string} trackingId
   * @param {{ list: (list: BusList) => void, ended: (tracking: Tracking) => void, state: (state: StreamState) => void }} on
   */
  constructor(trackingId, on) {
    this.trackingId = trackingId;
    this.on = on;
    this.closed = false;
    /** @type {EventSource | null} */
    this.source = null;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.retry = undefined;
    this.connect();
  }

  connect() {
    this.on.state('connecting');
    const source = new EventSource(`/api/trackings/${encodeURIComponent(this.trackingId)}/events`);
    this.source = source;
    source.addEventListener('open', () => this.on.state('live'));
    source.addEventListener('buses', (event) => {
      this.on.state('live');
      this.on.list(parseData(event));
    });
    source.addEventListener('status', (event) => {
      /** @type {Tracking} */
      const tracking = parseData(event);
      if (tracking.status === 'active') return;
      this.close();
      this.on.state('ended');
      this.on.ended(tracking);
    });
    source.addEventListener('error', () => {
      if (this.closed || source.readyState === EventSource.OPEN) return;
      this.on.state('reconnecting');
      if (source.readyState === EventSource.CLOSED) void this.retryLater(source);
    });
  }

  /** @param {EventSource} source */
  async retryLater(source) {
    source.close();
    try {
      await getJson(`/api/trackings/${encodeURIComponent(this.trackingId)}`);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        this.close();
        return this.on.state('gone');
      }
    }
    if (!this.closed) this.retry = setTimeout(() => this.connect(), RETRY_MS);
  }

  close() {
    this.closed = true;
    clearTimeout(this.retry);
    this.source?.close();
  }
}

/**
 * @template T
 * @param {Event} event
 * @returns {T}
 */
function parseData(event) {
  /** @type {unknown} */
  const data = JSON.parse(/** @type {MessageEvent<string>} */ (event).data);
  return /** @type {T} */ (data);
}

// The one sentence above the list that says which state the tracking is in. Pure, so the browser
// test can check each state directly.
import { ageText, clockText } from './format.mjs';

/** @typedef {import('./types').Bus} Bus */
/** @typedef {import('./types').BusList} BusList */
/** @typedef {import('./types').Tracking} Tracking */
/** @typedef {{ text: string, kind: 'info' | 'warn' | 'ended' }} Notice */

/** As the server flags a bus: a fix older than this is stale. */
export const STALE_AFTER_S = 90;

/**
 * @param {{ tracking: Tracking | null, data: BusList | null, buses: Bus[], sinceEventS: number, warning?: string }} state
 *   `buses`: those shown; `sinceEventS`: seconds since the last event arrived
 * @returns {Notice} an empty text when the list speaks for itself
 */
export function trackingNotice({ tracking, data, buses, sinceEventS, warning = '' }) {
  if (tracking && tracking.status !== 'active') {
    const why = tracking.stopReason ?? tracking.status;
    const text = {
      stopped: `Tracking stopped (${why}).`,
      expired: `Tracking expired: ${why}.`,
      failed: `Tracking failed: ${why}.`,
    }[tracking.status];
    return { text: `${text} Start again to see buses.`, kind: 'ended' };
  }
  if (!data) return { text: warning || 'Connecting to the live feed…', kind: warning ? 'warn' : 'info' };
  const upstream = data.upstream;
  if (upstream && upstream.state !== 'ok') {
    const since = upstream.since ? ` since ${clockText(upstream.since)}` : '';
    const what = upstream.state === 'unavailable' ? 'unavailable' : 'late';
    return { text: `Live data from the city is ${what}${since} — retrying.`, kind: 'warn' };
  }
  if (!data.lastSuccessAt) return { text: 'Calculating: waiting for the first bus positions…', kind: 'info' };
  if (!buses.length) {
    const lines = tracking?.lines.join(', ') ?? '';
    return {
      text: `No buses yet: no bus of line ${lines} is coming to this stop right now. We keep looking.`,
      kind: 'info',
    };
  }
  const freshest = Math.min(...buses.map((b) => b.dataAgeSeconds)) + sinceEventS;
  if (freshest > STALE_AFTER_S) {
    return { text: `Stale data: the newest bus position is ${ageText(freshest)} old. We keep trying.`, kind: 'warn' };
  }
  if (buses.every((b) => b.status === 'calculating')) {
    return { text: 'Calculating arrival times: a bus needs a few positions before we can tell.', kind: 'info' };
  }
  return { text: '', kind: 'info' };
}

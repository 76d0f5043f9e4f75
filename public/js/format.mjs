// Pure text helpers of the page: no DOM, no network (checked in the browser test).

/** @typedef {import('./types').Bus} Bus */
/** @typedef {import('./types').Stop} Stop */

/** @type {Record<import('./types').BusStatus, string>} */
export const STATUS_LABELS = {
  arriving: 'arriving',
  very_close: 'very close',
  approaching: 'approaching',
  on_the_way: 'on the way',
  passed: 'passed',
  calculating: 'calculating',
  at_terminus: 'at terminus',
  not_coming: 'not coming',
};

/**
 * What a rider reads first: "arriving", "1 min", "12 min"; "–" while the ETA is being worked out.
 * @param {Pick<Bus, 'status' | 'etaSeconds'>} bus
 */
export function etaText(bus) {
  if (bus.status === 'passed') return 'passed';
  if (bus.status === 'not_coming') return 'not coming';
  if (bus.status === 'arriving') return 'arriving';
  if (bus.etaSeconds === null) return '–';
  if (bus.etaSeconds < 30) return 'arriving';
  return `${Math.max(1, Math.round(bus.etaSeconds / 60))} min`;
}

/**
 * The small word beside a row, only where the ETA does not already say it (one vocabulary: never
 * "very close" beside "arriving"): stale data, still calculating, waiting at the terminus.
 * @param {Pick<Bus, 'status' | 'etaSeconds' | 'stale'>} bus
 * @returns {{ kind: string, text: string } | null}
 */
export function statusBadge(bus) {
  if (bus.stale) return { kind: 'stale', text: 'stale data' };
  if (bus.status === 'at_terminus') return { kind: 'at_terminus', text: 'at terminus' };
  if (bus.status === 'calculating' || etaText(bus) === '–') return { kind: 'calculating', text: 'calculating' };
  return null;
}

const CLOCK = new Intl.DateTimeFormat('en-GB', {
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: 'America/Montevideo',
});

/**
 * A time of day as a rider in Montevideo reads it ("12:03"), whatever the device's own time zone.
 * @param {string | number | Date} instant
 */
export function clockText(instant) {
  return CLOCK.format(new Date(instant));
}

/** @param {number} meters */
export function distanceText(meters) {
  if (meters < 1000) return `${Math.round(meters / 10) * 10} m`;
  return `${(meters / 1000).toFixed(meters < 10_000 ? 1 : 0)} km`;
}

/** @param {number} seconds */
export function ageText(seconds) {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}

const SMALL_WORDS = new Set(['de', 'del', 'la', 'las', 'los', 'el', 'y', 'e', 'en']);

/**
 * The catalogue writes streets in capitals ("AV 8 DE OCTUBRE"); people read "Av 8 de Octubre".
 * @param {string | null} text
 */
export function titleCase(text) {
  if (!text) return '';
  return text
    .toLowerCase()
    .split(/\s+/)
    .map((word, i) => (i > 0 && SMALL_WORDS.has(word) ? word : word.charAt(0).toUpperCase() + word.slice(1)))
    .join(' ');
}

/** @param {Pick<Stop, 'street1' | 'street2'>} stop */
export function stopName(stop) {
  const streets = [stop.street1, stop.street2].filter(Boolean).map(titleCase);
  return streets.length ? streets.join(' y ') : 'Unnamed stop';
}

/** @param {number} count @param {string} one @param {string} many */
export function plural(count, one, many) {
  return `${count} ${count === 1 ? one : many}`;
}

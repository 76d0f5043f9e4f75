// The route strip: the stops of a line variant before the rider's stop, with its buses placed on
// them, so a rider sees at a glance how far each bus is. Geometry here is pure (tested in the
// browser test); drawing is plain SVG.
import { svg } from './dom.mjs';
import { titleCase } from './format.mjs';

/** @typedef {import('./types').Bus} Bus */
/** @typedef {import('./types').RouteStop} RouteStop */
/** @typedef {{ bus: Bus, index: number, offMeters: number }} PlacedBus */

/** Stops drawn at least before the rider's stop, and at most (farther buses wait at the left edge). */
const MIN_STOPS = 6;
const MAX_STOPS = 24;
/** The buses the strip is sized for; a rider waits for one of the next few, not the tenth. */
const NEAREST_BUSES = 3;

/**
 * Where a bus is along the route, as a fractional stop index (2.5: halfway from the 3rd to the 4th
 * stop), found by projecting its position on the segments between consecutive stops up to `until`.
 * Local flat coordinates are fine at city scale.
 * @param {Pick<RouteStop, 'latitude' | 'longitude'>[]} stops
 * @param {[number, number]} location [longitude, latitude]
 * @param {number} until index of the rider's stop
 * @returns {{ index: number, offMeters: number }}
 */
export function positionOnRoute(stops, location, until) {
  const kx = 111_320 * Math.cos((stops[until].latitude * Math.PI) / 180);
  const ky = 110_540;
  const [px, py] = [location[0] * kx, location[1] * ky];
  let best = { index: until, offMeters: Math.hypot(stops[until].longitude * kx - px, stops[until].latitude * ky - py) };
  for (let i = 0; i < until; i++) {
    const [ax, ay] = [stops[i].longitude * kx, stops[i].latitude * ky];
    const [dx, dy] = [stops[i + 1].longitude * kx - ax, stops[i + 1].latitude * ky - ay];
    const length2 = dx * dx + dy * dy;
    const t = length2 ? Math.min(1, Math.max(0, ((px - ax) * dx + (py - ay) * dy) / length2)) : 0;
    const off = Math.hypot(ax + t * dx - px, ay + t * dy - py);
    if (off < best.offMeters) best = { index: i + t, offMeters: off };
  }
  return best;
}

/**
 * Stops the bus still has to reach, the rider's counting: 1 when the rider's stop is its next one,
 * 0 when it is there.
 * @param {number} index fractional position from positionOnRoute
 * @param {number} until index of the rider's stop
 */
export function stopsAway(index, until) {
  return index >= until ? 0 : until - Math.floor(index);
}

/**
 * The stretch to draw: the rider's stop and at least MIN_STOPS before it, back to the farthest of
 * the nearest NEAREST_BUSES buses, at most MAX_STOPS; buses farther back wait at its left edge.
 * @param {number} until @param {number[]} indexes
 * @returns {number} index of the first stop drawn
 */
export function windowStart(until, indexes) {
  const nearest = [...indexes].sort((a, b) => b - a).slice(0, NEAREST_BUSES);
  const farthest = nearest.length ? Math.floor(Math.min(...nearest)) : until;
  return Math.max(0, until - MAX_STOPS, Math.min(until - MIN_STOPS, farthest - 1));
}

const WIDTH = 340;
const LEFT = 16;
const RIGHT = 26;
const BASE_Y = 62;

/**
 * @param {{ line: string, destination: string, stops: RouteStop[], until: number, buses: PlacedBus[] }} strip
 * @returns {SVGElement}
 */
export function drawRouteStrip({ line, destination, stops, until, buses }) {
  const start = windowStart(
    until,
    buses.map((b) => b.index),
  );
  const span = Math.max(1, until - start);
  const x = (/** @type {number} */ index) => LEFT + ((Math.max(index, start) - start) / span) * (WIDTH - LEFT - RIGHT);
  const title = `Line ${line} towards ${titleCase(destination)}: ${
    buses.length
      ? buses.map((b) => `a bus ${stopsAwayText(stopsAway(b.index, until))}`).join(', ')
      : 'no bus on this stretch'
  }.`;
  const nodes = [
    svg('title', {}, [title]),
    svg('line', { x1: x(start), y1: BASE_Y, x2: x(until), y2: BASE_Y, class: 'strip-route' }),
  ];
  for (let i = start; i < until; i++) {
    nodes.push(
      svg('circle', { cx: x(i), cy: BASE_Y, r: 3.5, class: 'strip-stop' }, [svg('title', {}, [streets(stops[i])])]),
    );
  }
  nodes.push(svg('circle', { cx: x(until), cy: BASE_Y, r: 8, class: 'strip-mine' }));
  nodes.push(svg('text', { x: x(until), y: BASE_Y + 24, class: 'strip-label', 'text-anchor': 'end' }, ['your stop']));
  nodes.push(
    svg('text', { x: x(start), y: BASE_Y + 24, class: 'strip-label', 'text-anchor': 'start' }, [
      `${until - start} stops before`,
    ]),
  );
  const beyond = buses.filter((b) => b.index < start);
  if (beyond.length) {
    nodes.push(
      svg('g', { class: 'strip-bus strip-more' }, [
        svg('title', {}, [`${beyond.length} more farther back`]),
        svg('rect', { x: x(start) - 4, y: 24, width: 30, height: 17, rx: 4 }),
        svg('text', { x: x(start) + 11, y: 36.5, 'text-anchor': 'middle' }, [`+${beyond.length}`]),
      ]),
    );
  }
  // Buses drawn from the farthest, with close ones lifted a row so their labels stay readable.
  let lastX = beyond.length ? x(start) + 11 : -Infinity;
  let lifted = false;
  for (const placed of buses.filter((b) => b.index >= start).sort((a, b) => a.index - b.index)) {
    const bx = x(placed.index);
    lifted = bx - lastX < 30 ? !lifted : false;
    lastX = bx;
    const top = lifted ? 4 : 24;
    nodes.push(
      svg('g', { class: `strip-bus${placed.bus.stale ? ' is-stale' : ''}` }, [
        svg('line', { x1: bx, y1: top + 16, x2: bx, y2: BASE_Y - 5, class: 'strip-stem' }),
        svg('rect', { x: bx - 15, y: top, width: 30, height: 17, rx: 4 }),
        svg('text', { x: bx, y: top + 12.5, 'text-anchor': 'middle' }, [placed.bus.line]),
        svg('circle', { cx: bx, cy: BASE_Y, r: 5 }),
      ]),
    );
  }
  return svg(
    'svg',
    { viewBox: `0 0 ${WIDTH} ${BASE_Y + 32}`, role: 'img', class: 'strip-svg', 'aria-label': title },
    nodes,
  );
}

/** @param {number} count */
export function stopsAwayText(count) {
  return count === 0 ? 'at your stop' : count === 1 ? '1 stop away' : `${count} stops away`;
}

/** @param {RouteStop} stop */
function streets(stop) {
  return [stop.street1, stop.street2].filter(Boolean).map(titleCase).join(' y ') || `stop ${stop.id}`;
}

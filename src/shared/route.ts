import { segmentsNear } from './route-index';

// Module-level aliases: under jest's vm sandbox a global `Math.` lookup costs more than the arithmetic.
const {
  PI: math_PI,
  asin: math_asin,
  cos: math_cos,
  hypot: math_hypot,
  max: math_max,
  min: math_min,
  sin: math_sin,
  sqrt: math_sqrt,
} = Math;

/**
 * Route geometry: a polyline measured in metres along the path — a variant's road geometry (the city's
 * own shape), or, where none is known, straight segments between its stops.
 */

/** [longitude, latitude], the order the STM API uses. */
export type LonLat = [number, number];

export const EARTH_RADIUS_M = 6_371_000;
const RAD = math_PI / 180;
/** Metres per degree of latitude on the sphere above. */
export const METERS_PER_DEGREE = EARTH_RADIUS_M * RAD;

export function haversineMeters(a: LonLat, b: LonLat): number {
  const dLat = (b[1] - a[1]) * RAD;
  const dLon = (b[0] - a[0]) * RAD;
  const h = math_sin(dLat / 2) ** 2 + math_cos(a[1] * RAD) * math_cos(b[1] * RAD) * math_sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * math_asin(math_min(1, math_sqrt(h)));
}

export interface Route {
  points: LonLat[];
  /** cumulative[i] = metres along the path from points[0] to points[i]; cumulative[0] = 0. */
  cumulative: number[];
  length: number;
}

export function buildRoute(points: LonLat[]): Route {
  if (points.length < 2) throw new Error(`a route needs at least 2 points, got ${points.length}`);
  const cumulative = [0];
  for (let i = 1; i < points.length; i++) {
    cumulative.push(cumulative[i - 1] + haversineMeters(points[i - 1], points[i]));
  }
  return { points, cumulative, length: cumulative[cumulative.length - 1] };
}

/** Index of the segment (points[i] → points[i + 1]) containing the given distance; clamps to the ends. */
export function segmentIndexAt(route: Route, distance: number): number {
  const { cumulative } = route;
  let lo = 0;
  let hi = cumulative.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (cumulative[mid] <= distance) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The point `distance` metres along the route (clamped to its ends). */
export function pointAtDistance(route: Route, distance: number): LonLat {
  const d = math_min(math_max(distance, 0), route.length);
  const i = segmentIndexAt(route, d);
  const [a, b] = [route.points[i], route.points[i + 1]];
  const segment = route.cumulative[i + 1] - route.cumulative[i];
  const f = segment > 0 ? (d - route.cumulative[i]) / segment : 0;
  // Linear interpolation in degrees is exact enough over a few hundred metres.
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f];
}

/**
 * The stretch of the route from `from` to `to` metres along it, as a route of its own (measured from 0 at
 * `from`). Null when the stretch is shorter than a metre.
 */
export function subRoute(route: Route, from: number, to: number): Route | null {
  const start = math_min(math_max(from, 0), route.length);
  const end = math_min(math_max(to, 0), route.length);
  if (end - start < 1) return null;
  const points: LonLat[] = [pointAtDistance(route, start)];
  for (let i = 0; i < route.points.length; i++) {
    if (route.cumulative[i] > start + 0.01 && route.cumulative[i] < end - 0.01) points.push(route.points[i]);
  }
  points.push(pointAtDistance(route, end));
  return buildRoute(points);
}

export interface RouteProjection {
  /** Metres from the point to the nearest point of the route. */
  distanceToRoute: number;
  /** Metres along the route of that nearest point. */
  along: number;
}

/**
 * Nearest point of the route to `point`, searching segments from `fromDistance` on (so that a route
 * passing the same corner twice resolves to the later pass when the caller knows it is past the first).
 * Uses a local equirectangular projection per segment, accurate to centimetres at city scale.
 */
export function projectOntoRoute(route: Route, point: LonLat, fromDistance = 0): RouteProjection {
  let best: RouteProjection = { distanceToRoute: Infinity, along: 0 };
  for (let i = segmentIndexAt(route, fromDistance); i < route.points.length - 1; i++) {
    const projection = projectOntoSegment(route, i, point);
    if (projection.distanceToRoute < best.distanceToRoute) {
      best = { distanceToRoute: projection.distanceToRoute, along: math_max(fromDistance, projection.along) };
    }
  }
  return best;
}

/** Metres along the route of each stop, in order; each stop is searched for after the previous one. */
export function stopOffsets(route: Route, stops: LonLat[]): number[] {
  const offsets: number[] = [];
  let from = 0;
  for (const stop of stops) {
    from = projectOntoRoute(route, stop, from).along;
    offsets.push(from);
  }
  return offsets;
}

/** Two stretches of route closer to a point than this apart in distance are equally plausible for it... */
const AMBIGUOUS_WITHIN_M = 30;
/** ...when they lie at least this far apart along the route; nearer than that they are one place. */
const SEPARATE_PASSES_M = 100;

/**
 * Nearest point of the route to `point`, for a route that may pass the same place twice (out and back on
 * one avenue, a loop). Each pass near the point (a stretch nearer than any other within SEPARATE_PASSES_M
 * along the route) that is about as near as the nearest one is a candidate; the one chosen is the nearest
 * along the route to `hint` (where the caller last knew the bus to be; a candidate behind it counts four
 * times its distance), or, with no hint, the earliest: a bus first seen where the route doubles back is
 * taken to be on its first pass until its movement says otherwise.
 */
export function projectNearHint(route: Route, point: LonLat, hint?: number): RouteProjection {
  // A bus moves a few hundred metres between fixes: near a hint, only that stretch of route is searched,
  // unless the point is nowhere near it (then the whole route is).
  if (hint !== undefined) {
    const near = projectWithin(route, point, hint, hint - HINT_BEHIND_M, hint + HINT_AHEAD_M);
    if (near.distanceToRoute <= HINT_REACH_M) return near;
  }
  return projectWithin(route, point, hint, 0, route.length);
}

/** The stretch searched around a hint, and how near the point must be to it for that search to do. */
const HINT_BEHIND_M = 300;
const HINT_AHEAD_M = 1_200;
const HINT_REACH_M = 250;

/** A search over more segments than this reads the route's grid instead of every segment in range. */
const SCAN_LIMIT = 64;
/**
 * How far around the point the grid is read. Every pass that can be chosen lies within AMBIGUOUS_WITHIN_M
 * of the nearest one, so the answer is exact whenever the nearest is within GRID_REACH_M minus that;
 * a point farther from the route than that (a detour, a bad fix) is searched the slow way.
 */
const GRID_REACH_M = 300;

function projectWithin(
  route: Route,
  point: LonLat,
  hint: number | undefined,
  from: number,
  to: number,
): RouteProjection {
  const first = segmentIndexAt(route, math_max(0, from));
  const last = math_min(route.points.length - 2, segmentIndexAt(route, math_max(0, to)));
  let projections: RouteProjection[] | undefined;
  let nearest = Infinity;
  if (last - first > SCAN_LIMIT) {
    const near = segmentsNear(route, point, GRID_REACH_M)?.filter((i) => i >= first && i <= last);
    if (near) {
      projections = near.map((i) => projectOntoSegment(route, i, point));
      for (const p of projections) nearest = math_min(nearest, p.distanceToRoute);
      if (nearest + AMBIGUOUS_WITHIN_M > GRID_REACH_M) projections = undefined;
    }
  }
  if (!projections) {
    projections = [];
    nearest = Infinity;
    for (let i = first; i <= last; i++) {
      const projection = projectOntoSegment(route, i, point);
      nearest = math_min(nearest, projection.distanceToRoute);
      projections.push(projection);
    }
  }
  let best: RouteProjection | undefined;
  for (let k = 0; k < projections.length; k++) {
    const candidate = projections[k];
    if (candidate.distanceToRoute > nearest + AMBIGUOUS_WITHIN_M || !isPass(projections, k)) continue;
    const better =
      best === undefined ||
      (hint === undefined ? candidate.along < best.along : awayFrom(hint, candidate) < awayFrom(hint, best));
    if (better) best = candidate;
  }
  return best ?? { distanceToRoute: Infinity, along: 0 };
}

/**
 * No other projection within SEPARATE_PASSES_M along the route is nearer to the point. Projections are in
 * route order (their along never decreases), so only the neighbours within that distance are looked at.
 */
function isPass(projections: readonly RouteProjection[], k: number): boolean {
  const p = projections[k];
  for (let j = k - 1; j >= 0 && p.along - projections[j].along < SEPARATE_PASSES_M; j--) {
    if (projections[j].distanceToRoute < p.distanceToRoute) return false;
  }
  for (let j = k + 1; j < projections.length && projections[j].along - p.along < SEPARATE_PASSES_M; j++) {
    if (projections[j].distanceToRoute < p.distanceToRoute) return false;
  }
  return true;
}

/** How far a projection is from the hint, a step back counting four times a step on: buses do not reverse. */
function awayFrom(hint: number, projection: RouteProjection): number {
  return projection.along >= hint ? projection.along - hint : 4 * (hint - projection.along);
}

/** Nearest point of segment i (points[i] → points[i + 1]) to `point`. */
export function projectOntoSegment(route: Route, i: number, point: LonLat): RouteProjection {
  const [a, b] = [route.points[i], route.points[i + 1]];
  const kx = math_cos(a[1] * RAD) * METERS_PER_DEGREE;
  const bx = (b[0] - a[0]) * kx;
  const by = (b[1] - a[1]) * METERS_PER_DEGREE;
  const px = (point[0] - a[0]) * kx;
  const py = (point[1] - a[1]) * METERS_PER_DEGREE;
  const len2 = bx * bx + by * by;
  const f = len2 > 0 ? math_min(1, math_max(0, (px * bx + py * by) / len2)) : 0;
  const segment = route.cumulative[i + 1] - route.cumulative[i];
  return { distanceToRoute: math_hypot(px - f * bx, py - f * by), along: route.cumulative[i] + f * segment };
}

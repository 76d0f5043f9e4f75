import { projectOntoSegment, type LonLat, type Route, type RouteProjection } from '../../shared/route';
import { segmentsNear } from '../../shared/route-index';

/**
 * Stops placed on a road geometry: where along it each one is. A stop stands at the kerb, a few metres
 * from the line the city drew; on an avenue driven out and back, or a loop, it lies near the route more
 * than once, and the pass that counts is the one that keeps the stops in their order along the route.
 */

/** Stops farther than this from the geometry are not on it (the city's own lists: median 4.9 m, max 68 m). */
export const ON_ROUTE_M = 80;
/** Two stretches of the route nearer to a stop than ON_ROUTE_M are separate passes when this far apart. */
const SEPARATE_PASSES_M = 100;

/** Every pass of the route near the point (within `maxDistance`), the nearest spot of each, in route order. */
export function passesNear(route: Route, point: LonLat, maxDistance: number): RouteProjection[] {
  const indexes = segmentsNear(route, point, maxDistance) ?? allSegments(route);
  const passes: RouteProjection[] = [];
  let current: RouteProjection | undefined;
  let lastAlong = -Infinity;
  for (const i of indexes) {
    const p = projectOntoSegment(route, i, point);
    if (p.distanceToRoute > maxDistance) continue;
    if (current && p.along - lastAlong < SEPARATE_PASSES_M) {
      if (p.distanceToRoute < current.distanceToRoute) current = { ...p };
    } else {
      if (current) passes.push(current);
      current = { ...p };
    }
    lastAlong = p.along;
  }
  if (current) passes.push(current);
  return passes;
}

function allSegments(route: Route): number[] {
  return Array.from({ length: route.points.length - 1 }, (_, i) => i);
}

export interface PlacedStops {
  /** Indexes, into the stops given, of those placed; ascending. */
  placed: number[];
  /** Metres along the route of each placed stop; never decreasing. */
  offsets: number[];
  /** Metres from each placed stop to the route. */
  distances: number[];
}

/**
 * Places the stops on the route in their order: each at one of its passes, never behind the stop before
 * it, the passes chosen so that the stops lie as near to the route as they can in total. A stop may be
 * left out at a cost of `skipCost` metres (Infinity: none may be; then null when some stop is not on the
 * route or they cannot be placed in order). Stops are a few dozen per route, passes one to three per stop:
 * the search over every choice is cheap.
 */
export function placeStops(
  route: Route,
  stops: readonly LonLat[],
  options: { maxDistance?: number; skipCost?: number } = {},
): PlacedStops | null {
  const maxDistance = options.maxDistance ?? ON_ROUTE_M;
  const skipCost = options.skipCost ?? Infinity;
  // Infinity × 0 is NaN: leaving out no stop costs nothing, whatever a skip costs.
  const skip = (n: number): number => (n === 0 ? 0 : n * skipCost);
  const candidates = stops.map((s) => passesNear(route, s, maxDistance));
  if (skipCost === Infinity && candidates.some((c) => c.length === 0)) return null;
  // best[i][j]: least cost of an ordering that places stop i at its pass j, counting the stops before it.
  const best: number[][] = [];
  const from: ([number, number] | null)[][] = [];
  for (let i = 0; i < stops.length; i++) {
    best.push([]);
    from.push([]);
    for (const pass of candidates[i]) {
      let cost = skip(i);
      let link: [number, number] | null = null;
      for (let k = i - 1; k >= 0; k--) {
        const skipped = skip(i - k - 1);
        if (skipped === Infinity) break;
        candidates[k].forEach((earlier, j) => {
          const total = best[k][j] + skipped;
          if (earlier.along <= pass.along && total < cost) [cost, link] = [total, [k, j]];
        });
      }
      best[i].push(cost + pass.distanceToRoute);
      from[i].push(link);
    }
  }
  let end: [number, number] | null = null;
  let endCost = skip(stops.length);
  for (let i = 0; i < stops.length; i++) {
    best[i].forEach((cost, j) => {
      const total = cost + skip(stops.length - 1 - i);
      if (total < endCost) [endCost, end] = [total, [i, j]];
    });
  }
  if (endCost === Infinity || (end === null && stops.length > 0)) return null;
  const placed: PlacedStops = { placed: [], offsets: [], distances: [] };
  for (let at: [number, number] | null = end; at; at = from[at[0]][at[1]]) {
    const pass = candidates[at[0]][at[1]];
    placed.placed.unshift(at[0]);
    placed.offsets.unshift(pass.along);
    placed.distances.unshift(pass.distanceToRoute);
  }
  return placed;
}

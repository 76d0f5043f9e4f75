import { METERS_PER_DEGREE, pointAtDistance, segmentIndexAt, type LonLat, type Route } from '../shared/route';

// Module-level aliases: under jest's vm sandbox a global `Math.` lookup costs more than the arithmetic.
const { PI: math_PI, cos: math_cos, hypot: math_hypot, min: math_min } = Math;

/**
 * A trip that leaves its route for a while (roadworks, a blocked street) and comes back: between `from`
 * and `to` metres along the route the bus drives a parallel street `offsetM` to one side (negative: the
 * other), easing out and back over RAMP_M. It serves none of the stops it bypasses.
 */
export interface Detour {
  from: number;
  to: number;
  offsetM: number;
}

const RAMP_M = 80;
const RAD = math_PI / 180;

/** How far off the route the bus is at `along` (0 outside the detour). */
export function detourOffset(detour: Detour, along: number): number {
  if (along <= detour.from || along >= detour.to) return 0;
  const ease = math_min(1, (along - detour.from) / RAMP_M, (detour.to - along) / RAMP_M);
  return detour.offsetM * ease;
}

/** The point `along` metres along the route, moved `offset` metres to its left (a right-hand normal if negative). */
export function pointOffRoute(route: Route, along: number, offset: number): LonLat {
  const [lon, lat] = pointAtDistance(route, along);
  if (offset === 0) return [lon, lat];
  const i = segmentIndexAt(route, along);
  const [a, b] = [route.points[i], route.points[i + 1]];
  const kx = math_cos(lat * RAD) * METERS_PER_DEGREE;
  const dx = (b[0] - a[0]) * kx;
  const dy = (b[1] - a[1]) * METERS_PER_DEGREE;
  const len = math_hypot(dx, dy) || 1;
  return [lon + (-dy / len) * (offset / kx), lat + (dx / len) * (offset / METERS_PER_DEGREE)];
}

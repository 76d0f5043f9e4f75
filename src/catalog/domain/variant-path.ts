import { buildRoute, type Route } from '../../shared/route';

/**
 * Where a variant's route comes from:
 * - `shape`: its own road geometry (the city's), with its own stops placed on it;
 * - `stand-in-stops`: its own road geometry, which has no stop list: the stops of the same line and
 *   direction that lie on it stand in;
 * - `sibling-shape`: it has no geometry of its own; a variant of the same line and destination has one,
 *   and its stops (its own where known, checked to lie on it) are placed on that;
 * - `stop-sequence`: straight segments between its stops (no road geometry; kept for tools and tests).
 */
export type RouteSource = 'shape' | 'stand-in-stops' | 'sibling-shape' | 'stop-sequence';

/** A variant's path: the road it drives, and the stops it serves placed along it, in route order. */
export interface VariantPath {
  variantId: number;
  /** From the first stop it serves to the last: 0 m is the first stop, route.length the last. */
  route: Route;
  stopIds: number[];
  /** Metres along the route of each stop (their projections onto it); never decreasing. */
  offsets: number[];
  source: RouteSource;
  /** The variant whose road geometry this is (itself, except for `sibling-shape`). */
  shapeVariantId: number;
}

export interface PathStop {
  id: number;
  latitude: number;
  longitude: number;
}

/** The straight-segment path through a variant's stops; null under two stops. */
export function buildVariantPath(variantId: number, stops: readonly PathStop[]): VariantPath | null {
  if (stops.length < 2) return null;
  const route = buildRoute(stops.map((s) => [s.longitude, s.latitude]));
  return {
    variantId,
    route,
    stopIds: stops.map((s) => s.id),
    offsets: route.cumulative,
    source: 'stop-sequence',
    shapeVariantId: variantId,
  };
}

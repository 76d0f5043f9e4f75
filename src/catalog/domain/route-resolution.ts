import { buildRoute, subRoute, type LonLat, type Route } from '../../shared/route';
import { ON_ROUTE_M, passesNear, placeStops } from './stop-placement';
import type { VariantPath } from './variant-path';

// Module-level aliases: under jest's vm sandbox a global `Math.` lookup costs more than the arithmetic.
const { max: math_max, min: math_min } = Math;

/**
 * Which route each variant has (SPEC §3.1): its own road geometry with its own stops; its own geometry
 * with the stops of its line and direction that lie on it; a sibling's geometry (same line and
 * destination); or none, and the tracker falls back to the straight line. One function, used by the
 * catalogue for the tracker and the API, and by the simulator for the roads its buses drive.
 */

export interface NetworkVariant {
  id: number;
  line: string;
  origin: string;
  destination: string;
  subline?: string;
}

/** What the resolution reads; the catalogue gives it from the database, the simulator from the shipped files. */
export interface NetworkData {
  variants: readonly NetworkVariant[];
  shapeOf(variantId: number): readonly LonLat[] | undefined;
  /** The variant's own stop list, in order. */
  stopsOf(variantId: number): readonly number[] | undefined;
  stopAt(stopId: number): LonLat | undefined;
}

/** A stand-in stop lies this near the geometry: a stop across the street, of the other direction, is farther. */
const STAND_IN_M = 30;
/**
 * A sibling runs in the same direction when, of its stops near the geometry, at least this share fall in
 * order along it (those of the other direction come in reverse order), and at least MIN_STAND_INS of them.
 */
const SAME_DIRECTION_SHARE = 0.6;
const MIN_STAND_INS = 3;
/** One stop listed by two siblings at about the same place along the geometry is one stand-in. */
const SAME_PLACE_M = 100;

const key = (text: string | undefined): string => (text ?? '').trim().toUpperCase();

/** The paths of the variants of the given lines (every line when absent), by variant id. */
export function resolveVariantPaths(data: NetworkData, lines?: Iterable<string>): Map<number, VariantPath> {
  const wanted = lines ? new Set([...lines].map(key)) : undefined;
  const byLine = new Map<string, NetworkVariant[]>();
  for (const v of data.variants) {
    if (wanted && !wanted.has(key(v.line))) continue;
    byLine.set(key(v.line), [...(byLine.get(key(v.line)) ?? []), v]);
  }
  const paths = new Map<number, VariantPath>();
  for (const variants of byLine.values()) {
    for (const path of resolveLine(data, variants)) paths.set(path.variantId, path);
  }
  return paths;
}

interface Shaped {
  variant: NetworkVariant;
  /** The whole geometry, before it is cut to the stops. */
  shape: Route;
  path: VariantPath | null;
}

function resolveLine(data: NetworkData, variants: readonly NetworkVariant[]): VariantPath[] {
  const ownStops = new Map(variants.map((v) => [v.id, knownStops(data, v.id)]));
  const shaped: Shaped[] = [];
  for (const variant of variants) {
    const points = data.shapeOf(variant.id);
    if (!points || points.length < 2) continue;
    const shape = buildRoute([...points]);
    shaped.push({ variant, shape, path: ownPath(variant.id, shape, ownStops.get(variant.id)!) });
  }
  for (const entry of shaped) {
    entry.path ??= standInPath(entry, variants, ownStops);
  }
  const paths = shaped.flatMap((s) => (s.path ? [s.path] : []));
  const withShape = new Set(shaped.map((s) => s.variant.id));
  for (const variant of variants) {
    if (withShape.has(variant.id)) continue;
    const path = siblingPath(variant, shaped, ownStops.get(variant.id)!);
    if (path) paths.push(path);
  }
  return paths;
}

/** The variant's stops that the catalogue places somewhere, in its order. */
function knownStops(data: NetworkData, variantId: number): { ids: number[]; points: LonLat[] } {
  const ids: number[] = [];
  const points: LonLat[] = [];
  for (const id of data.stopsOf(variantId) ?? []) {
    const at = data.stopAt(id);
    if (!at) continue; // a list can name a stop the catalogue lacks: the bus simply does not stop there
    ids.push(id);
    points.push(at);
  }
  return { ids, points };
}

/** Its own stops on its own geometry; a stop that does not fit (off the road, out of order) is left out. */
function ownPath(variantId: number, shape: Route, stops: { ids: number[]; points: LonLat[] }): VariantPath | null {
  if (stops.ids.length < 2) return null;
  const placed =
    placeStops(shape, stops.points) ??
    placeStops(shape, stops.points, { maxDistance: ON_ROUTE_M, skipCost: ON_ROUTE_M });
  if (!placed || placed.placed.length < 2) return null;
  return cut(
    variantId,
    'shape',
    variantId,
    shape,
    placed.placed.map((i) => stops.ids[i]),
    placed.offsets,
  );
}

/**
 * For a geometry without a stop list: the stops of the same line that lie on it, taken from each sibling
 * that runs the same way (most of its stops near the geometry fall in order along it).
 */
function standInPath(
  entry: Shaped,
  variants: readonly NetworkVariant[],
  ownStops: Map<number, { ids: number[]; points: LonLat[] }>,
): VariantPath | null {
  const found: { id: number; along: number }[] = [];
  for (const sibling of variants) {
    const stops = ownStops.get(sibling.id)!;
    if (sibling.id === entry.variant.id || stops.ids.length < 2) continue;
    const placed = placeStops(entry.shape, stops.points, { maxDistance: STAND_IN_M, skipCost: STAND_IN_M });
    if (!placed || placed.placed.length < MIN_STAND_INS) continue;
    const near = stops.points.filter((p) => passesNear(entry.shape, p, STAND_IN_M).length > 0).length;
    if (placed.placed.length < SAME_DIRECTION_SHARE * near) continue;
    placed.placed.forEach((i, k) => found.push({ id: stops.ids[i], along: placed.offsets[k] }));
  }
  found.sort((a, b) => a.along - b.along || a.id - b.id);
  const merged = found.filter(
    (s, i) => !found.slice(0, i).some((t) => t.id === s.id && s.along - t.along < SAME_PLACE_M),
  );
  if (merged.length < 2) return null;
  const { id } = entry.variant;
  return cut(
    id,
    'stand-in-stops',
    id,
    entry.shape,
    merged.map((s) => s.id),
    merged.map((s) => s.along),
  );
}

/**
 * A variant without geometry takes that of a sibling with the same destination: the one whose road its own
 * stops lie on (in order), or, when it has no stop list, the likeliest (same origin, same subline, longest).
 */
function siblingPath(
  variant: NetworkVariant,
  shaped: readonly Shaped[],
  stops: { ids: number[]; points: LonLat[] },
): VariantPath | null {
  const siblings = shaped
    .filter((s) => s.path && key(s.variant.destination) === key(variant.destination))
    .sort(
      (a, b) =>
        Number(key(b.variant.origin) === key(variant.origin)) - Number(key(a.variant.origin) === key(variant.origin)) ||
        Number(key(b.variant.subline) === key(variant.subline)) -
          Number(key(a.variant.subline) === key(variant.subline)) ||
        b.path!.route.length - a.path!.route.length ||
        a.variant.id - b.variant.id,
    );
  if (stops.ids.length >= 2) {
    for (const sibling of siblings) {
      const placed = placeStops(sibling.shape, stops.points);
      if (placed) return cut(variant.id, 'sibling-shape', sibling.variant.id, sibling.shape, stops.ids, placed.offsets);
    }
    return null;
  }
  const chosen = siblings[0]?.path;
  return chosen ? { ...chosen, variantId: variant.id, source: 'sibling-shape' } : null;
}

/** The geometry from the first stop to the last, the stops' offsets measured from the first. */
function cut(
  variantId: number,
  source: VariantPath['source'],
  shapeVariantId: number,
  shape: Route,
  stopIds: number[],
  offsets: number[],
): VariantPath | null {
  const from = offsets[0];
  const route = subRoute(shape, from, offsets[offsets.length - 1]);
  if (!route) return null;
  const rebased = offsets.map((o) => math_min(route.length, math_max(0, o - from)));
  return { variantId, route, stopIds, offsets: rebased, source, shapeVariantId };
}

import { loadMontevideoData } from '../../shared/montevideo-data';
import { buildRoute, haversineMeters, pointAtDistance, projectNearHint, type LonLat } from '../../shared/route';
import { resolveVariantPaths, type NetworkData } from './route-resolution';
import { passesNear, placeStops } from './stop-placement';

const data = loadMontevideoData();
const stopAt = new Map<number, LonLat>(data.stops.map((s) => [s.busstopId, s.location.coordinates]));
const network: NetworkData = {
  variants: data.variants.map((v) => ({
    id: v.lineVariantId,
    line: v.line,
    origin: v.origin,
    destination: v.destination,
    subline: v.subline,
  })),
  shapeOf: (id) => data.shapes[String(id)],
  stopsOf: (id) => data.variantStops[String(id)],
  stopAt: (id) => stopAt.get(id),
};
const lineOf = (id: number): string => data.variants.find((v) => v.lineVariantId === id)!.line;
const shape = (id: number) => buildRoute(data.shapes[String(id)]);
const points = (id: number): LonLat[] => data.variantStops[String(id)].map((s) => stopAt.get(s)!);

describe('placeStops on the city’s road geometry', () => {
  it('places every stop of a line in order, each on the road within metres of where it stands', () => {
    const route = shape(343); // line 103 to Plaza España
    const placed = placeStops(route, points(343))!;
    expect(placed.placed).toEqual(points(343).map((_, i) => i));
    for (let i = 1; i < placed.offsets.length; i++)
      expect(placed.offsets[i]).toBeGreaterThanOrEqual(placed.offsets[i - 1]);
    placed.offsets.forEach((offset, i) => {
      expect(haversineMeters(pointAtDistance(route, offset), points(343)[i])).toBeLessThan(80);
    });
    expect(Math.max(...placed.distances)).toBeLessThan(40);
  });

  it('on an out-and-back avenue, puts each stop on the pass of its direction, not the first one near it', () => {
    // Line L1 (2352) drives out and back along the same streets: a dozen of its stops lie near both passes.
    const route = shape(2352);
    const stops = points(2352);
    const placed = placeStops(route, stops)!;
    expect(placed.placed).toHaveLength(stops.length);
    for (let i = 1; i < placed.offsets.length; i++)
      expect(placed.offsets[i]).toBeGreaterThanOrEqual(placed.offsets[i - 1]);
    const twice = stops
      .map((s) => passesNear(route, s, 40))
      .filter((p) => p.length >= 2 && p[p.length - 1].along - p[0].along > 2000);
    expect(twice.length).toBeGreaterThanOrEqual(8);
    // Some of those stand on the way back: the first pass near them would be the wrong one.
    const onLaterPass = stops.filter((s, i) => {
      const passes = passesNear(route, s, 40);
      return passes.length >= 2 && placed.offsets[i] > passes[0].along + 1000;
    });
    expect(onLaterPass.length).toBeGreaterThan(0);
  });

  it('on a loop, places a stop served at the start and again at the end at both places', () => {
    // M-B (7376) runs from Plaza Independencia round the city and back to it.
    const route = shape(7376);
    const stops = [...points(7376), points(7376)[0]];
    const placed = placeStops(route, stops)!;
    expect(placed.placed).toHaveLength(stops.length);
    expect(placed.offsets[0]).toBeLessThan(300);
    expect(placed.offsets[placed.offsets.length - 1]).toBeGreaterThan(route.length - 300);
  });

  it('refuses stops that are not on the road, unless it may leave them out', () => {
    const route = shape(343);
    const far: LonLat = [-56.3, -34.8]; // out in the country
    expect(placeStops(route, [...points(343).slice(0, 5), far])).toBeNull();
    const skipping = placeStops(route, [...points(343).slice(0, 5), far], { skipCost: 80 })!;
    expect(skipping.placed).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('projectNearHint on a road driven out and back', () => {
  it('takes the pass nearest where the bus was, and the first pass when it has no history', () => {
    const route = shape(2352);
    const stop = points(2352).find((s) => {
      const p = passesNear(route, s, 40);
      return p.length >= 2 && p[p.length - 1].along - p[0].along > 2000;
    })!;
    const [first, , ...rest] = passesNear(route, stop, 40);
    const later = rest.length ? rest[rest.length - 1] : passesNear(route, stop, 40)[1];
    expect(Math.abs(projectNearHint(route, stop).along - first.along)).toBeLessThan(100);
    expect(Math.abs(projectNearHint(route, stop, later.along - 200).along - later.along)).toBeLessThan(100);
  });
});

describe('resolveVariantPaths', () => {
  it('gives a variant with its own shape and stops a path on its road, from its first stop to its last', () => {
    const path = resolveVariantPaths(network, ['103']).get(343)!;
    expect(path).toMatchObject({ source: 'shape', shapeVariantId: 343, stopIds: data.variantStops['343'] });
    expect(path.offsets[0]).toBe(0);
    expect(path.offsets[path.offsets.length - 1]).toBeCloseTo(path.route.length, 3);
    // The road is longer than the straight line between the stops, as the city's streets are.
    const straight = buildRoute(points(343)).length;
    expect(path.route.length / straight).toBeGreaterThan(1);
    expect(path.route.length / straight).toBeLessThan(1.3);
  });

  it('lets the stops of the same line and direction stand in for a shape without a stop list', () => {
    // Hide 343's own list: the other variants of line 103 that run the same way lend theirs.
    const hidden: NetworkData = { ...network, stopsOf: (id) => (id === 343 ? undefined : network.stopsOf(id)) };
    const path = resolveVariantPaths(hidden, ['103']).get(343)!;
    expect(path.source).toBe('stand-in-stops');
    const own = new Set(data.variantStops['343']);
    const right = path.stopIds.filter((id) => own.has(id)).length;
    expect(right / own.size).toBeGreaterThan(0.8); // most of its real stops
    expect(right / path.stopIds.length).toBeGreaterThan(0.95); // and hardly any of the other direction
    for (let i = 1; i < path.offsets.length; i++) expect(path.offsets[i]).toBeGreaterThanOrEqual(path.offsets[i - 1]);
  });

  it("gives a variant without a shape its sibling's (same line and destination) when its stops lie on it", () => {
    // Line 110's 8673 to Plaza España, its shape hidden: 522, also to Plaza España, has one its stops lie on.
    const hidden: NetworkData = { ...network, shapeOf: (id) => (id === 8673 ? undefined : network.shapeOf(id)) };
    const path = resolveVariantPaths(hidden, [lineOf(8673)]).get(8673)!;
    expect(path).toMatchObject({ source: 'sibling-shape', shapeVariantId: 522, stopIds: data.variantStops['8673'] });
    // But not when its stops do not lie on any sibling's road.
    const elsewhere: NetworkData = {
      ...hidden,
      stopAt: (id) => (data.variantStops['8673'].includes(id) ? [-56.3, -34.8] : network.stopAt(id)),
    };
    expect(resolveVariantPaths(elsewhere, [lineOf(8673)]).get(8673)).toBeUndefined();
  });

  it('covers every line, and at least 700 variants, of the shipped catalogue', () => {
    const paths = resolveVariantPaths(network);
    expect(paths.size).toBeGreaterThanOrEqual(700);
    expect(new Set(data.variants.filter((v) => paths.has(v.lineVariantId)).map((v) => v.line)).size).toBe(146);
  });
});

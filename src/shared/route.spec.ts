import {
  buildRoute,
  EARTH_RADIUS_M,
  haversineMeters,
  pointAtDistance,
  projectNearHint,
  projectOntoRoute,
  segmentIndexAt,
  stopOffsets,
  type LonLat,
} from './route';

/** One thousandth of a degree of latitude, in metres, on the 6,371 km sphere. */
const MILLI_DEGREE = (EARTH_RADIUS_M * Math.PI) / 180 / 1000; // ≈ 111.195 m

// Straight north along the prime meridian: 0, 1, 3 thousandths of a degree, so segments of 1 and 2 units.
const northward = buildRoute([
  [0, 0],
  [0, 0.001],
  [0, 0.003],
]);

describe('haversineMeters', () => {
  it.each<[string, LonLat, LonLat, number, number]>([
    ['the same point', [-56.1645, -34.9011], [-56.1645, -34.9011], 0, 1e-9],
    ['one degree of latitude', [0, 0], [0, 1], 111_194.93, 0.01],
    ['one degree of longitude on the equator', [0, 0], [1, 0], 111_194.93, 0.01],
    ['Plaza Independencia → Tres Cruces', [-56.1992, -34.9066], [-56.1666, -34.8943], 3_250, 30],
  ])('%s', (_name, a, b, expected, tolerance) => {
    expect(Math.abs(haversineMeters(a, b) - expected)).toBeLessThanOrEqual(tolerance);
    expect(Math.abs(haversineMeters(b, a) - expected)).toBeLessThanOrEqual(tolerance);
  });
});

describe('buildRoute', () => {
  it('accumulates segment lengths from 0 at the first point', () => {
    expect(northward.cumulative[0]).toBe(0);
    expect(northward.cumulative[1]).toBeCloseTo(MILLI_DEGREE, 6);
    expect(northward.cumulative[2]).toBeCloseTo(3 * MILLI_DEGREE, 6);
    expect(northward.length).toBe(northward.cumulative[2]);
  });

  it('refuses a route of fewer than two points', () => {
    expect(() => buildRoute([[0, 0]])).toThrow('at least 2 points');
  });
});

describe('segmentIndexAt', () => {
  it.each([
    [-5, 0],
    [0, 0],
    [MILLI_DEGREE / 2, 0],
    [MILLI_DEGREE + 1, 1],
    [3 * MILLI_DEGREE, 1],
    [10_000, 1],
  ])('distance %d m lies on segment %d', (distance, index) => {
    expect(segmentIndexAt(northward, distance)).toBe(index);
  });
});

describe('pointAtDistance', () => {
  it.each<[number, LonLat]>([
    [0, [0, 0]],
    [MILLI_DEGREE / 2, [0, 0.0005]],
    [MILLI_DEGREE, [0, 0.001]],
    [2 * MILLI_DEGREE, [0, 0.002]],
    [-100, [0, 0]], // clamped to the start
    [1e6, [0, 0.003]], // clamped to the end
  ])('%d m along is %j', (distance, [lon, lat]) => {
    const [gotLon, gotLat] = pointAtDistance(northward, distance);
    expect(gotLon).toBeCloseTo(lon, 9);
    expect(gotLat).toBeCloseTo(lat, 9);
  });

  it('interpolates on a diagonal segment in both coordinates', () => {
    const diagonal = buildRoute([
      [-56.2, -34.9],
      [-56.19, -34.89],
    ]);
    const [lon, lat] = pointAtDistance(diagonal, diagonal.length / 4);
    expect(lon).toBeCloseTo(-56.1975, 9);
    expect(lat).toBeCloseTo(-34.8975, 9);
  });
});

describe('projectOntoRoute', () => {
  it.each<[string, LonLat, number, number]>([
    ['a point on the route', [0, 0.002], 0, 2 * MILLI_DEGREE],
    ['a point 1 unit east of the second segment', [0.001, 0.002], MILLI_DEGREE, 2 * MILLI_DEGREE],
    ['a point before the start', [0, -0.001], MILLI_DEGREE, 0],
    ['a point past the end', [0, 0.005], 2 * MILLI_DEGREE, 3 * MILLI_DEGREE],
  ])('%s', (_name, point, distance, along) => {
    const projection = projectOntoRoute(northward, point);
    expect(projection.distanceToRoute).toBeCloseTo(distance, 3);
    expect(projection.along).toBeCloseTo(along, 3);
  });
});

describe('stopOffsets', () => {
  it('gives each stop of a route built from the stops its cumulative distance', () => {
    const stops: LonLat[] = [
      [-56.2, -34.9],
      [-56.195, -34.9],
      [-56.195, -34.895],
      [-56.19, -34.895],
    ];
    const route = buildRoute(stops);
    const offsets = stopOffsets(route, stops);
    offsets.forEach((offset, i) => expect(offset).toBeCloseTo(route.cumulative[i], 6));
  });

  it('places a stop served twice (out and back) at its later pass the second time', () => {
    const a: LonLat = [0, 0];
    const b: LonLat = [0, 0.001];
    const c: LonLat = [0, 0.002];
    const route = buildRoute([a, b, c, b, a]);
    const offsets = stopOffsets(route, [a, b, c, b, a]);
    expect(offsets.map((o) => Math.round(o / MILLI_DEGREE))).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('projectNearHint', () => {
  // Up the meridian and back down it 0.0002° (about 18 m) east: every point of the avenue is near both legs.
  const outAndBack = buildRoute([
    [0, 0],
    [0, 0.002],
    [0.0002, 0.002],
    [0.0002, 0],
  ]);
  const across = 0.0002 * MILLI_DEGREE * 1000;

  it('with no hint, takes the earliest of two passes near the point', () => {
    const p = projectNearHint(outAndBack, [0.0001, 0.0005]);
    expect(p.along).toBeCloseTo(MILLI_DEGREE / 2, 0);
  });

  it('with a hint past the turn, takes the later pass', () => {
    const p = projectNearHint(outAndBack, [0.0001, 0.0005], 2 * MILLI_DEGREE + across);
    expect(p.along).toBeCloseTo(2 * MILLI_DEGREE + across + 1.5 * MILLI_DEGREE, 0);
  });

  it('takes the nearest stretch, not the end of the one before it, just past a corner', () => {
    const p = projectNearHint(northward, [0, 0.00103], MILLI_DEGREE - 5);
    expect(p.along).toBeCloseTo(1.03 * MILLI_DEGREE, 0);
    expect(p.distanceToRoute).toBeCloseTo(0, 3);
  });
});

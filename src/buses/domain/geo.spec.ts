import { mulberry32 as seeded } from '../../simulator/prng';
import { EARTH_RADIUS_M as EARTH_RADIUS_METERS } from '../../shared/route';
import { isValidLatLon, LatLon, metersBetween } from './geo';

const at = (latitude: number, longitude: number): LatLon => ({ latitude, longitude });

/** A point somewhere in greater Montevideo. */
const randomMontevideo = (rnd: () => number): LatLon => at(-34.95 + rnd() * 0.2, -56.35 + rnd() * 0.4);

/** Spherical law of cosines: a different formula for the same great-circle distance. */
function lawOfCosinesMeters(a: LatLon, b: LatLon): number {
  const r = (d: number) => (d * Math.PI) / 180;
  const c =
    Math.sin(r(a.latitude)) * Math.sin(r(b.latitude)) +
    Math.cos(r(a.latitude)) * Math.cos(r(b.latitude)) * Math.cos(r(b.longitude - a.longitude));
  return EARTH_RADIUS_METERS * Math.acos(Math.min(1, Math.max(-1, c)));
}

describe('metersBetween', () => {
  it('uses the 6,371,000 m Earth radius of SPEC §3.4', () => {
    expect(EARTH_RADIUS_METERS).toBe(6_371_000);
  });

  // Expected values computed independently (Python, haversine, R = 6,371,000 m).
  it.each<[string, LatLon, LatLon, number, number]>([
    ['the same point is 0 m away', at(-34.9066, -56.1992), at(-34.9066, -56.1992), 0, 1e-9],
    ['one degree of latitude is ≈ 111,195 m', at(0, 0), at(1, 0), 111_194.927, 0.01],
    ['one degree of longitude on the equator is ≈ 111,195 m', at(0, 0), at(0, 1), 111_194.927, 0.01],
    [
      'a tenth of a degree of latitude in Montevideo is ≈ 11,119 m',
      at(-34.9, -56.2),
      at(-34.8, -56.2),
      11_119.493,
      0.01,
    ],
    ['a tenth of a degree of longitude at 34.9° S is ≈ 9,120 m', at(-34.9, -56.2), at(-34.9, -56.1), 9_119.672, 0.01],
    [
      'Plaza Independencia → Tres Cruces is ≈ 3,272.5 m',
      at(-34.9066, -56.1992),
      at(-34.8943, -56.1666),
      3_272.508,
      0.01,
    ],
    [
      'stops 546 → 547 (Coruña) are ≈ 141.9 m apart',
      at(-34.87240513, -56.14675823),
      at(-34.87134794, -56.14762914),
      141.886,
      0.01,
    ],
    ['antipodes are half the circumference apart', at(0, 0), at(0, 180), Math.PI * 6_371_000, 0.01],
  ])('%s', (_name, a, b, expected, tolerance) => {
    expect(Math.abs(metersBetween(a, b) - expected)).toBeLessThanOrEqual(tolerance);
  });

  it('is symmetric, zero only on the diagonal and agrees with the law of cosines (seeded random points)', () => {
    const rnd = seeded(20251115);
    for (let i = 0; i < 500; i++) {
      const a = randomMontevideo(rnd);
      const b = randomMontevideo(rnd);
      const ab = metersBetween(a, b);
      expect(ab).toBe(metersBetween(b, a));
      expect(metersBetween(a, a)).toBe(0);
      expect(ab).toBeGreaterThan(0);
      // Law of cosines loses precision below a few metres; random Montevideo pairs are far apart.
      if (ab > 100) expect(Math.abs(ab - lawOfCosinesMeters(a, b))).toBeLessThan(0.05);
    }
  });

  it('satisfies the triangle inequality (seeded random points, including the whole globe)', () => {
    const rnd = seeded(42);
    for (let i = 0; i < 500; i++) {
      const pick = i % 2 === 0 ? () => randomMontevideo(rnd) : () => at(rnd() * 180 - 90, rnd() * 360 - 180);
      const [a, b, c] = [pick(), pick(), pick()];
      expect(metersBetween(a, c)).toBeLessThanOrEqual(metersBetween(a, b) + metersBetween(b, c) + 1e-6);
    }
  });

  it('never exceeds half the circumference (seeded random points on the globe)', () => {
    const rnd = seeded(7);
    for (let i = 0; i < 500; i++) {
      const d = metersBetween(at(rnd() * 180 - 90, rnd() * 360 - 180), at(rnd() * 180 - 90, rnd() * 360 - 180));
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(Math.PI * EARTH_RADIUS_METERS + 1e-6);
    }
  });

  it('grows with the separation along a meridian', () => {
    const origin = at(-34.9, -56.16);
    let previous = 0;
    for (let k = 1; k <= 20; k++) {
      const d = metersBetween(origin, at(-34.9 + k * 0.001, -56.16));
      expect(d).toBeGreaterThan(previous);
      expect(d).toBeCloseTo(k * 111.194927, 2);
      previous = d;
    }
  });
});

describe('isValidLatLon', () => {
  it.each<[string, boolean, LatLon]>([
    ['a Montevideo point', true, at(-34.9066, -56.1992)],
    ['the poles and the antimeridian', true, at(90, 180)],
    ['the south pole and the other side of the antimeridian', true, at(-90, -180)],
    ['latitude 0 alone (on the equator)', true, at(0, -56.2)],
    ['longitude 0 alone (on Greenwich)', true, at(-34.9, 0)],
    ['[0, 0] ("null island", a GPS without a fix)', false, at(0, 0)],
    ['latitude above 90', false, at(90.0001, 0.5)],
    ['latitude below -90', false, at(-91, -56)],
    ['longitude above 180', false, at(-34.9, 180.5)],
    ['longitude below -180', false, at(-34.9, -181)],
    ['latitude NaN', false, at(Number.NaN, -56)],
    ['longitude NaN', false, at(-34.9, Number.NaN)],
    ['latitude Infinity', false, at(Number.POSITIVE_INFINITY, -56)],
    ['longitude -Infinity', false, at(-34.9, Number.NEGATIVE_INFINITY)],
  ])('%s → %s', (_name, expected, point) => {
    expect(isValidLatLon(point)).toBe(expected);
  });
});

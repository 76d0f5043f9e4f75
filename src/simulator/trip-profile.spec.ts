import { streamFor } from './prng';
import {
  buildTripProfile,
  compressTripProfile,
  MAX_CRUISE_KMH,
  MIN_CRUISE_KMH,
  motionAt,
  segmentBaseSpeedsKmh,
  type TripProfile,
} from './trip-profile';

const offsets = [0, 180, 520, 900, 1900, 2100];
const base = segmentBaseSpeedsKmh(offsets, streamFor(1));
const profiles = Array.from({ length: 40 }, (_, i) => buildTripProfile(offsets, base, streamFor(2, i)));

describe('buildTripProfile', () => {
  it('cruises between 18 and 35 km/h on every segment', () => {
    for (const p of profiles) {
      for (const v of p.speed) {
        expect(v * 3.6).toBeGreaterThanOrEqual(MIN_CRUISE_KMH - 1e-9);
        expect(v * 3.6).toBeLessThanOrEqual(MAX_CRUISE_KMH + 1e-9);
      }
    }
  });

  it('dwells 10–30 s at every stop but the last, and ends the trip on arrival there', () => {
    for (const p of profiles) {
      const last = offsets.length - 1;
      for (let k = 0; k < last; k++) {
        expect(p.depart[k] - p.arrive[k]).toBeGreaterThanOrEqual(10_000);
        expect(p.depart[k] - p.arrive[k]).toBeLessThanOrEqual(30_000);
      }
      expect(p.depart[last]).toBe(p.arrive[last]);
      expect(p.duration).toBe(p.arrive[last]);
      // Whole milliseconds, so that arrivals are exact instants.
      expect([...p.arrive, ...p.depart].every(Number.isInteger)).toBe(true);
    }
  });

  it('varies from bus to bus', () => {
    expect(new Set(profiles.map((p) => Math.round(p.duration))).size).toBeGreaterThan(30);
  });
});

describe('motionAt', () => {
  it('is at each stop, stopped, from arrival to departure', () => {
    const p = profiles[0];
    offsets.forEach((offset, k) => {
      const middle = (p.arrive[k] + p.depart[k]) / 2;
      expect(motionAt(p, offsets, middle)).toEqual({ along: offset, speedMps: 0, lastStop: k });
    });
  });

  it('never goes backwards and never outruns the fastest cruise speed', () => {
    for (const p of profiles) {
      let previous = motionAt(p, offsets, 0).along;
      for (let t = 1000; t <= p.duration + 5000; t += 1000) {
        const { along, speedMps } = motionAt(p, offsets, t);
        expect(along).toBeGreaterThanOrEqual(previous);
        expect(along - previous).toBeLessThanOrEqual(MAX_CRUISE_KMH / 3.6 + 1e-6);
        expect(speedMps === 0 || speedMps * 3.6 >= MIN_CRUISE_KMH - 1e-9).toBe(true);
        previous = along;
      }
      expect(previous).toBe(offsets[offsets.length - 1]);
    }
  });

  it('holds the bus in traffic where the profile says', () => {
    const held = profiles.find((p) => p.holdMs.some((ms) => ms > 0));
    if (!held) throw new Error('no profile among 40 has a traffic hold');
    const p = held;
    const k = p.holdMs.findIndex((ms) => ms > 0);
    const holdStart = p.depart[k] + (p.holdAt[k] / p.speed[k]) * 1000;
    const during = motionAt(p, offsets, holdStart + p.holdMs[k] / 2);
    expect(during.speedMps).toBe(0);
    expect(during.along).toBeCloseTo(offsets[k] + p.holdAt[k], 6);
    expect(motionAt(p, offsets, holdStart + p.holdMs[k] + 1000).along).toBeGreaterThan(during.along);
  });
});

describe('compressTripProfile', () => {
  const slowest = profiles.reduce((a, b) => (a.duration > b.duration ? a : b));

  it('leaves a trip that fits untouched', () => {
    expect(compressTripProfile(slowest, offsets, slowest.duration)).toBe(slowest);
  });

  it('squeezes dwells, holds and travel in one proportion to fit the limit', () => {
    const limit = Math.round(slowest.duration * 0.8);
    const squeezed = compressTripProfile(slowest, offsets, limit);
    expect(squeezed.duration).toBeLessThanOrEqual(limit);
    expect(squeezed.duration).toBeGreaterThan(limit - 100);
    for (let k = 0; k < offsets.length - 1; k++) {
      const dwell = (p: TripProfile): number => p.depart[k] - p.arrive[k];
      expect(dwell(squeezed)).toBeCloseTo(dwell(slowest) * 0.8, -1);
      expect(squeezed.speed[k]).toBeCloseTo(slowest.speed[k] / 0.8, 0);
      expect(squeezed.holdAt[k]).toBe(slowest.holdAt[k]);
    }
    expect([...squeezed.arrive, ...squeezed.depart].every(Number.isInteger)).toBe(true);
  });

  it('still moves the bus continuously from stop to stop', () => {
    const squeezed = compressTripProfile(slowest, offsets, Math.round(slowest.duration * 0.7));
    offsets.forEach((offset, k) => expect(motionAt(squeezed, offsets, squeezed.arrive[k]).along).toBe(offset));
    let previous = 0;
    for (let t = 0; t <= squeezed.duration + 500; t += 500) {
      const { along } = motionAt(squeezed, offsets, t);
      expect(along).toBeGreaterThanOrEqual(previous);
      previous = along;
    }
    expect(previous).toBe(offsets[offsets.length - 1]);
  });
});

import { loadMontevideoData, type MontevideoData } from '../shared/montevideo-data';
import { buildFleet, TRIPS_CACHED_PER_BUS } from './fleet';
import { streamFor } from './prng';
import { maxTripDurationMs, trafficFactorAt } from './schedule';
import { servedRange, tripIndexAt, tripOf } from './trips';

const data = loadMontevideoData();
const lineG: MontevideoData = {
  ...data,
  variants: data.variants.filter((v) => v.lineVariantId === 69),
  variantStops: { '69': data.variantStops['69'] },
};
const [variant] = buildFleet(lineG, 1);
const AT = Date.UTC(2025, 10, 15, 16, 14, 7, 250);

describe('servedRange', () => {
  const ranges = Array.from({ length: 20_000 }, (_, i) => servedRange(40, streamFor(3, i)));

  it('starts about 8% of trips in the first half and ends about 8% in the second, never at the ends', () => {
    const late = ranges.filter((r) => r.firstStop > 0);
    const early = ranges.filter((r) => r.lastStop < 39);
    expect(late.length / ranges.length).toBeGreaterThan(0.07);
    expect(late.length / ranges.length).toBeLessThan(0.09);
    expect(early.length / ranges.length).toBeGreaterThan(0.07);
    expect(early.length / ranges.length).toBeLessThan(0.09);
    expect(late.every((r) => r.firstStop >= 1 && r.firstStop < 20)).toBe(true);
    expect(early.every((r) => r.lastStop >= 20 && r.lastStop <= 38)).toBe(true);
    expect(new Set(late.map((r) => r.firstStop)).size).toBe(19);
  });

  it('keeps at least two stops, and runs routes too short to cut whole', () => {
    for (const stops of [2, 3, 4, 5]) {
      for (let i = 0; i < 500; i++) {
        const { firstStop, lastStop } = servedRange(stops, streamFor(4, stops, i));
        expect(firstStop).toBeLessThan(lastStop);
        expect(lastStop).toBeLessThanOrEqual(stops - 1);
        if (stops === 2) expect([firstStop, lastStop]).toEqual([0, 1]);
      }
    }
  });
});

describe('tripOf', () => {
  const bus = variant.buses[0];
  const k = tripIndexAt(variant, bus, AT);

  it('numbers trips from firstDeparture, a cycle apart, for any time', () => {
    const trip = tripOf(1, variant, bus, k);
    expect(trip.start).toBe(bus.firstDeparture + k * variant.cycleMs);
    expect(trip.start).toBeLessThanOrEqual(AT);
    expect(trip.start + variant.cycleMs).toBeGreaterThan(AT);
    expect(tripOf(1, variant, bus, -3).start).toBe(bus.firstDeparture - 3 * variant.cycleMs);
  });

  it('gives every trip its own timetable, timed for the time of day it starts', () => {
    const trips = Array.from({ length: 30 }, (_, i) => tripOf(1, variant, bus, k + i));
    expect(new Set(trips.map((t) => t.profile.duration)).size).toBe(30);
    for (const trip of trips) expect(trip.traffic).toBe(trafficFactorAt(trip.start));
  });

  it('rebuilds an evicted trip identically, and keeps only a few per bus', () => {
    const first = structuredClone(tripOf(1, variant, bus, k));
    for (let i = 1; i <= 10; i++) tripOf(1, variant, bus, k + i);
    expect(bus.trips.size).toBeLessThanOrEqual(TRIPS_CACHED_PER_BUS);
    expect(bus.trips.has(k)).toBe(false);
    expect(tripOf(1, variant, bus, k)).toEqual(first);
    expect(tripOf(2, buildFleet(lineG, 2)[0], buildFleet(lineG, 2)[0].buses[0], k)).not.toEqual(first);
  });

  it('never runs into the next trip of the same bus', () => {
    const limit = maxTripDurationMs(variant.cycleMs);
    for (const b of variant.buses) {
      for (let i = 0; i < 100; i++) {
        expect(tripOf(1, variant, b, k + i).profile.duration).toBeLessThanOrEqual(limit);
      }
    }
    // Even when the cycle is far too short for the route, trips are squeezed to fit it.
    const natural = tripOf(1, variant, bus, k).profile.duration;
    const cramped = { ...variant, cycleMs: Math.round(natural * 0.7) };
    const trip = tripOf(1, cramped, { ...bus, trips: new Map() }, k);
    expect(trip.profile.duration).toBeLessThanOrEqual(maxTripDurationMs(cramped.cycleMs));
    expect(trip.profile.duration).toBeGreaterThan(maxTripDurationMs(cramped.cycleMs) - 1_000);
  });
});

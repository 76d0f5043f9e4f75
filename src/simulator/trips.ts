import { Salt, TRIPS_CACHED_PER_BUS, type SimBus, type SimVariant } from './fleet';
import { intBetween, streamFor } from './prng';
import { maxTripDurationMs, trafficFactorAt } from './schedule';
import { buildTripProfile, compressTripProfile, type TripProfile } from './trip-profile';

/**
 * One run of a bus along its variant. Trip k of a bus starts at `firstDeparture + k · cycleMs` and has its
 * own timetable, drawn from the seed and (variant, bus, k) alone, so any trip of any bus can be rebuilt on
 * demand, in any order, in any process.
 */
export interface Trip {
  /** k, any integer. */
  index: number;
  /** Epoch ms at which the trip leaves stop 0 (or would, on a trip that starts further on). */
  start: number;
  /** Offsets from `start`, for the whole variant: a short run drives empty up to its first served stop. */
  profile: TripProfile;
  /** The first and last stops it serves: 0 and the last stop, except on short runs. */
  firstStop: number;
  lastStop: number;
  /** The traffic factor it was timed with (see schedule.ts). */
  traffic: number;
}

/** About this share of trips start mid-route, and independently this share end early. */
export const SHORT_START_SHARE = 0.08;
export const SHORT_END_SHARE = 0.08;

/** Which trip of the bus is running, or about to, at epoch ms `t`: the last one started at or before t. */
export function tripIndexAt(variant: SimVariant, bus: SimBus, t: number): number {
  return Math.floor((t - bus.firstDeparture) / variant.cycleMs);
}

/**
 * Trip k of the bus; built on first use and cached on the bus (a few trips, oldest dropped first). The
 * cache is keyed by k alone: pass the seed the bus's fleet was built with.
 */
export function tripOf(seed: number, variant: SimVariant, bus: SimBus, k: number): Trip {
  const cached = bus.trips.get(k);
  if (cached) return cached;
  const trip = buildTrip(seed, variant, bus, k);
  if (bus.trips.size >= TRIPS_CACHED_PER_BUS) bus.trips.delete(bus.trips.keys().next().value as number);
  bus.trips.set(k, trip);
  return trip;
}

function buildTrip(seed: number, variant: SimVariant, bus: SimBus, k: number): Trip {
  const { offsets, record } = variant;
  const start = bus.firstDeparture + k * variant.cycleMs;
  const traffic = trafficFactorAt(start);
  const speeds = variant.baseSpeedsKmh.map((kmh) => kmh * traffic);
  const built = buildTripProfile(offsets, speeds, streamFor(seed, Salt.Trip, record.lineVariantId, bus.index, k));
  // Never run into the next trip of the same bus, whatever the draw.
  const profile = compressTripProfile(built, offsets, maxTripDurationMs(variant.cycleMs));
  const { firstStop, lastStop } = servedRange(
    offsets.length,
    streamFor(seed, Salt.ShortTurn, record.lineVariantId, bus.index, k),
  );
  return { index: k, start, profile, firstStop, lastStop, traffic };
}

/**
 * Short runs: a trip may start at a stop of the first half of the route (never stop 0) or turn back at a
 * stop of the second half (never the last). Routes too short for either run whole.
 */
export function servedRange(stops: number, random: () => number): { firstStop: number; lastStop: number } {
  const last = stops - 1;
  const half = Math.ceil(stops / 2);
  const startsLate = random() < SHORT_START_SHARE;
  const endsEarly = random() < SHORT_END_SHARE;
  const firstStop = startsLate && half - 1 >= 1 ? intBetween(random, 1, half - 1) : 0;
  const lastStop = endsEarly && last - 1 >= half ? intBetween(random, half, last - 1) : last;
  return { firstStop, lastStop };
}

/** When a bus on `trip` reaches and leaves a stop it serves (epoch ms); at the last served stop they coincide. */
export function stopTimes(trip: Trip, stopIndex: number): { arrivedAt: number; departedAt: number } {
  const arrivedAt = trip.start + trip.profile.arrive[stopIndex];
  const departedAt = stopIndex === trip.lastStop ? arrivedAt : trip.start + trip.profile.depart[stopIndex];
  return { arrivedAt, departedAt };
}

import { between, intBetween, streamFor } from './prng';
import { Salt, type PlannedTrip, type SimVariant } from './fleet';
import { trafficFactorAt } from './schedule';
import type { Detour } from './detour';
import { buildTripProfile, compressTripProfile, type TripProfile } from './trip-profile';

// Module-level aliases: under jest's vm sandbox a global `Math.` lookup costs more than the arithmetic.
const { ceil: math_ceil, min: math_min, round: math_round } = Math;

/**
 * One run of a bus along its variant on one service day, as it really goes: its timetable drawn from the
 * seed, the variant, the date and the timetable's minute alone, so any trip can be rebuilt on demand, in
 * any order, in any process. Times here are the simulator's service time (see BusSimulator).
 */
export interface Trip {
  planned: PlannedTrip;
  variant: SimVariant;
  /** Epoch ms at which it leaves stop 0. */
  start: number;
  /** Offsets from `start`: when it reaches and leaves each stop, how fast it cruises, where it is held. */
  profile: TripProfile;
  /** The last stop it serves: the variant's last, except on the rare trip that turns back early. */
  lastStop: number;
  detour: Detour | null;
}

/** About this share of trips turn back before the end of their route (a breakdown, a short turn). */
export const SHORT_TURN_SHARE = 0.03;
/** About this share of trips on routes long enough leave their route for a stretch and come back. */
export const DETOUR_SHARE = 0.03;
const DETOUR_MIN_ROUTE_M = 4_000;
const DAY_MS = 86_400_000;

/**
 * The trips of the city, as they run: built on first use. A bus's trips are kept with the bus of that
 * service day (see BusSimulator.busesOn), so they live as long as the simulator remembers that day.
 */
export class TripBook {
  constructor(private readonly seed: number) {}

  /** Trip `index` of the bus's day. */
  tripOf(bus: { block: { trips: PlannedTrip[] }; midnight: number; trips: (Trip | undefined)[] }, index: number): Trip {
    return (bus.trips[index] ??= buildTrip(
      this.seed,
      bus.block.trips[index],
      bus.midnight,
      math_round(bus.midnight / DAY_MS),
    ));
  }
}

function buildTrip(seed: number, planned: PlannedTrip, midnight: number, day: number): Trip {
  const { variant, minute } = planned;
  const id = variant.record.lineVariantId;
  const start = midnight + planned.startMs;
  const detour = detourOf(streamFor(seed, Salt.Detour, id, day, minute), variant.route.length);
  const passes = (k: number): boolean =>
    detour !== null && variant.offsets[k] > detour.from && variant.offsets[k] < detour.to;
  const built = buildTripProfile(variant.offsets, variant.baseSpeedsKmh, streamFor(seed, Salt.Trip, id, day, minute), {
    trafficAt: (elapsed) => trafficFactorAt(start + elapsed),
    passes,
  });
  // A bus's day is planned with slow trips in mind; the rare slower one is squeezed so it keeps its next trip.
  const profile = compressTripProfile(built, variant.offsets, planned.plannedEndMs - planned.startMs);
  const last = variant.offsets.length - 1;
  const turn = streamFor(seed, Salt.ShortTurn, id, day, minute);
  const half = math_ceil(last / 2);
  let lastStop = turn() < SHORT_TURN_SHARE && last - 1 >= half ? intBetween(turn, half, last - 1) : last;
  // A trip never ends at a stop it bypasses.
  while (lastStop > 1 && passes(lastStop)) lastStop--;
  return { planned, variant, start, profile, lastStop, detour };
}

function detourOf(random: () => number, length: number): Detour | null {
  if (random() >= DETOUR_SHARE || length < DETOUR_MIN_ROUTE_M) return null;
  const from = between(random, 0.2, 0.6) * length;
  const to = math_min(from + between(random, 600, 1_500), length - 500);
  const offsetM = between(random, 120, 250) * (random() < 0.5 ? -1 : 1);
  return { from, to, offsetM };
}

/** When the bus on `trip` reaches and leaves a stop it serves (epoch ms); at the last served stop they coincide. */
export function stopTimes(trip: Trip, stopIndex: number): { arrivedAt: number; departedAt: number } {
  const arrivedAt = trip.start + trip.profile.arrive[stopIndex];
  const departedAt = stopIndex === trip.lastStop ? arrivedAt : trip.start + trip.profile.depart[stopIndex];
  return { arrivedAt, departedAt };
}

/** The trip calls at the stop: within its served range, and not on a street its detour left. */
export function servesStop(trip: Trip, stopIndex: number): boolean {
  if (stopIndex > trip.lastStop) return false;
  const { detour } = trip;
  const offset = trip.variant.offsets[stopIndex];
  return detour === null || offset <= detour.from || offset >= detour.to;
}

/** When the trip is over: the bus reaches its last served stop. */
export function tripEnd(trip: Trip): number {
  return trip.start + trip.profile.arrive[trip.lastStop];
}

import { between } from './prng';

/**
 * One bus's timetable for one trip along a variant, as offsets from the trip's start: when it reaches and
 * leaves each stop, how fast it cruises on each segment, and where it waits at a traffic light. The
 * position at any moment is then a lookup, with no state carried between calls.
 */
export interface TripProfile {
  /** ms after the trip starts at which the bus reaches stop k; arrive[0] = 0. */
  arrive: number[];
  /** ms after the trip starts at which the bus leaves stop k; for the last stop it equals arrive. */
  depart: number[];
  /** Cruise speed on segment k (stop k → k + 1), m/s. */
  speed: number[];
  /** Metres after stop k where the bus is held by traffic on segment k, and for how long (0 = not held). */
  holdAt: number[];
  holdMs: number[];
  /** arrive[last]: how long the trip takes. All times are whole ms. */
  duration: number;
}

export interface BusMotion {
  /** Metres along the route. */
  along: number;
  speedMps: number;
  /** Index of the last stop reached (the bus is at it, or on the segment after it). */
  lastStop: number;
}

const KMH = 1 / 3.6;
// Aliases: under jest's vm sandbox global `Math.` lookups dominate building thousands of timetables.
const { min, max, round } = Math;
export const MIN_CRUISE_KMH = 18;
export const MAX_CRUISE_KMH = 35;

/** Typical cruise speed for each segment of a variant: short hops between stops are slower. */
export function segmentBaseSpeedsKmh(offsets: number[], random: () => number): number[] {
  const speeds: number[] = [];
  for (let k = 0; k < offsets.length - 1; k++) {
    const length = offsets[k + 1] - offsets[k];
    const typical = length < 250 ? 22 : length < 600 ? 26 : 30;
    speeds.push(typical + between(random, -4, 4));
  }
  return speeds;
}

export interface TripProfileOptions {
  /** Speed multiplier for a segment the bus enters `elapsedMs` after the trip started (time of day). */
  trafficAt?: (elapsedMs: number) => number;
  /** Stops the bus drives past without stopping (on a detour, it is not on their street). */
  passes?: (stopIndex: number) => boolean;
}

/**
 * One trip of one bus: the segment speeds it is given (the variant's, scaled for the time of day at which
 * the bus reaches each segment) times a pace for the whole trip and per-segment jitter, clamped to city
 * cruise speeds; 10–30 s at every stop it serves, and a traffic hold on about a quarter of the segments.
 */
export function buildTripProfile(
  offsets: number[],
  baseSpeedsKmh: number[],
  random: () => number,
  options: TripProfileOptions = {},
): TripProfile {
  const temperament = between(random, 0.9, 1.1);
  const arrive = [0];
  const depart: number[] = [];
  const speed: number[] = [];
  const holdAt: number[] = [];
  const holdMs: number[] = [];
  for (let k = 0; k < offsets.length - 1; k++) {
    const traffic = options.trafficAt ? options.trafficAt(arrive[k]) : 1;
    const kmh = baseSpeedsKmh[k] * traffic * temperament * between(random, 0.93, 1.07);
    const v = min(MAX_CRUISE_KMH, max(MIN_CRUISE_KMH, kmh)) * KMH;
    const length = offsets[k + 1] - offsets[k];
    const held = random() < 0.25;
    const hold = held ? round(between(random, 10_000, 40_000)) : 0;
    const holdDistance = held ? length * between(random, 0.3, 0.9) : 0;
    const dwell = round(between(random, 10_000, 30_000));
    depart.push(arrive[k] + (k > 0 && options.passes?.(k) ? 0 : dwell));
    speed.push(v);
    holdAt.push(holdDistance);
    holdMs.push(hold);
    arrive.push(arrivalAfter(depart[k], length, v, hold));
  }
  const duration = arrive[arrive.length - 1];
  depart.push(duration);
  return { arrive, depart, speed, holdAt, holdMs, duration };
}

/** Whole ms, so that arrivals are exact epoch instants and motionAt agrees with them to the millisecond. */
function arrivalAfter(departMs: number, length: number, speedMps: number, holdMs: number): number {
  return round(departMs + (length / speedMps) * 1000 + holdMs);
}

/**
 * The same trip squeezed to last at most `maxDuration`: dwells and holds shortened and cruise sped up in
 * one proportion, so the bus keeps its rhythm. Only for the rare trip that would run into the next one;
 * the cruise clamp no longer holds after it.
 */
export function compressTripProfile(profile: TripProfile, offsets: number[], maxDuration: number): TripProfile {
  if (profile.duration <= maxDuration) return profile;
  // Each arrival rounds by at most half a millisecond: leave room for that.
  const f = max(1, maxDuration - offsets.length) / profile.duration;
  const arrive = [0];
  const depart: number[] = [];
  const speed: number[] = [];
  const holdMs: number[] = [];
  for (let k = 0; k < offsets.length - 1; k++) {
    depart.push(arrive[k] + round((profile.depart[k] - profile.arrive[k]) * f));
    speed.push(profile.speed[k] / f);
    holdMs.push(round(profile.holdMs[k] * f));
    arrive.push(arrivalAfter(depart[k], offsets[k + 1] - offsets[k], speed[k], holdMs[k]));
  }
  const duration = arrive[arrive.length - 1];
  depart.push(duration);
  return { arrive, depart, speed, holdAt: [...profile.holdAt], holdMs, duration };
}

/** Where the bus is `elapsed` ms after its trip started (clamped to the trip). */
export function motionAt(profile: TripProfile, offsets: number[], elapsed: number): BusMotion {
  const { arrive, depart } = profile;
  const last = arrive.length - 1;
  if (elapsed >= profile.duration) return { along: offsets[last], speedMps: 0, lastStop: last };
  let lo = 0;
  let hi = last;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (arrive[mid] <= elapsed) lo = mid;
    else hi = mid - 1;
  }
  const k = Math.max(0, lo);
  if (elapsed < depart[k]) return { along: offsets[k], speedMps: 0, lastStop: k };
  const v = profile.speed[k];
  const moving = elapsed - depart[k];
  const untilHold = (profile.holdAt[k] / v) * 1000;
  let metres: number;
  let speedMps = v;
  if (profile.holdMs[k] === 0 || moving < untilHold) {
    metres = (v * moving) / 1000;
  } else if (moving < untilHold + profile.holdMs[k]) {
    metres = profile.holdAt[k];
    speedMps = 0;
  } else {
    metres = profile.holdAt[k] + (v * (moving - untilHold - profile.holdMs[k])) / 1000;
  }
  return { along: Math.min(offsets[k + 1], offsets[k] + metres), speedMps, lastStop: k };
}

import { METERS_PER_DEGREE, type LonLat } from '../shared/route';
import { detourOffset, pointOffRoute } from './detour';
import { Salt, type SimBlock, type SimLine } from './fleet';
import { between, streamFor } from './prng';
import { motionAt, type BusMotion } from './trip-profile';
import { tripEnd, type Trip, type TripBook } from './trips';

// Module-level aliases: under jest's vm sandbox a global `Math.` lookup costs more than the arithmetic.
const { PI: math_PI, cos: math_cos, floor: math_floor, max: math_max, round: math_round, sin: math_sin } = Math;

/** After its last stop a bus stays there this long, as that variant, before it turns into its next trip. */
export const TERMINUS_WAIT_MS = 45_000;
/** A bus whose next trip leaves within this shows in the feed at its first stop; a longer break it spends away. */
export const LAYOVER_SHOWN_MS = 20 * 60_000;
/** A report reaches the feed this long after it was taken (ms, both inclusive), as over a mobile network. */
export const REPORT_LAG_MS: [number, number] = [1_000, 5_000];
/** Devices drop out now and then: this share of (bus, block) pairs lose their reports for a while. */
export const DROPOUT_BLOCK_MS = 300_000;
export const DROPOUT_SHARE = 0.03;
export const DROPOUT_MS: [number, number] = [60_000, 150_000];
/** GPS noise per axis, metres. */
const GPS_NOISE_M = 6;
/** About one report in a hundred lands this far (metres) off the bus, in any direction. */
const GPS_JUMP_SHARE = 0.01;
const GPS_JUMP_M: [number, number] = [25, 60];
/** Reports looked back through for one that got through; more than two dropout windows never chain. */
const MAX_REPORTS_LOST_IN_A_ROW = 40;

/**
 * - on-trip: in service, between its first and last served stop.
 * - at-terminus: arrived at its variant's last stop, there for TERMINUS_WAIT_MS.
 * - waiting-to-depart: at its next trip's first stop, that trip's variant, before it leaves.
 * - out-of-service: not yet out of the depot, on a long break, done for the day, or after a short turn.
 */
export type BusPhase = 'on-trip' | 'at-terminus' | 'waiting-to-depart' | 'out-of-service';

/** One bus on one service day: a line's block of trips, its number, and the rhythm of its device. */
export interface SimBus {
  line: SimLine;
  block: SimBlock;
  /** Epoch ms (service time) of its service day's local midnight. */
  midnight: number;
  company: string;
  busId: number;
  intervalMs: number;
  phaseMs: number;
  /** Keys its random streams: line, parity of the day, block. */
  identity: number[];
  /** Its trips as they run, built on first use (see TripBook). */
  trips: (Trip | undefined)[];
}

export interface SimBusState {
  phase: BusPhase;
  /** The trip it is on, has just ended, or waits to start. */
  trip: Trip;
  /** That trip's place in the bus's day. */
  tripIndex: number;
  motion: BusMotion;
}

/** Where a bus truly is at service time `t`: a pure function of the seed, its day's trips and the time. */
export function busStateAt(book: TripBook, bus: SimBus, t: number): SimBusState {
  const { trips } = bus.block;
  let lo = -1;
  let hi = trips.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (bus.midnight + trips[mid].startMs <= t) lo = mid;
    else hi = mid - 1;
  }
  if (lo < 0) {
    const trip = book.tripOf(bus, 0);
    const phase = t >= bus.midnight + bus.block.fromMs ? 'waiting-to-depart' : 'out-of-service';
    return { phase, trip, tripIndex: 0, motion: { along: 0, speedMps: 0, lastStop: 0 } };
  }
  const trip = book.tripOf(bus, lo);
  const { offsets } = trip.variant;
  if (t < tripEnd(trip))
    return { phase: 'on-trip', trip, tripIndex: lo, motion: motionAt(trip.profile, offsets, t - trip.start) };
  const parked = { along: offsets[trip.lastStop], speedMps: 0, lastStop: trip.lastStop };
  const finished = trip.lastStop === offsets.length - 1;
  if (finished && t < tripEnd(trip) + TERMINUS_WAIT_MS)
    return { phase: 'at-terminus', trip, tripIndex: lo, motion: parked };
  const next = trips[lo + 1];
  if (next && bus.midnight + next.startMs - t <= LAYOVER_SHOWN_MS) {
    const nextTrip = book.tripOf(bus, lo + 1);
    return {
      phase: 'waiting-to-depart',
      trip: nextTrip,
      tripIndex: lo + 1,
      motion: { along: 0, speedMps: 0, lastStop: 0 },
    };
  }
  return { phase: 'out-of-service', trip, tripIndex: lo, motion: parked };
}

/** Riders can see and board the bus; otherwise it is absent from the feed. */
export function inService(state: SimBusState): boolean {
  return state.phase !== 'out-of-service';
}

/** The bus's true position, [lon, lat]: on its road, or off it on a detour. */
export function truePoint(state: SimBusState): LonLat {
  const { trip, motion } = state;
  const offset = trip.detour && state.phase === 'on-trip' ? detourOffset(trip.detour, motion.along) : 0;
  return pointOffRoute(trip.variant.route, motion.along, offset);
}

/** Epoch ms of the bus's last report at or before `t`, whether or not it got through. */
export function lastReportAt(bus: SimBus, t: number): number {
  return math_floor((t - bus.phaseMs) / bus.intervalMs) * bus.intervalMs + bus.phaseMs;
}

/** How long the report taken at `reportedAt` takes to reach the feed, ms. */
export function reportLagMs(seed: number, bus: SimBus, reportedAt: number): number {
  const [min, max] = REPORT_LAG_MS;
  return math_round(between(streamFor(seed, Salt.Lag, ...bus.identity, reportedAt), min, max));
}

/** The span [from, to) of the block starting at `blockStart` in which the bus's reports are lost, if any. */
export function dropoutIn(seed: number, bus: SimBus, blockStart: number): [number, number] | undefined {
  const random = streamFor(seed, Salt.Dropout, ...bus.identity, blockStart);
  if (random() >= DROPOUT_SHARE) return undefined;
  const length = math_round(between(random, DROPOUT_MS[0], DROPOUT_MS[1]));
  const from = blockStart + math_round(random() * (DROPOUT_BLOCK_MS - length));
  return [from, from + length];
}

function reportLost(seed: number, bus: SimBus, reportedAt: number): boolean {
  const blockStart = math_floor(reportedAt / DROPOUT_BLOCK_MS) * DROPOUT_BLOCK_MS;
  const window = dropoutIn(seed, bus, blockStart);
  return window !== undefined && reportedAt >= window[0] && reportedAt < window[1];
}

/**
 * Epoch ms of the newest report the feed has at `t`: taken at or before t, arrived by t (lags are shorter
 * than the report period, so reports arrive in order), and not lost in a dropout.
 */
export function deliveredReportAt(seed: number, bus: SimBus, t: number): number {
  let reportedAt = lastReportAt(bus, t);
  if (reportedAt + reportLagMs(seed, bus, reportedAt) > t) reportedAt -= bus.intervalMs;
  for (let i = 0; i < MAX_REPORTS_LOST_IN_A_ROW && reportLost(seed, bus, reportedAt); i++) {
    reportedAt -= bus.intervalMs;
  }
  return reportedAt;
}

export interface SimFeedReport {
  reportedAt: number;
  /** The bus's true state when it reported; always in service (see feedReportAt). */
  state: SimBusState;
  /** Rounded to 6 decimals like the real feed, with a few metres of GPS noise. */
  coordinates: LonLat;
  jumpMetres: number;
  speedKmh: number;
}

const round6 = (x: number): number => math_round(x * 1e6) / 1e6;

/**
 * What the feed shows for the bus at service time `t`, or undefined when the newest report that got
 * through was taken out of service (the bus is absent). Noise depends only on the seed, the bus and the
 * report time.
 */
export function feedReportAt(seed: number, book: TripBook, bus: SimBus, t: number): SimFeedReport | undefined {
  if (t < bus.midnight + bus.block.fromMs || t > bus.midnight + bus.block.toMs + TERMINUS_WAIT_MS + 60_000) {
    return undefined;
  }
  const reportedAt = deliveredReportAt(seed, bus, t);
  const state = busStateAt(book, bus, reportedAt);
  if (!inService(state)) return undefined;
  const random = streamFor(seed, Salt.Noise, ...bus.identity, reportedAt);
  const [lon, lat] = truePoint(state);
  let dx = between(random, -GPS_NOISE_M, GPS_NOISE_M);
  let dy = between(random, -GPS_NOISE_M, GPS_NOISE_M);
  const jumped = random() < GPS_JUMP_SHARE;
  const jumpMetres = jumped ? between(random, GPS_JUMP_M[0], GPS_JUMP_M[1]) : 0;
  const heading = jumped ? random() * 2 * math_PI : 0;
  dx += jumpMetres * math_cos(heading);
  dy += jumpMetres * math_sin(heading);
  const coordinates: LonLat = [
    round6(lon + dx / (METERS_PER_DEGREE * math_cos((lat * math_PI) / 180))),
    round6(lat + dy / METERS_PER_DEGREE),
  ];
  const kmh = state.motion.speedMps * 3.6;
  const speedKmh = kmh > 0 ? math_max(1, math_round(kmh + between(random, -2, 2))) : 0;
  return { reportedAt, state, coordinates, jumpMetres, speedKmh };
}

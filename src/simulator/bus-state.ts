import type { SimBus, SimVariant } from './fleet';
import { Salt } from './fleet';
import { between, streamFor } from './prng';
import { METERS_PER_DEGREE, pointAtDistance, type LonLat } from '../shared/route';
import { TERMINUS_WAIT_MS } from './schedule';
import { motionAt, type BusMotion } from './trip-profile';
import { tripIndexAt, tripOf, type Trip } from './trips';

export { TERMINUS_WAIT_MS };

/** Buses report their position every 10 s, each with its own phase, as the real fleet's devices do. */
export const REPORT_INTERVAL_MS = 10_000;
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
 * - at-terminus: arrived at the variant's last stop, there for TERMINUS_WAIT_MS.
 * - waiting-to-depart: at stop 0, for a next trip that starts there.
 * - out-of-service: running empty to a mid-route first stop, or done after an early last stop.
 */
export type BusPhase = 'on-trip' | 'at-terminus' | 'waiting-to-depart' | 'out-of-service';

export interface BusState {
  phase: BusPhase;
  /** The trip the bus is on, or while waiting to depart (or empty before it), the next one. */
  trip: Trip;
  /** trip.start: epoch ms at which that trip leaves (or left) stop 0. */
  tripStart: number;
  motion: BusMotion;
}

function state(phase: BusPhase, trip: Trip, motion: BusMotion): BusState {
  return { phase, trip, tripStart: trip.start, motion };
}

/** Where a bus truly is at epoch ms `t`: a pure function of the seed, its trips and the time. */
export function busStateAt(seed: number, variant: SimVariant, bus: SimBus, t: number): BusState {
  const { offsets } = variant;
  const k = tripIndexAt(variant, bus, t);
  const trip = tripOf(seed, variant, bus, k);
  const { profile, firstStop, lastStop } = trip;
  const elapsed = t - trip.start;
  if (elapsed < profile.arrive[firstStop]) return state('out-of-service', trip, motionAt(profile, offsets, elapsed));
  if (elapsed < profile.arrive[lastStop]) return state('on-trip', trip, motionAt(profile, offsets, elapsed));
  if (elapsed < profile.duration + TERMINUS_WAIT_MS) {
    // At the terminus; or, after an early last stop, off duty until the turnaround.
    const parked = { along: offsets[lastStop], speedMps: 0, lastStop };
    return state(lastStop === offsets.length - 1 ? 'at-terminus' : 'out-of-service', trip, parked);
  }
  const next = tripOf(seed, variant, bus, k + 1);
  const atStart = { along: offsets[0], speedMps: 0, lastStop: 0 };
  return state(next.firstStop === 0 ? 'waiting-to-depart' : 'out-of-service', next, atStart);
}

/** Riders can see and board the bus; otherwise it is absent from the feed. */
export function inService(state: BusState): boolean {
  return state.phase !== 'out-of-service';
}

/** Epoch ms of the bus's last report at or before `t` (a whole second), whether or not it got through. */
export function lastReportAt(bus: SimBus, t: number): number {
  return Math.floor((t - bus.reportPhaseMs) / REPORT_INTERVAL_MS) * REPORT_INTERVAL_MS + bus.reportPhaseMs;
}

/** How long the report taken at `reportedAt` takes to reach the feed, ms. */
export function reportLagMs(seed: number, variant: SimVariant, bus: SimBus, reportedAt: number): number {
  const [min, max] = REPORT_LAG_MS;
  return Math.round(between(streamFor(seed, Salt.Lag, variant.record.lineVariantId, bus.index, reportedAt), min, max));
}

/** The span [from, to) of the block starting at `blockStart` in which the bus's reports are lost, if any. */
export function dropoutIn(
  seed: number,
  variant: SimVariant,
  bus: SimBus,
  blockStart: number,
): [number, number] | undefined {
  const random = streamFor(seed, Salt.Dropout, variant.record.lineVariantId, bus.index, blockStart);
  if (random() >= DROPOUT_SHARE) return undefined;
  const length = Math.round(between(random, DROPOUT_MS[0], DROPOUT_MS[1]));
  const from = blockStart + Math.round(random() * (DROPOUT_BLOCK_MS - length));
  return [from, from + length];
}

function reportLost(seed: number, variant: SimVariant, bus: SimBus, reportedAt: number): boolean {
  const blockStart = Math.floor(reportedAt / DROPOUT_BLOCK_MS) * DROPOUT_BLOCK_MS;
  const window = dropoutIn(seed, variant, bus, blockStart);
  return window !== undefined && reportedAt >= window[0] && reportedAt < window[1];
}

/**
 * Epoch ms of the newest report the feed has at `t`: taken at or before t, arrived by t (lags are shorter
 * than the interval, so reports arrive in order), and not lost in a dropout.
 */
export function deliveredReportAt(seed: number, variant: SimVariant, bus: SimBus, t: number): number {
  let reportedAt = lastReportAt(bus, t);
  if (reportedAt + reportLagMs(seed, variant, bus, reportedAt) > t) reportedAt -= REPORT_INTERVAL_MS;
  for (let i = 0; i < MAX_REPORTS_LOST_IN_A_ROW && reportLost(seed, variant, bus, reportedAt); i++) {
    reportedAt -= REPORT_INTERVAL_MS;
  }
  return reportedAt;
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

export interface BusReport {
  reportedAt: number;
  /** The bus's true state when it reported; always in service (see feedReportAt). */
  state: BusState;
  /** Rounded to 6 decimals like the real feed, with a few metres of GPS noise. */
  coordinates: LonLat;
  /** How far off the true position a rare GPS jump put this report, metres; 0 for most reports. */
  jumpMetres: number;
  /** Integer km/h, within a couple of km/h of the truth while moving. */
  speedKmh: number;
}

/** The bus's true position at `along` metres, as [lon, lat] (no noise, not rounded). */
export function truePoint(variant: SimVariant, along: number): LonLat {
  return pointAtDistance(variant.route, along);
}

/**
 * What the feed shows for the bus at epoch ms `t`, or undefined when the newest report that got through
 * was taken out of service (the bus is absent). Noise depends only on the seed, the bus and the report time.
 */
export function feedReportAt(seed: number, variant: SimVariant, bus: SimBus, t: number): BusReport | undefined {
  const reportedAt = deliveredReportAt(seed, variant, bus, t);
  const state = busStateAt(seed, variant, bus, reportedAt);
  if (!inService(state)) return undefined;
  const random = streamFor(seed, Salt.Noise, variant.record.lineVariantId, bus.index, reportedAt);
  const [lon, lat] = truePoint(variant, state.motion.along);
  let dx = between(random, -GPS_NOISE_M, GPS_NOISE_M);
  let dy = between(random, -GPS_NOISE_M, GPS_NOISE_M);
  const jumped = random() < GPS_JUMP_SHARE;
  const jumpMetres = jumped ? between(random, GPS_JUMP_M[0], GPS_JUMP_M[1]) : 0;
  const heading = jumped ? random() * 2 * Math.PI : 0;
  dx += jumpMetres * Math.cos(heading);
  dy += jumpMetres * Math.sin(heading);
  const coordinates: LonLat = [
    round6(lon + dx / (METERS_PER_DEGREE * Math.cos((lat * Math.PI) / 180))),
    round6(lat + dy / METERS_PER_DEGREE),
  ];
  const kmh = state.motion.speedMps * 3.6;
  const speedKmh = kmh > 0 ? Math.max(1, Math.round(kmh + between(random, -2, 2))) : 0;
  return { reportedAt, state, coordinates, jumpMetres, speedKmh };
}

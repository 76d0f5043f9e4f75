import type { SimBus, SimVariant } from './fleet';
import { Salt } from './fleet';
import { between, streamFor } from './prng';
import { METERS_PER_DEGREE, pointAtDistance, type LonLat } from '../shared/route';
import { motionAt, type BusMotion } from './trip-profile';

/** Buses report their position every 10 s, each with its own phase, as the real fleet's devices do. */
export const REPORT_INTERVAL_MS = 10_000;
/** After the last stop the bus stays there a moment, then reappears at the first stop for its next trip. */
export const TERMINUS_WAIT_MS = 45_000;
/** GPS noise per axis, metres. */
const GPS_NOISE_M = 4;

export type BusPhase = 'on-trip' | 'at-terminus' | 'waiting-to-depart';

export interface BusState {
  phase: BusPhase;
  /** Epoch ms at which the current trip started, or, while waiting to depart, at which the next one will. */
  tripStart: number;
  motion: BusMotion;
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

/** Where a bus truly is at epoch ms `t`: a pure function of its timetable and the time. */
export function busStateAt(variant: SimVariant, bus: SimBus, t: number): BusState {
  const { profile } = bus;
  const { offsets } = variant;
  const elapsed = mod(t - bus.firstDeparture, variant.cycleMs);
  const tripStart = t - elapsed;
  if (elapsed < profile.duration) return { phase: 'on-trip', tripStart, motion: motionAt(profile, offsets, elapsed) };
  if (elapsed < profile.duration + TERMINUS_WAIT_MS) {
    const last = offsets.length - 1;
    return { phase: 'at-terminus', tripStart, motion: { along: offsets[last], speedMps: 0, lastStop: last } };
  }
  return {
    phase: 'waiting-to-depart',
    tripStart: tripStart + variant.cycleMs,
    motion: { along: 0, speedMps: 0, lastStop: 0 },
  };
}

/** Epoch ms of the bus's last report at or before `t` (a whole second). */
export function lastReportAt(bus: SimBus, t: number): number {
  return Math.floor((t - bus.reportPhaseMs) / REPORT_INTERVAL_MS) * REPORT_INTERVAL_MS + bus.reportPhaseMs;
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

export interface BusReport {
  reportedAt: number;
  state: BusState;
  /** Rounded to 6 decimals like the real feed, with a few metres of GPS noise. */
  coordinates: LonLat;
  /** Integer km/h, within a couple of km/h of the truth while moving. */
  speedKmh: number;
}

/** What the bus last sent as of epoch ms `t`; noise depends only on the seed, the bus and the report time. */
export function busReportAt(seed: number, variant: SimVariant, bus: SimBus, t: number): BusReport {
  const reportedAt = lastReportAt(bus, t);
  const state = busStateAt(variant, bus, reportedAt);
  const random = streamFor(seed, Salt.Noise, variant.record.lineVariantId, bus.index, reportedAt);
  const [lon, lat] = pointAtDistance(variant.route, state.motion.along);
  const dx = between(random, -GPS_NOISE_M, GPS_NOISE_M);
  const dy = between(random, -GPS_NOISE_M, GPS_NOISE_M);
  const coordinates: LonLat = [
    round6(lon + dx / (METERS_PER_DEGREE * Math.cos((lat * Math.PI) / 180))),
    round6(lat + dy / METERS_PER_DEGREE),
  ];
  const kmh = state.motion.speedMps * 3.6;
  const speedKmh = kmh > 0 ? Math.max(1, Math.round(kmh + between(random, -2, 2))) : 0;
  return { reportedAt, state, coordinates, speedKmh };
}

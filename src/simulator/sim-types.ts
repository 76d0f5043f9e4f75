import type { GeoPoint } from '../shared/montevideo-data';
import type { BusPhase } from './bus-state';

/** One item of `GET /buses`, field for field and in the real API's order. */
export interface SimVehicle {
  eType: 'buses';
  company: string;
  /** Time of the bus's last report, Montevideo local: `2025-11-15T13:14:07.000-03`. */
  timestamp: string;
  busId: number;
  line: string;
  lineVariantId: number;
  location: GeoPoint;
  origin: string;
  destination: string;
  subline: string;
  special: boolean;
  /** km/h, integer, as the device reports it. */
  speed: number;
  access: null;
  thermalConfort: null;
  emissions: null;
}

/** One item of `GET /buses/busstops/{id}/upcomingbuses`: the city's own arrival estimate. */
export interface SimUpcomingBus {
  busId: number;
  companyName: string;
  lineVariantId: number;
  line: string;
  origin: string;
  destination: string;
  subline: string;
  special: boolean;
  /** Seconds until the bus reaches the stop. */
  eta: number;
  /** Metres along the route from the bus to the stop. */
  distance: number;
  /** How many stops away the bus is. */
  position: number;
  access: null;
  thermalConfort: null;
  emissions: null;
  location: GeoPoint;
}

/** One item of `GET /buses/busstops/{id}/lines`. */
export interface SimStopLine {
  lineId: number;
  line: string;
}

export interface BusSimulatorOptions {
  seed: number;
  /** Simulated seconds per real second; 1 = wall clock. */
  timeScale: number;
  /** Real epoch ms from which simulated time runs faster or slower; default: construction time. */
  startedAt?: number;
  /**
   * The moment of the city's service the simulator shows at `startedAt` (epoch ms; default: that same
   * moment). Timestamps, arrivals and queries stay on the simulator's clock; only the timetable, the day
   * type and the traffic of the hour are read this far ahead (or behind). Tests pin the service to a weekday
   * morning this way, whatever the hour they run at, and the product still sees fresh fixes.
   */
  serviceAt?: number;
}

export interface VehicleQuery {
  /** Line names, compared trimmed and case-insensitively; empty or absent = every line. */
  lines?: string[];
  /** Keep only these variants; empty or absent = every variant. */
  variantIds?: number[];
  /** Simulated epoch ms; default: now(). */
  at?: number;
}

/** What `arrivals()` looks for. */
export interface ArrivalQuery {
  /** Only visits to this stop; absent = every stop. */
  stopId?: number;
  /** Line names, compared trimmed and case-insensitively; empty or absent = every line. */
  lines?: string[];
  /** Simulated epoch ms, both inclusive; at most MAX_ARRIVALS_WINDOW_MS apart. */
  from: number;
  to: number;
}

/** Ground truth: one time a bus reached a stop it serves on that trip. Not part of the STM API. */
export interface SimArrival {
  busId: number;
  company: string;
  line: string;
  lineVariantId: number;
  stopId: number;
  /** Position of the stop in the variant's sequence (a stop the variant passes twice has two). */
  stopIndex: number;
  /** Epoch ms at which the bus reached the stop. */
  arrivedAt: number;
  /** Epoch ms at which it left; equal to arrivedAt at the trip's last served stop. */
  departedAt: number;
}

/** Identifies one bus: numbers repeat across companies. */
export interface SimBusKey {
  company: string;
  busId: number;
}

/** A simulated bus, for tools and tests that want to ask about each one. */
export interface SimBusInfo extends SimBusKey {
  line: string;
  lineVariantId: number;
}

/** Where a bus truly is at a moment, whatever the feed shows. For tests and evaluation, not the STM API. */
export interface SimBusTruth extends SimBusInfo {
  phase: BusPhase;
  /** Absent from the feed when false. */
  inService: boolean;
  /** The trip it is on, has just ended, or waits for: its place in the bus's day, start, and the stops it serves. */
  tripIndex: number;
  tripStart: number;
  firstStop: number;
  lastStop: number;
  /** Metres along the variant's route. */
  along: number;
  speedMps: number;
  /** Index of the last stop reached on the trip (the bus is at it, or just past it). */
  stopIndex: number;
  /** True position, without GPS noise (off its road on a detour). */
  location: GeoPoint;
  /** The trip leaves its road for a stretch: [from, to] metres along it, or null. */
  detour: { from: number; to: number } | null;
}

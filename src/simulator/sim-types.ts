import type { GeoPoint } from '../shared/montevideo-data';

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
}

export interface VehicleQuery {
  /** Line names, compared trimmed and case-insensitively; empty or absent = every line. */
  lines?: string[];
  /** Keep only these variants; empty or absent = every variant. */
  variantIds?: number[];
  /** Simulated epoch ms; default: now(). */
  at?: number;
}

import { GeoPoint } from '../../shared/montevideo-data';

/** A vehicle as `GET /buses` serves it (see test/fixtures/stm-api-samples/buses-line-21.json). */
export interface RawBus {
  eType?: string;
  company: string;
  timestamp: string;
  busId: number;
  line: string;
  lineVariantId: number;
  location: GeoPoint;
  origin: string;
  destination: string;
  subline: string;
  special: boolean;
  speed: number | null;
  access?: string | null;
  thermalConfort?: string | null;
  emissions?: string | null;
}

/** A bus report after validation and timestamp normalisation. */
export interface BusReport {
  company: string;
  busId: number;
  line: string;
  variantId: number;
  origin: string;
  destination: string;
  latitude: number;
  longitude: number;
  fixAt: Date;
  /** The API's own speed figure; kept for reference only, speed is computed from history. */
  reportedSpeedKmh: number | null;
}

export interface StopLine {
  lineId: number;
  line: string;
}

/** The city's own prediction for a stop (`/busstops/{id}/upcomingbuses`). */
export interface UpcomingBus {
  busId: number;
  company: string;
  line: string;
  variantId: number;
  destination: string;
  etaSeconds: number;
  distanceMeters: number;
}

/** What a parse of an upstream list kept, and how many items it had to skip. */
export interface Parsed<T> {
  items: T[];
  skipped: number;
  /** A few examples of why items were skipped (for logs; never secrets). */
  problems: string[];
  /** Skipped items by reason (see SKIP_REASONS), for the metric bus_tracker_upstream_items_skipped_total. */
  reasons: Partial<Record<SkipReason, number>>;
}

/**
 * Why an upstream item was skipped: malformed (missing or mistyped fields), out_of_range (a number beyond the
 * 32-bit integers our columns and ids hold), too_long (a text longer than its column), future_fix (a fix
 * stamped more than a minute ahead, which would freeze the bus: every later fix looks older).
 */
export const SKIP_REASONS = ['malformed', 'out_of_range', 'too_long', 'future_fix'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

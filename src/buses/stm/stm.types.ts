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
}

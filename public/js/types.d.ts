// The API's answers as the page uses them (see /docs for the full schemas).

export interface Stop {
  id: number;
  street1: string | null;
  street2: string | null;
  latitude: number;
  longitude: number;
  distanceMeters?: number;
}

/** A line calling at a stop, and where its variants there go. */
export interface LineCall {
  line: string;
  destinations: string[];
}

/** A stop search result. */
export interface StopHit extends Stop {
  lines: LineCall[];
}

export interface Variant {
  id: number;
  origin: string;
  destination: string;
  subline: string;
  special: boolean;
  routeKnown: boolean;
}

export interface Line {
  line: string;
  routeKnown: boolean;
  variants: Variant[];
}

export interface StopDetail extends Stop {
  lines: Line[];
}

export type BusStatus =
  'arriving' | 'very_close' | 'approaching' | 'on_the_way' | 'passed' | 'calculating' | 'at_terminus' | 'not_coming';

export interface Bus {
  busId: number;
  company: string;
  line: string;
  variantId: number;
  destination: string;
  distanceMeters: number;
  speedKmh: number | null;
  etaSeconds: number | null;
  etaMinutes: number | null;
  status: BusStatus;
  passed: boolean;
  /** [longitude, latitude] */
  location: [number, number];
  lastSeenAt: string;
  lastFixAt: string;
  dataAgeSeconds: number;
  stale: boolean;
  positionsCount: number;
}

export type TrackingStatus = 'active' | 'stopped' | 'expired' | 'failed';

export interface Upstream {
  state: 'ok' | 'stale' | 'unavailable';
  since: string | null;
  nextAttemptAt: string | null;
}

/** A departure not yet on its way (the API adds these where it knows the timetable). */
export interface ScheduledDeparture {
  line: string;
  variantId: number;
  destination: string;
  departureAt: string;
  arrivalAt: string | null;
  etaSeconds: number | null;
  busId: number | null;
}

export interface BusList {
  trackingId: string;
  status: TrackingStatus;
  stopId: number;
  lastSuccessAt: string | null;
  generatedAt: string;
  upstream?: Upstream | null;
  buses: Bus[];
  scheduled?: ScheduledDeparture[];
}

export interface Tracking {
  id: string;
  stopId: number;
  lines: string[];
  variantIds: number[];
  status: TrackingStatus;
  startedAt: string;
  endedAt: string | null;
  stopReason: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  created?: boolean;
  warning?: string;
}

export interface RouteStop extends Stop {
  position: number;
}

export interface VariantRoute {
  variantId: number;
  line: string;
  origin: string;
  destination: string;
  routeKnown: boolean;
  stops: RouteStop[];
}

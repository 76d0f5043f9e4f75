import { BusStatus } from '../entities/bus-tracking.entity';
import { BusReport } from '../stm/stm.types';
import {
  alongSeries,
  AlongFix,
  estimateAlongRoute,
  VariantPath,
  visitsOf,
  type AlongRouteSettings,
} from './along-route';
import { busStatus, etaSeconds, Fix, hasPassed, Position, speedKmh, STALE_AFTER_SECONDS } from './bus-metrics';
import { haversineMeters, LatLon } from './geo';

/** Positions kept per bus (SPEC §3.4). */
export const MAX_POSITIONS = 30;
/** A bus absent from this many consecutive polls leaves the list (SPEC §3.3). */
export const MAX_MISSING_POLLS = 3;

/**
 * What the tracker knows about one bus whatever stop it is seen from: its latest report and its last
 * positions. Every tracking of the bus's line shares it, so it is kept once per line (from the line's
 * snapshots), not once per tracking.
 */
export interface BusTrack {
  company: string;
  busId: number;
  line: string;
  variantId: number;
  destination: string;
  latitude: number;
  longitude: number;
  /** The API's own timestamp of the newest fix. */
  lastFixAt: Date;
  /** When a poll of its line last listed it. */
  lastSeenAt: Date;
  /** Consecutive polls of its line that did not list it. */
  missingCount: number;
  /** Fixes in time order, at most MAX_POSITIONS; never mutated once built (memoised on identity). */
  history: readonly Position[];
}

/** What one tracking shows of one bus: the bus, and where it stands with respect to the tracked stop. */
export interface BusState extends Omit<BusTrack, 'history'> {
  distanceMeters: number;
  speedKmh: number | null;
  etaSeconds: number | null;
  status: BusStatus;
  passed: boolean;
  positionsCount: number;
}

export const busKey = (b: { company: string; busId: number }): string => `${b.company}#${b.busId}`;

/**
 * Streets are not straight: where no route is known, the distance shown is the straight line times this
 * (a usual detour factor for a city grid). The straight-line ETA is a ratio of two distances and does not
 * change with it.
 */
export const ROAD_FACTOR = 1.3;

/** What the tick knows about routes: the tracked stop, and the path of every variant whose sequence is known. */
export interface RouteContext extends AlongRouteSettings {
  stopId: number;
  pathOf(variantId: number): VariantPath | undefined;
}

/**
 * One poll of a line (SPEC §3.3 steps 3–4), whoever asked for it: add a fix when its API timestamp is
 * new, keep the last 30; count the misses of the buses not listed and drop them at the third; a bus that
 * comes back after that starts afresh. Pure: returns the buses still on the list, new objects for the
 * ones that changed.
 */
export function advanceTracks(
  previous: readonly BusTrack[],
  reports: readonly BusReport[],
  polledAt: Date,
): BusTrack[] {
  const latest = new Map<string, BusReport>();
  for (const r of reports) {
    const seen = latest.get(busKey(r));
    if (!seen || r.fixAt > seen.fixAt) latest.set(busKey(r), r); // the feed can list a bus twice
  }
  const byKey = new Map(previous.map((b) => [busKey(b), b]));
  const kept: BusTrack[] = [];
  for (const report of latest.values()) {
    const before = byKey.get(busKey(report));
    byKey.delete(busKey(report));
    const track: BusTrack = {
      ...(before ?? firstSight(report, polledAt)),
      line: report.line,
      variantId: report.variantId,
      destination: report.destination,
      missingCount: 0,
      lastSeenAt: polledAt,
    };
    const newest = track.history[track.history.length - 1];
    if (!newest || report.fixAt > newest.fixAt) {
      const fix: Position = { latitude: report.latitude, longitude: report.longitude, fixAt: report.fixAt };
      track.history = [...track.history, fix].slice(-MAX_POSITIONS);
      Object.assign(track, { latitude: fix.latitude, longitude: fix.longitude, lastFixAt: fix.fixAt });
    }
    kept.push(track);
  }
  for (const bus of byKey.values()) {
    if (bus.missingCount + 1 < MAX_MISSING_POLLS) kept.push({ ...bus, missingCount: bus.missingCount + 1 });
  }
  return kept;
}

/** A bus seen for the first time (or again after it left the list): no history yet. */
function firstSight(report: BusReport, polledAt: Date): BusTrack {
  return {
    company: report.company,
    busId: report.busId,
    line: report.line,
    variantId: report.variantId,
    destination: report.destination,
    latitude: report.latitude,
    longitude: report.longitude,
    lastFixAt: report.fixAt,
    lastSeenAt: polledAt,
    missingCount: 0,
    history: [],
  };
}

/** The bus's fixes with their straight-line distance to a stop, for the seed's rules. */
export function withDistances(history: readonly Position[], stop: LatLon): Fix[] {
  // Spelled out rather than spread: this runs for every bus of every tick, and the spread is slower.
  return history.map((p) => ({
    latitude: p.latitude,
    longitude: p.longitude,
    fixAt: p.fixAt,
    distanceMeters: haversineMeters(stop, p),
  }));
}

/**
 * A history's positions along a variant's route depend on the bus and the route, not on the stop: every
 * tracking of the line in this process shares them. Histories are immutable, so their identity is the key.
 */
const seriesCache = new WeakMap<readonly Position[], WeakMap<VariantPath, AlongFix[] | null>>();

function seriesOf(path: VariantPath, history: readonly Position[]): AlongFix[] | null {
  let byPath = seriesCache.get(history);
  if (!byPath) seriesCache.set(history, (byPath = new WeakMap<VariantPath, AlongFix[] | null>()));
  let series = byPath.get(path);
  if (series === undefined) byPath.set(path, (series = alongSeries(path, history)));
  return series;
}

/**
 * Distance, speed, passed, ETA and label of a bus seen from a stop: along its variant's route where the
 * path is known and places the bus, by the seed's straight-line rules otherwise. The ETA counts from the
 * newest fix, and none is given from a fix older than STALE_AFTER_SECONDS.
 */
export function estimateBus(track: BusTrack, stop: LatLon, now: Date, routes?: RouteContext): BusState {
  const history = track.history;
  const fresh = now.getTime() - track.lastFixAt.getTime() <= STALE_AFTER_SECONDS * 1000;
  const path = routes?.pathOf(track.variantId);
  // A variant that does not call at the stop needs no projection: estimateAlongRoute says so from the path.
  const serves = path && routes ? visitsOf(path, routes.stopId).length > 0 : false;
  const estimate =
    path && routes
      ? estimateAlongRoute(path, routes.stopId, history, routes, serves ? seriesOf(path, history) : null)
      : null;
  if (estimate?.kind === 'not-serving') {
    // Its variant does not call at this stop (the other direction, a short run): it is not coming.
    const distance = haversineMeters(stop, track) * ROAD_FACTOR;
    return state(track, distance, speedKmh(history), null, 'not_coming', false);
  }
  if (estimate) {
    const eta = fresh ? estimate.etaSeconds : null;
    const status = estimate.atTerminus ? 'at_terminus' : busStatus(estimate.remainingMeters, estimate.passed, eta);
    return state(track, estimate.remainingMeters, estimate.speedKmh, eta, status, estimate.passed);
  }
  const fixes = withDistances(history, stop);
  const passed = hasPassed(fixes);
  const eta = fresh ? etaSeconds(fixes, passed) : null;
  const distance = haversineMeters(stop, track) * ROAD_FACTOR;
  return state(track, distance, speedKmh(history), eta, busStatus(distance, passed, eta), passed);
}

/** Spelled out rather than spread: this runs for every bus of every tick. */
function state(
  track: BusTrack,
  distanceMeters: number,
  speed: number | null,
  eta: number | null,
  status: BusStatus,
  passed: boolean,
): BusState {
  return {
    company: track.company,
    busId: track.busId,
    line: track.line,
    variantId: track.variantId,
    destination: track.destination,
    latitude: track.latitude,
    longitude: track.longitude,
    lastFixAt: track.lastFixAt,
    lastSeenAt: track.lastSeenAt,
    missingCount: track.missingCount,
    positionsCount: track.history.length,
    distanceMeters,
    speedKmh: speed,
    etaSeconds: eta,
    status,
    passed,
  };
}

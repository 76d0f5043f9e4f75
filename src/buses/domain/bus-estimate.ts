import {
  arrivalAlong,
  progressAlong,
  RouteProgress,
  VariantPath,
  visitsOf,
  type AlongRouteSettings,
} from './along-route';
import {
  busStatus,
  etaSeconds,
  Fix,
  hasPassed,
  Position,
  RECENT_FIXES,
  speedKmh,
  STALE_AFTER_SECONDS,
} from './bus-metrics';
import { BusStatus } from './bus-status';
import { BusTrack } from './bus-track';
import { LatLon, metersBetween } from './geo';

/**
 * What a line publishes of one of its buses after each poll: the latest report, the last few fixes (all the
 * straight-line rules need) and, where its variant's route is known and places it, its progress along that
 * route. Every tracking of the line reads it; nothing in it depends on a stop.
 */
export interface LineBus extends Omit<BusTrack, 'history'> {
  positionsCount: number;
  /** The last RECENT_FIXES fixes, in time order. */
  recent: Position[];
  progress: RouteProgress | null;
}

/** A bus as one tracking's stop sees it: the bus, and where it stands with respect to the stop. */
export interface BusEstimate extends Omit<LineBus, 'recent' | 'progress'> {
  distanceMeters: number;
  speedKmh: number | null;
  etaSeconds: number | null;
  status: BusStatus;
  passed: boolean;
}

/**
 * Streets are not straight: where no route is known, the distance shown is the straight line times this
 * (a usual detour factor for a city grid). The straight-line ETA is a ratio of two distances and does not
 * change with it.
 */
export const ROAD_FACTOR = 1.3;

/** What a reader knows about routes: the tracked stop, and the path of every variant whose route is known. */
export interface RouteContext extends AlongRouteSettings {
  stopId: number;
  pathOf(variantId: number): VariantPath | undefined;
}

/** The line's side of the work, once per bus and poll: its track summed up, with its progress along its route. */
export function lineBusOf(track: BusTrack, path: VariantPath | undefined, settings: AlongRouteSettings): LineBus {
  const { history, ...bus } = track;
  return {
    ...bus,
    positionsCount: history.length,
    recent: history.slice(-RECENT_FIXES),
    progress: path ? progressAlong(path, history, settings) : null,
  };
}

/** The bus's fixes with their straight-line distance to a stop, for the seed's rules. */
export function withDistances(history: readonly Position[], stop: LatLon): Fix[] {
  return history.map((p) => ({
    latitude: p.latitude,
    longitude: p.longitude,
    fixAt: p.fixAt,
    distanceMeters: metersBetween(stop, p),
  }));
}

/**
 * Distance, speed, passed, ETA and label of a bus seen from a stop: along its variant's route where the path
 * is known and places the bus, by the seed's straight-line rules otherwise. The ETA counts from the newest
 * fix, and none is given from a fix older than STALE_AFTER_SECONDS. A few arithmetic operations per bus: the
 * rider's view is computed when it is read, not stored.
 */
export function estimateBus(bus: LineBus, stop: LatLon, now: Date, routes?: RouteContext): BusEstimate {
  const fresh = now.getTime() - bus.lastFixAt.getTime() <= STALE_AFTER_SECONDS * 1000;
  const path = routes?.pathOf(bus.variantId);
  if (path && routes && !visitsOf(path, routes.stopId).length) {
    // Its variant does not call at this stop (the other direction, a short run): it is not coming.
    return estimate(bus, metersBetween(stop, bus) * ROAD_FACTOR, speedKmh(bus.recent), null, 'not_coming', false);
  }
  const along = path && routes && bus.progress ? arrivalAlong(path, routes.stopId, bus.progress, routes) : null;
  if (along?.kind === 'on-route') {
    const eta = fresh ? along.etaSeconds : null;
    const status = along.atTerminus ? 'at_terminus' : busStatus(along.remainingMeters, along.passed, eta);
    return estimate(bus, along.remainingMeters, along.speedKmh, eta, status, along.passed);
  }
  const fixes = withDistances(bus.recent, stop);
  const passed = hasPassed(fixes);
  const eta = fresh ? etaSeconds(fixes, passed) : null;
  const distance = metersBetween(stop, bus) * ROAD_FACTOR;
  return estimate(bus, distance, speedKmh(bus.recent), eta, busStatus(distance, passed, eta), passed);
}

/**
 * The ETA a rider is shown at `now`: what is left of the estimate (which counts from the bus's last fix), in
 * whole seconds; none from a fix older than STALE_AFTER_SECONDS.
 */
export function shownEtaSeconds(bus: Pick<BusEstimate, 'etaSeconds' | 'lastFixAt'>, now: Date): number | null {
  const ageSeconds = Math.max(0, (now.getTime() - bus.lastFixAt.getTime()) / 1000);
  if (bus.etaSeconds === null || Math.round(ageSeconds) > STALE_AFTER_SECONDS) return null;
  return Math.max(0, Math.round(bus.etaSeconds - ageSeconds));
}

/** Spelled out rather than spread: this runs for every bus of every tracking read. */
function estimate(
  bus: LineBus,
  distanceMeters: number,
  speed: number | null,
  eta: number | null,
  status: BusStatus,
  passed: boolean,
): BusEstimate {
  return {
    company: bus.company,
    busId: bus.busId,
    line: bus.line,
    variantId: bus.variantId,
    destination: bus.destination,
    latitude: bus.latitude,
    longitude: bus.longitude,
    lastFixAt: bus.lastFixAt,
    lastSeenAt: bus.lastSeenAt,
    missingCount: bus.missingCount,
    positionsCount: bus.positionsCount,
    distanceMeters,
    speedKmh: speed,
    etaSeconds: eta,
    status,
    passed,
  };
}

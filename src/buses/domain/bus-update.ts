import { BusStatus } from '../entities/bus-tracking.entity';
import { BusReport } from '../stm/stm.types';
import { estimateAlongRoute, VariantPath, type AlongRouteSettings } from './along-route';
import { busStatus, etaSeconds, Fix, hasPassed, speedKmh, STALE_AFTER_SECONDS } from './bus-metrics';
import { haversineMeters, LatLon } from './geo';

/** Positions kept per bus (SPEC §3.4). */
export const MAX_POSITIONS = 30;
/** A bus absent from this many consecutive polls leaves the list (SPEC §3.3). */
export const MAX_MISSING_POLLS = 3;

/** What the tracker knows about one bus for one stop, between ticks. */
export interface BusState {
  id?: number;
  company: string;
  busId: number;
  line: string;
  variantId: number;
  destination: string;
  latitude: number;
  longitude: number;
  distanceMeters: number;
  speedKmh: number | null;
  etaSeconds: number | null;
  status: BusStatus;
  passed: boolean;
  missingCount: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
  lastFixAt: Date;
  /** Fixes in time order, at most MAX_POSITIONS. */
  history: Fix[];
}

export interface BusUpdate {
  /** Buses still on the list, updated. */
  kept: BusState[];
  /** Buses gone for MAX_MISSING_POLLS polls: to delete. */
  removed: BusState[];
  /** Fixes to store, with the bus each belongs to. */
  newFixes: { bus: BusState; fix: Fix }[];
  /** Stored fixes that fell out of the 30-position window. */
  droppedFixIds: number[];
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
 * One poll's worth of state change for a tracking (SPEC §3.3 steps 3–4): add a fix when its API
 * timestamp is new, keep the last 30, recompute speed, passed and ETA; count misses and drop buses
 * missing three times. Pure: the caller loads and stores.
 */
export function applyReports(
  previous: readonly BusState[],
  reports: readonly BusReport[],
  stop: LatLon,
  now: Date,
  routes?: RouteContext,
): BusUpdate {
  const latest = new Map<string, BusReport>();
  for (const r of reports) {
    const seen = latest.get(busKey(r));
    if (!seen || r.fixAt > seen.fixAt) latest.set(busKey(r), r); // the feed can list a bus twice
  }
  const byKey = new Map(previous.map((b) => [busKey(b), b]));
  const update: BusUpdate = { kept: [], removed: [], newFixes: [], droppedFixIds: [] };

  for (const report of latest.values()) {
    const before = byKey.get(busKey(report));
    byKey.delete(busKey(report));
    const distanceMeters = haversineMeters(stop, report);
    const bus: BusState = before ? { ...before, history: [...before.history] } : firstSight(report, now);
    Object.assign(bus, {
      line: report.line,
      variantId: report.variantId,
      destination: report.destination,
      missingCount: 0,
      lastSeenAt: now,
    });
    const newest = bus.history[bus.history.length - 1];
    if (!newest || report.fixAt > newest.fixAt) {
      const fix: Fix = { latitude: report.latitude, longitude: report.longitude, fixAt: report.fixAt, distanceMeters };
      const history = [...bus.history, fix];
      for (const old of history.splice(0, history.length - MAX_POSITIONS))
        if (old.id) update.droppedFixIds.push(old.id);
      bus.history = history;
      Object.assign(bus, { latitude: fix.latitude, longitude: fix.longitude, distanceMeters, lastFixAt: fix.fixAt });
      update.newFixes.push({ bus, fix });
    }
    recompute(bus, stop, now, routes);
    update.kept.push(bus);
  }

  for (const bus of byKey.values()) {
    const missing = { ...bus, missingCount: bus.missingCount + 1 };
    (missing.missingCount >= MAX_MISSING_POLLS ? update.removed : update.kept).push(missing);
  }
  return update;
}

/** A bus seen for the first time (or again after it left the list): fresh state, no history. */
function firstSight(report: BusReport, now: Date): BusState {
  return {
    company: report.company,
    busId: report.busId,
    line: report.line,
    variantId: report.variantId,
    destination: report.destination,
    latitude: report.latitude,
    longitude: report.longitude,
    distanceMeters: 0,
    speedKmh: null,
    etaSeconds: null,
    status: 'calculating',
    passed: false,
    missingCount: 0,
    firstSeenAt: now,
    lastSeenAt: now,
    lastFixAt: report.fixAt,
    history: [],
  };
}

/**
 * Distance, speed, passed, ETA and label from the bus's fixes: along its variant's route where the path
 * is known and places the bus, by the seed's straight-line rules otherwise. The ETA counts from the newest
 * fix, and none is given from a fix older than STALE_AFTER_SECONDS.
 */
function recompute(bus: BusState, stop: LatLon, now: Date, routes?: RouteContext): void {
  const fresh = now.getTime() - bus.lastFixAt.getTime() <= STALE_AFTER_SECONDS * 1000;
  const path = routes?.pathOf(bus.variantId);
  const estimate = path && routes ? estimateAlongRoute(path, routes.stopId, bus.history, routes) : null;
  if (estimate?.kind === 'not-serving') {
    // Its variant does not call at this stop (the other direction, a short run): it is not coming.
    Object.assign(bus, { passed: false, speedKmh: speedKmh(bus.history), etaSeconds: null, status: 'not_coming' });
    bus.distanceMeters = haversineMeters(stop, bus) * ROAD_FACTOR;
  } else if (estimate) {
    bus.passed = estimate.passed;
    bus.distanceMeters = estimate.remainingMeters;
    bus.speedKmh = estimate.speedKmh;
    bus.etaSeconds = fresh ? estimate.etaSeconds : null;
    bus.status = estimate.atTerminus ? 'at_terminus' : busStatus(bus.distanceMeters, bus.passed, bus.etaSeconds);
  } else {
    bus.passed = hasPassed(bus.history);
    bus.distanceMeters = haversineMeters(stop, bus) * ROAD_FACTOR;
    bus.speedKmh = speedKmh(bus.history);
    bus.etaSeconds = fresh ? etaSeconds(bus.history, bus.passed) : null;
    bus.status = busStatus(bus.distanceMeters, bus.passed, bus.etaSeconds);
  }
}

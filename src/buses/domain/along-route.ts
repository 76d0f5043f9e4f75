import type { VariantPath } from '../../catalog/domain/variant-path';
import { projectNearHint } from '../../shared/route';
import type { Position } from './bus-metrics';

// The catalogue builds variant paths; these names stay reachable here for the tracker's code and tests.
export { buildVariantPath, type PathStop, type VariantPath } from '../../catalog/domain/variant-path';

/**
 * Where a bus is along its variant's route, and what follows from it: distance to the stop along the
 * streets it will drive, speed from its progress along the route, whether it is past the stop, and when it
 * will get there. Used wherever the variant's stop sequence is known; the seed's straight-line rules remain
 * the fallback for the rest of the network.
 */

export interface AlongRouteSettings {
  /** Time a bus spends at each stop it serves before the tracked one. */
  dwellSeconds: number;
}

export const DEFAULT_ALONG_ROUTE_SETTINGS: AlongRouteSettings = { dwellSeconds: 20 };

/**
 * A bus this far past the stop along the route has left it. GPS scatters about 6 m either way along the
 * road: 15 m is two and a half times that, and still less than a bus's length past the stop.
 */
export const PASS_MARGIN_M = 15;
/** A fix farther than this from every stretch of the route is not on it (detour, bad fix): not projected. */
export const OFF_ROUTE_M = 250;
/** Speed shown to the rider: progress over about the last two minutes. */
const SPEED_WINDOW_MS = 120_000;
/** ETA: progress over up to the last ten minutes, so that one stop or one red light does not swing it. */
const ETA_WINDOW_MS = 600_000;
/**
 * Running speed (between stops, dwell excluded) assumed before a bus has shown its own, and how many
 * seconds of observation that assumption weighs: a bus seen for one minute is judged half on its own pace.
 */
const PRIOR_RUNNING_MPS = 25 / 3.6;
const PRIOR_WEIGHT_S = 60;
/** A fix this far behind the previous one along the route starts a new trip (GPS never errs by so much). */
const NEW_TRIP_BACK_M = 500;
/** Within this of the route's first stop and not moving: waiting at its terminus, not yet on its way. */
const TERMINUS_ZONE_M = 40;
const STILL_M = 10;

const visitCache = new WeakMap<VariantPath, Map<number, number[]>>();

/** Metres along the route at which the variant calls at the stop: none, once, or more (a loop). */
export function visitsOf(path: VariantPath, stopId: number): readonly number[] {
  let byStop = visitCache.get(path);
  if (!byStop) {
    byStop = new Map<number, number[]>();
    path.stopIds.forEach((id, i) => byStop!.set(id, [...(byStop!.get(id) ?? []), path.offsets[i]]));
    visitCache.set(path, byStop);
  }
  return byStop.get(stopId) ?? [];
}

export interface AlongFix {
  at: number;
  /** Where the bus is taken to be: never behind where it was. */
  along: number;
  /** Where this fix alone put it (a GPS jump included). */
  raw: number;
}

/**
 * The fixes' positions along the route, in time order. Each fix is projected near the previous one, so
 * a route that passes a corner twice resolves to the pass the bus is on. A bus does not reverse: a fix
 * that lands a little behind the previous one is GPS scatter and counts as no progress; one far behind
 * starts a new trip, and the series with it. Null when the newest fix is off the route (the path says
 * nothing about where that bus is now).
 */
export function alongSeries(path: VariantPath, fixes: readonly Position[]): AlongFix[] | null {
  const series: AlongFix[] = [];
  let hint: number | undefined;
  let newestOnRoute = false;
  for (const fix of fixes) {
    const projection = projectNearHint(path.route, [fix.longitude, fix.latitude], hint);
    newestOnRoute = projection.distanceToRoute <= OFF_ROUTE_M;
    if (!newestOnRoute) continue;
    if (hint !== undefined && projection.along < hint - NEW_TRIP_BACK_M) {
      // Far behind where it was, and nowhere near its last position: a new trip (back at the start of its
      // route, or another variant's). What came before says nothing about this one.
      series.length = 0;
      hint = undefined;
    }
    const along = hint === undefined ? projection.along : Math.max(hint, projection.along);
    series.push({ at: fix.fixAt.getTime(), along, raw: projection.along });
    hint = along;
  }
  return newestOnRoute && series.length ? series : null;
}

/** Metres per second of along-route progress over the fixes of the last `windowMs`; null under two fixes. */
export function alongSpeedMps(series: readonly AlongFix[], windowMs = SPEED_WINDOW_MS): number | null {
  const last = series[series.length - 1];
  const first = series.find((f) => last.at - f.at <= windowMs) ?? last;
  const seconds = (last.at - first.at) / 1000;
  return seconds > 0 ? (last.along - first.along) / seconds : null;
}

/**
 * Where a bus is along its variant's route, whatever stop it is seen from: computed once per bus and poll by
 * the line's tick, and read by every tracking of the line.
 */
export interface RouteProgress {
  /** Metres along the route, now. */
  along: number;
  /** Progress over about the last two minutes, km/h; null under two fixes. */
  speedKmh: number | null;
  /**
   * Running speed for the ETA (progress over the last minutes with the dwell at stops taken out, blended with
   * a typical bus's pace), m/s; null under two fixes (no ETA yet).
   */
  runningMps: number | null;
  /** At the route's first stop and not moving: not yet started. */
  atTerminus: boolean;
  /** At the end of its route: the trip is over. */
  finished: boolean;
}

/**
 * A bus's progress along a variant's route from its fixes (time order). Null when the path cannot place the
 * bus (its newest fix is off the route): the straight-line rules apply then.
 */
export function progressAlong(
  path: VariantPath,
  fixes: readonly Position[],
  settings: AlongRouteSettings = DEFAULT_ALONG_ROUTE_SETTINGS,
  /** The fixes' alongSeries on this path, when the caller already has it. */
  precomputed?: AlongFix[] | null,
): RouteProgress | null {
  const series = precomputed === undefined ? alongSeries(path, fixes) : precomputed;
  if (!series) return null;
  const { along } = series[series.length - 1];
  const speed = alongSpeedMps(series);
  return {
    along,
    speedKmh: speed === null ? null : speed * 3.6,
    runningMps: series.length < 2 ? null : runningSpeedMps(path, series, settings.dwellSeconds),
    atTerminus: waitingAtTerminus(series),
    finished: along >= path.route.length - PASS_MARGIN_M,
  };
}

export type AlongRouteEstimate =
  | { kind: 'not-serving' }
  | {
      kind: 'on-route';
      /** Metres along the route, now. */
      along: number;
      passed: boolean;
      /** Metres along the route to the stop; once passed, how far past it the bus is. */
      remainingMeters: number;
      speedKmh: number | null;
      /** Seconds from the newest fix until the bus reaches the stop; null when passed or not under way. */
      etaSeconds: number | null;
      /** At the route's first stop and not moving: not yet started toward the stop. */
      atTerminus: boolean;
    };

/**
 * What a bus's progress means for one stop of its variant: distance along the route, pass, ETA. A few
 * arithmetic operations: this runs for every bus of every tracking a rider reads.
 */
export function arrivalAlong(
  path: VariantPath,
  stopId: number,
  progress: RouteProgress,
  settings: AlongRouteSettings = DEFAULT_ALONG_ROUTE_SETTINGS,
): AlongRouteEstimate {
  const visits = visitsOf(path, stopId);
  if (!visits.length) return { kind: 'not-serving' };
  const { along } = progress;
  // A variant can serve the stop twice (a loop): the visit that matters is the next one not yet passed.
  // At the end of its route the trip is over, even at a tracked stop that is the last: it goes no further.
  const target = progress.finished ? undefined : visits.find((offset) => along <= offset + PASS_MARGIN_M);
  const passed = target === undefined;
  const remainingMeters = Math.abs((target ?? visits[visits.length - 1]) - along);
  const atTerminus = !passed && remainingMeters > PASS_MARGIN_M && progress.atTerminus;
  const etaSeconds =
    passed || atTerminus || progress.runningMps === null
      ? null
      : remainingSeconds(path, along, target, progress.runningMps, settings.dwellSeconds);
  return { kind: 'on-route', along, passed, remainingMeters, speedKmh: progress.speedKmh, etaSeconds, atTerminus };
}

/**
 * Everything the tracker says about a bus of a variant with a known path, seen from one stop, from its fixes
 * (time order): progressAlong, then arrivalAlong. Null when the path cannot place the bus.
 */
export function estimateAlongRoute(
  path: VariantPath,
  stopId: number,
  fixes: readonly Position[],
  settings: AlongRouteSettings = DEFAULT_ALONG_ROUTE_SETTINGS,
  precomputed?: AlongFix[] | null,
): AlongRouteEstimate | null {
  if (!visitsOf(path, stopId).length) return { kind: 'not-serving' };
  const progress = progressAlong(path, fixes, settings, precomputed);
  return progress ? arrivalAlong(path, stopId, progress, settings) : null;
}

/**
 * Standing at the route's first stop: not moving, and the last fixes (most of them, so that one GPS jump
 * does not start the bus on its way) at the stop.
 */
function waitingAtTerminus(series: readonly AlongFix[]): boolean {
  const n = series.length;
  if (n >= 2 && series[n - 1].along - series[n - 2].along > STILL_M) return false;
  const recent = series.slice(-3).map((f) => f.raw);
  return recent.filter((raw) => raw <= TERMINUS_ZONE_M).length * 2 > recent.length;
}

/**
 * The bus's running speed in m/s: its progress over the last minutes with the dwell at the stops it reached
 * taken out, blended with a typical city bus's speed while there is little to go on.
 */
export function runningSpeedMps(path: VariantPath, series: readonly AlongFix[], dwellSeconds: number): number {
  const last = series[series.length - 1];
  // The window starts no earlier than the bus left its terminus: the wait there says nothing of its pace.
  const leftTerminus = series.findLastIndex((f) => f.raw <= TERMINUS_ZONE_M);
  const first = series.find((f, i) => i >= leftTerminus && last.at - f.at <= ETA_WINDOW_MS) ?? last;
  const elapsed = (last.at - first.at) / 1000;
  const progress = last.along - first.along;
  // Stops left behind within the window, or where the bus stands now: it dwelt (or dwells) at each of them.
  const stopsPassed = path.offsets.filter(
    (o) => o > first.along + PASS_MARGIN_M && o < last.along + PASS_MARGIN_M,
  ).length;
  const running = Math.max(elapsed - stopsPassed * dwellSeconds, elapsed * 0.3);
  return (progress + PRIOR_RUNNING_MPS * PRIOR_WEIGHT_S) / (running + PRIOR_WEIGHT_S);
}

/** Seconds from `along` to the stop at offset `target`: the distance at `speed`, plus a dwell per stop on the way. */
function remainingSeconds(
  path: VariantPath,
  along: number,
  target: number,
  speed: number,
  dwellSeconds: number,
): number {
  const stopsAhead = path.offsets.filter((o) => o > along + PASS_MARGIN_M && o < target - 1).length;
  return Math.max(0, target - along) / speed + stopsAhead * dwellSeconds;
}

/**
 * Seconds from the newest fix to the stop at offset `target`: the remaining distance at the bus's running
 * speed, plus a dwell at every stop it serves on the way.
 */
export function travelSeconds(
  path: VariantPath,
  series: readonly AlongFix[],
  target: number,
  dwellSeconds: number,
): number {
  const last = series[series.length - 1];
  return remainingSeconds(path, last.along, target, runningSpeedMps(path, series, dwellSeconds), dwellSeconds);
}

/**
 * Seconds a trip of the variant takes from leaving its first stop to its first call at the stop, at a typical
 * bus's running pace with a dwell at each stop on the way: the arrival estimate of a bus not yet on its way.
 * The city's timetable gives only when trips leave, not their times at each stop. Null where the variant
 * does not call at the stop.
 */
export function scheduledRunSeconds(
  path: VariantPath,
  stopId: number,
  settings: AlongRouteSettings = DEFAULT_ALONG_ROUTE_SETTINGS,
): number | null {
  const [first] = visitsOf(path, stopId);
  if (first === undefined) return null;
  return remainingSeconds(path, 0, first, PRIOR_RUNNING_MPS, settings.dwellSeconds);
}

import { BusStatus } from './bus-status';
import { LatLon, metersBetween } from './geo';

/** Where a bus was, by the API's clock. */
export interface Position extends LatLon {
  fixAt: Date;
}

/** One fix of a bus with its straight-line distance to the tracked stop (the seed's rules work on these). */
export interface Fix extends Position {
  distanceMeters: number;
}

/** The seed rules look at the last five fixes (four transitions). */
export const RECENT_FIXES = 5;
/** Fewer fixes than this and there is no trustworthy closing speed yet. */
export const MIN_FIXES_FOR_ETA = 3;
/** Fixes older than this are shown as stale (SPEC §3.4). */
export const STALE_AFTER_SECONDS = 90;

export const STATUS_THRESHOLDS_METERS = { arriving: 100, veryClose: 300, approaching: 1000 } as const;

/** Last n fixes in time order; input may be in any order. */
export function recentFixes<T extends Position>(history: readonly T[], n = RECENT_FIXES): T[] {
  return [...history].sort((a, b) => a.fixAt.getTime() - b.fixAt.getTime()).slice(-n);
}

/**
 * Real ground speed in km/h from the recent fixes: path length over elapsed time. The API's own
 * `speed` field is not used: the seed system found it unreliable.
 */
export function speedKmh(history: readonly Position[]): number | null {
  const fixes = recentFixes(history);
  if (fixes.length < 2) return null;
  const seconds = (fixes[fixes.length - 1].fixAt.getTime() - fixes[0].fixAt.getTime()) / 1000;
  if (seconds <= 0) return null;
  let meters = 0;
  for (let i = 1; i < fixes.length; i++) meters += metersBetween(fixes[i - 1], fixes[i]);
  return (meters / seconds) * 3.6;
}

/** Seed pass rule: five recent fixes whose four transitions all moved away from the stop. */
export function hasPassed(history: readonly Fix[]): boolean {
  const fixes = recentFixes(history);
  if (fixes.length < RECENT_FIXES) return false;
  for (let i = 1; i < fixes.length; i++) {
    if (fixes[i].distanceMeters <= fixes[i - 1].distanceMeters) return false;
  }
  return true;
}

/** Average speed (m/s) at which the straight-line distance to the stop shrinks over the recent fixes. */
export function closingSpeedMps(history: readonly Fix[]): number | null {
  const fixes = recentFixes(history);
  if (fixes.length < 2) return null;
  const first = fixes[0];
  const last = fixes[fixes.length - 1];
  const seconds = (last.fixAt.getTime() - first.fixAt.getTime()) / 1000;
  if (seconds <= 0) return null;
  return (first.distanceMeters - last.distanceMeters) / seconds;
}

/**
 * Seed ETA: current distance over the average closing speed, only for a bus that has not passed,
 * has at least three fixes and is actually getting closer.
 */
export function etaSeconds(history: readonly Fix[], passed: boolean): number | null {
  if (passed || history.length < MIN_FIXES_FOR_ETA) return null;
  const closing = closingSpeedMps(history);
  if (closing === null || closing <= 0) return null;
  const latest = recentFixes(history, 1)[0];
  return latest.distanceMeters / closing;
}

/**
 * The dashboard's label. "arriving" wins over "calculating": a bus 50 m away that is dwelling at
 * the previous stop has no closing speed, but the rider should still run.
 */
export function busStatus(distanceMeters: number, passed: boolean, eta: number | null): BusStatus {
  if (passed) return 'passed';
  if (distanceMeters < STATUS_THRESHOLDS_METERS.arriving) return 'arriving';
  if (eta === null) return 'calculating';
  if (distanceMeters < STATUS_THRESHOLDS_METERS.veryClose) return 'very_close';
  if (distanceMeters < STATUS_THRESHOLDS_METERS.approaching) return 'approaching';
  return 'on_the_way';
}

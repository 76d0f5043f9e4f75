import { BusReport } from '../stm/stm.types';
import type { Position } from './bus-metrics';

/** Positions kept per bus (SPEC §3.4). */
export const MAX_POSITIONS = 30;
/** A bus absent from this many consecutive polls leaves the list (SPEC §3.3). */
export const MAX_MISSING_POLLS = 3;

/**
 * What a line's poller knows about one of its buses: the latest report and the last positions. Kept once
 * per line (in Redis, advanced by the line's tick), whatever stops are tracked.
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
  /** Fixes in time order, at most MAX_POSITIONS; never mutated once built. */
  history: readonly Position[];
}

/** A bus's identity: bus numbers repeat across companies (SPEC §3.4). */
export const busKey = (b: { company: string; busId: number }): string => `${b.company}#${b.busId}`;

/**
 * One poll of a line (SPEC §3.3 steps 3–4): add a fix when its API timestamp is new, keep the last 30;
 * count the misses of the buses not listed and drop them at the third; a bus that comes back after that
 * starts afresh. Pure: returns the buses still on the list, new objects for the ones that changed.
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

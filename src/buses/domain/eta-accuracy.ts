import { bucketOf, ETA_BUCKETS, isAccurate } from '../../eval/eta-benchmark';
import { alongSeries, visitsOf, type VariantPath } from './along-route';
import type { LineBus } from './bus-estimate';
import { metersBetween, type LatLon } from './geo';

/**
 * How right the ETAs are on the live feed, where no simulator knows the truth (SPEC §3.4): the ETAs shown for a
 * tracked stop are kept until the bus is seen past it, and then scored with the ETA Accuracy Benchmark against
 * when the product saw it reach the stop.
 */

/** One ETA as the dashboard showed it: when, and the arrival it announced (epoch ms). */
export interface ShownEta {
  at: number;
  arrivalAt: number;
}

/** Longer than the benchmark's longest horizon (15 min): an ETA older than this is never scored. */
export const SHOWN_KEEP_MS = 20 * 60_000;
/** At most this many ETAs kept per bus and stop: one a tick for twenty minutes at the default 15 s. */
export const MAX_SHOWN_PER_VISIT = 80;
/** Within this of the stop along the route, a bus has reached it (GPS scatters about 6 m along the road). */
const REACHED_M = 10;

/** The ETAs kept for a bus's next visit to a stop, with one more shown at `shown.at`: the recent ones only. */
export function withShown(kept: readonly ShownEta[], shown: ShownEta): ShownEta[] {
  return [...kept.filter((k) => shown.at - k.at <= SHOWN_KEEP_MS), shown].slice(-MAX_SHOWN_PER_VISIT);
}

/**
 * When a bus just seen past the stop reached it (epoch ms), from its recent fixes: along its route, the time at
 * which its progress reached the stop's place, between the fix before and the first fix there; elsewhere, the
 * fix nearest the stop. Null when its fixes do not reach back to before the stop (the arrival is not known).
 */
export function observedArrival(
  bus: LineBus,
  path: VariantPath | undefined,
  stopId: number,
  stop: LatLon,
): number | null {
  const series = path ? alongSeries(path, bus.recent) : null;
  if (path && series) {
    const last = series[series.length - 1];
    const visit = [...visitsOf(path, stopId)].reverse().find((offset) => offset - REACHED_M <= last.along);
    if (visit === undefined) return null;
    const i = series.findIndex((f) => f.along >= visit - REACHED_M);
    if (i <= 0) return null;
    const [before, there] = [series[i - 1], series[i]];
    const share = (visit - REACHED_M - before.along) / Math.max(1, there.along - before.along);
    return before.at + Math.max(0, Math.min(1, share)) * (there.at - before.at);
  }
  if (!bus.recent.length) return null;
  const nearest = bus.recent.reduce((a, b) => (metersBetween(stop, b) < metersBetween(stop, a) ? b : a));
  return nearest === bus.recent[0] ? null : nearest.fixAt.getTime();
}

/** A bucket's tally: ETAs scored in it, and of those, the accurate ones. */
export interface BucketTally {
  bucket: string;
  scored: number;
  accurate: number;
}

/** The kept ETAs of one visit, scored against the arrival: one tally per bucket (horizons beyond 15 min left out). */
export function tallyVisit(shown: readonly ShownEta[], arrivedAt: number): BucketTally[] {
  const tallies = ETA_BUCKETS.map((b) => ({ bucket: b.name, scored: 0, accurate: 0 }));
  for (const eta of shown) {
    const bucket = bucketOf((arrivedAt - eta.at) / 1000);
    if (!bucket) continue;
    const tally = tallies[ETA_BUCKETS.indexOf(bucket)];
    tally.scored++;
    if (isAccurate(bucket, (arrivedAt - eta.arrivalAt) / 1000)) tally.accurate++;
  }
  return tallies;
}

export interface AccuracySummary {
  buckets: (BucketTally & { accuracy: number | null })[];
  /** Mean of the buckets' accuracy, those with nothing scored left out; null while nothing is. */
  score: number | null;
}

/** The benchmark's figures from the tallies. */
export function summarise(tallies: readonly BucketTally[]): AccuracySummary {
  const buckets = ETA_BUCKETS.map((b) => {
    const t = tallies.find((x) => x.bucket === b.name) ?? { bucket: b.name, scored: 0, accurate: 0 };
    return { ...t, accuracy: t.scored ? t.accurate / t.scored : null };
  });
  const scored = buckets.filter((b) => b.accuracy !== null).map((b) => b.accuracy!);
  return { buckets, score: scored.length ? scored.reduce((a, b) => a + b, 0) / scored.length : null };
}

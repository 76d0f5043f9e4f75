import { JobOptions } from 'bull';
import type { RetentionConfig } from '../config/operations-config';

/** The one queue: the ticks of the tracked lines. */
export const TRACKING_QUEUE = 'tracking';

/** Job names on TRACKING_QUEUE. */
export const TRACK_BUSES_JOB = 'track-buses';

/** Payload of a TrackBuses job: one tick of one line, serving every tracking of that line (SPEC §3.3). */
export interface TrackBusesJobData {
  line: string;
  /** Each tick schedules seq + 1; the line's `tickSeq` says which one is pending. */
  seq: number;
  /** When the tick was due (ISO 8601); the next one is due an interval later (fixed rate). */
  scheduledAt: string;
}

/** A payload from this version: anything else on the queue (an older version's job) is not a tick to run. */
export function isTickPayload(data: unknown): data is TrackBusesJobData {
  const d = data as Partial<TrackBusesJobData> | null;
  return typeof d?.line === 'string' && Number.isInteger(d.seq) && typeof d.scheduledAt === 'string';
}

/**
 * Derived from line + sequence, so whoever schedules "tick n of line l" (the previous tick, a repeated run of
 * it, a start reviving the chain, the reconciler) produces the same job, which Bull stores once.
 */
export function tickJobId(line: string, seq: number): string {
  return `tick:${line}:${seq}`;
}

/**
 * Job options of every tick, chosen on purpose. How long finished ticks stay is configuration
 * (RETENTION_*, defaults and reasons in config/operations-config.ts): Bull trims at each completion,
 * and JobRetention sweeps a queue that went quiet.
 */
export function tickJobOptions(retention: RetentionConfig): JobOptions {
  return {
    // Upstream failures never throw (the tick records them on the line and the chain goes on at its
    // interval: an outage is never a tracking's fault). What throws is our own infrastructure: the database or
    // Redis away. 5 attempts 2, 4, 8, 16 s apart ride out a 30 s blip; a tick re-run is safe because
    // it is claimed in the same transaction as its writes.
    attempts: 5,
    backoff: { type: 'exponential', delay: 2_000 },
    // Completed ticks are only interesting for a short while (debugging).
    removeOnComplete: { age: Math.ceil(retention.completedHours * 3600), count: retention.completedCount },
    // Failed ticks are kept longer so an operator can see what went wrong and why.
    removeOnFail: { age: Math.ceil(retention.failedHours * 3600), count: retention.failedCount },
  };
}

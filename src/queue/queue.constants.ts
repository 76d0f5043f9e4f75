import { JobOptions } from 'bull';
import type { RetentionConfig } from '../config/operations-config';

/** The one queue: tracking ticks. */
export const TRACKING_QUEUE = 'tracking';

/** Job names on TRACKING_QUEUE. */
export const TRACK_BUSES_JOB = 'track-buses';

/** Payload of a TrackBuses job: one tick of one tracking. */
export interface TrackBusesJobData {
  trackingId: string;
  /** 1 for the first tick; each tick schedules seq + 1. */
  seq: number;
  /** When the tick was due (ISO 8601); the next one is due an interval later (fixed rate). */
  scheduledAt: string;
}

/**
 * Derived from tracking + sequence, so whoever schedules "tick n of tracking t" (the previous tick,
 * a repeated run of it, a start racing another start) produces the same job, which Bull stores once.
 */
export function tickJobId(trackingId: string, seq: number): string {
  return `tick:${trackingId}:${seq}`;
}

/**
 * Job options of every tick, chosen on purpose. How long finished ticks stay is configuration
 * (RETENTION_*, defaults and reasons in config/operations-config.ts): Bull trims at each completion,
 * and JobRetention sweeps a queue that went quiet.
 */
export function tickJobOptions(retention: RetentionConfig): JobOptions {
  return {
    // Upstream failures never throw (the tick records them and the chain goes on at its interval,
    // counting toward TRACKING_MAX_FAILURES). What throws is our own infrastructure: the database or
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

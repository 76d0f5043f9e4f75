import { JobOptions } from 'bull';

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

/** Job options of every tick, chosen on purpose. */
export const TICK_JOB_OPTIONS: JobOptions = {
  // A failed tick is not retried by Bull: the chain goes on with the next tick at its interval,
  // and consecutive failures are counted on the tracking (TRACKING_MAX_FAILURES).
  attempts: 1,
  // Completed ticks are only interesting for a short while (debugging); a day of a busy city
  // would otherwise grow Redis without bound.
  removeOnComplete: { age: 3600, count: 1000 },
  // Failed ticks are kept longer so an operator can see what went wrong and why.
  removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
};

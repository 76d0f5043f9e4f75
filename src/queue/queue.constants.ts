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
  // Upstream failures never throw (the tick records them and the chain goes on at its interval,
  // counting toward TRACKING_MAX_FAILURES). What throws is our own infrastructure: the database or
  // Redis away. 5 attempts 2, 4, 8, 16 s apart ride out a 30 s blip; a tick re-run is safe because
  // it is claimed in the same transaction as its writes.
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000 },
  // Completed ticks are only interesting for a short while (debugging); a day of a busy city
  // would otherwise grow Redis without bound.
  removeOnComplete: { age: 3600, count: 1000 },
  // Failed ticks are kept longer so an operator can see what went wrong and why.
  removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
};

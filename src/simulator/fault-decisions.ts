import type { SimulatorFaults } from './faults';
import type { SimVehicle } from './sim-types';

/**
 * Pure fault decisions: given the settings and a random stream, what happens to one request or one item.
 * The caller supplies the stream (seeded per request), so each decision can be recomputed and tested.
 */

export type RequestFault =
  | { kind: 'none' }
  | { kind: 'rateLimited'; retryAfterSeconds: number; fromBurst: boolean }
  | { kind: 'timeout'; hangMs: number }
  | { kind: 'serverError'; status: ServerErrorStatus };

export type ServerErrorStatus = 500 | 502 | 503;
const SERVER_ERROR_STATUSES: readonly ServerErrorStatus[] = [500, 502, 503];

export interface RequestFaultDecision {
  /** Latency to add before answering, whatever the answer. */
  delayMs: number;
  fault: RequestFault;
}

/**
 * One API request's fate. Draws a fixed number of values whatever the settings, so a request's fate does
 * not depend on which faults were on for earlier ones. The random faults share one draw, carved out in
 * order (429, then timeout, then 5xx): each rate is its exact share of requests as long as they sum to
 * at most 1; past that the later ones get what is left.
 */
export function decideRequestFault(faults: Readonly<SimulatorFaults>, random: () => number): RequestFaultDecision {
  const pick = random();
  const statusDraw = random();
  const jitterDraw = random();
  const delayMs = faults.latencyMs + faults.latencyJitterMs * jitterDraw;
  const { burst, retryAfterSeconds } = faults.rateLimit;
  if (burst > 0) return { delayMs, fault: { kind: 'rateLimited', retryAfterSeconds, fromBurst: true } };
  let edge = faults.rateLimitRate;
  if (pick < edge) return { delayMs, fault: { kind: 'rateLimited', retryAfterSeconds, fromBurst: false } };
  edge += faults.timeoutRate;
  if (pick < edge) return { delayMs, fault: { kind: 'timeout', hangMs: faults.hangMs } };
  edge += faults.errorRate;
  if (pick < edge) {
    const status = SERVER_ERROR_STATUSES[Math.floor(statusDraw * SERVER_ERROR_STATUSES.length)];
    return { delayMs, fault: { kind: 'serverError', status } };
  }
  return { delayMs, fault: { kind: 'none' } };
}

/** Ways a real feed item goes bad; each one a parser must skip without losing the rest of the list. */
export const CORRUPTIONS = [
  'missingBusId',
  'busIdAsString',
  'badTimestamp',
  'nullIsland',
  'nullLocation',
  'nullItem',
] as const;
export type Corruption = (typeof CORRUPTIONS)[number];

/** Whether one item is corrupted and how; two draws whatever the rate. */
export function decideCorruption(malformedRate: number, random: () => number): Corruption | undefined {
  const pick = random();
  const kindDraw = random();
  return pick < malformedRate ? CORRUPTIONS[Math.floor(kindDraw * CORRUPTIONS.length)] : undefined;
}

/** A corrupted copy of `vehicle` (never modified itself), or null for the `nullItem` corruption. */
export function corruptVehicle(vehicle: SimVehicle, corruption: Corruption): Record<string, unknown> | null {
  const copy: Record<string, unknown> = { ...vehicle };
  switch (corruption) {
    case 'missingBusId':
      delete copy.busId;
      return copy;
    case 'busIdAsString':
      return { ...copy, busId: String(vehicle.busId) };
    case 'badTimestamp':
      return { ...copy, timestamp: 'not-a-time' };
    case 'nullIsland':
      return { ...copy, location: { type: 'Point', coordinates: [0, 0] } };
    case 'nullLocation':
      return { ...copy, location: null };
    case 'nullItem':
      return null;
  }
}

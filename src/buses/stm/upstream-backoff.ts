/** The shared backoff after a failed request never waits longer than this. */
export const MAX_BACKOFF_MS = 120_000;
/**
 * Nor longer than this many tracking intervals (2 minutes at the default 15 s): when the API comes back, a
 * line misses at most that many ticks of data, and a short interval recovers as quickly as it polls.
 */
export const MAX_BACKOFF_INTERVALS = 8;

/** The cap of the backoff for a tracking interval. */
export function backoffCapMs(intervalMs: number): number {
  return Math.min(MAX_BACKOFF_MS, MAX_BACKOFF_INTERVALS * intervalMs);
}
/** The first wait after a failure; each failure in a row doubles it (before jitter). */
export const BASE_BACKOFF_MS = 1_000;

/**
 * How long to hold off after `failures` failures in a row (1 for the first): exponential, capped at
 * `capMs` (MAX_BACKOFF_MS by default), with "equal jitter" (between half and all of the step) so processes
 * that failed together do not come back together. `random` is in [0, 1).
 */
export function backoffMs(failures: number, random: number, capMs = MAX_BACKOFF_MS): number {
  const step = Math.min(capMs, BASE_BACKOFF_MS * 2 ** Math.max(0, Math.min(failures - 1, 20)));
  return Math.round(step / 2 + (step / 2) * random);
}

/**
 * A `Retry-After` header as milliseconds from `now`: whole seconds or an HTTP date (RFC 9110 §10.2.3).
 * Undefined when absent or unreadable; a date in the past is 0.
 */
export function retryAfterMs(header: unknown, now: number): number | undefined {
  const text: unknown = Array.isArray(header) ? (header as unknown[])[0] : header;
  if (typeof text === 'number') return Number.isFinite(text) && text >= 0 ? text * 1000 : undefined;
  if (typeof text !== 'string' || !text.trim()) return undefined;
  const value = text.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  if (!/^[a-z]{3},/i.test(value)) return undefined; // an HTTP date starts with its day's name
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

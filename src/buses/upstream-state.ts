export const UPSTREAM_STATES = ['ok', 'stale', 'unavailable'] as const;
export type UpstreamStateName = (typeof UPSTREAM_STATES)[number];

/** Whether the city's data reaches a tracking (SPEC §4.1). */
export interface UpstreamState {
  /** ok: its lines' polls bring data; stale: they are late; unavailable: they fail. */
  state: UpstreamStateName;
  /** Since when it has been so (null while ok). */
  since: Date | null;
  /** When the next attempt is due, while not ok. */
  nextAttemptAt: Date | null;
}

/** What a line's last tick says about the upstream, whether read from the database or from Redis. */
export interface LineRun {
  lastRunAt: Date | null;
  lastSuccessAt: Date | null;
  /** Since when every poll of the line has failed (null while data flows). */
  unavailableSince: Date | null;
  nextTickAt: Date | null;
  /** While unavailable: the first tick at or after the shared backoff's not-before (when it is known). */
  nextAttemptAt?: Date | null;
}

/** A line's data counts as late after this many intervals without a successful poll. */
export const STALE_AFTER_INTERVALS = 3;

const RANK: Record<UpstreamStateName, number> = { ok: 0, stale: 1, unavailable: 2 };

/**
 * The upstream state of a line as of `now`: unavailable while its polls fail; stale when its last successful
 * poll is older than STALE_AFTER_INTERVALS intervals (no worker, workers far behind) or it never polled since
 * `expectedSince` by then; ok otherwise.
 */
export function lineUpstream(run: LineRun | null, now: Date, intervalMs: number, expectedSince: Date): UpstreamState {
  if (run?.unavailableSince)
    return { state: 'unavailable', since: run.unavailableSince, nextAttemptAt: run.nextAttemptAt ?? run.nextTickAt };
  const lateAfter = STALE_AFTER_INTERVALS * intervalMs;
  const reference = run?.lastSuccessAt ?? expectedSince;
  if (now.getTime() - reference.getTime() > lateAfter) {
    return { state: 'stale', since: new Date(reference.getTime() + lateAfter), nextAttemptAt: run?.nextTickAt ?? null };
  }
  return { state: 'ok', since: null, nextAttemptAt: null };
}

/** A tracking's upstream state: the worst of its lines', since the earliest of those. */
export function worstUpstream(states: readonly UpstreamState[]): UpstreamState {
  let worst: UpstreamState = { state: 'ok', since: null, nextAttemptAt: null };
  for (const s of states) {
    if (RANK[s.state] > RANK[worst.state]) worst = s;
    else if (s.state === worst.state && s.since && (!worst.since || s.since < worst.since)) worst = s;
  }
  return worst;
}

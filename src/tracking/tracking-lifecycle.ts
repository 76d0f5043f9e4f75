import { TrackingStatus } from './entities/tracking.entity';

export type EndStatus = Exclude<TrackingStatus, 'active'>;

/** Why a tracking ends: its new status and the reason kept with it. */
export interface TrackingEnd {
  status: EndStatus;
  reason: string;
}

/** What one of a tracking's lines says about it, as of the line's last tick. */
export interface LineFacts {
  /** When a poll of the line last listed one of its buses. */
  lastBusSeenAt: Date | null;
  /** The line's outage time in all, at the last tick, when a bus was last seen, and when the tracking subscribed. */
  outageMs: number;
  outageMsAtLastBus: number;
  fromOutageMs: number;
  /** Since when the STM API has refused our credentials on every poll of the line. */
  credentialsRefusedSince: Date | null;
}

/** Everything the rules of SPEC §3.2 look at. */
export interface TrackingFacts {
  startedAt: Date;
  /** Its rider asked to stop it. */
  stopRequested?: boolean;
  stopId: number;
  stopKnown: boolean;
  /** At least one of its lines is still in the catalogue. */
  anyLineKnown: boolean;
  /** Its lines, each as its last tick left it (missing when the line never ticked). */
  lines: LineFacts[];
}

export interface LifecycleRules {
  idleMinutes: number;
  maxMinutes: number;
  /** Credentials refused on every poll for this long fail the tracking (a rotation or one refusal does not). */
  credentialsRefusedSeconds: number;
}

/** The rules as configured (TRACKING_IDLE_MINUTES, TRACKING_MAX_MINUTES, STM_CREDENTIALS_REFUSED_SECONDS). */
export function lifecycleRules(config: {
  tracking: { idleMinutes: number; maxMinutes: number };
  stm: { credentialsRefusedSeconds: number };
}): LifecycleRules {
  return {
    idleMinutes: config.tracking.idleMinutes,
    maxMinutes: config.tracking.maxMinutes,
    credentialsRefusedSeconds: config.stm.credentialsRefusedSeconds,
  };
}

/**
 * When a tracking ends and why (SPEC §3.2): the one statement of the rules, used by every path that ends one
 * (a rider's stop, a line's tick, the operator's cleanup). Null while it goes on. An upstream outage is never
 * the tracking's fault: only refused credentials, persistently, fail it; its idle time leaves the outages out.
 */
export function trackingEnd(facts: TrackingFacts, now: Date, rules: LifecycleRules): TrackingEnd | null {
  if (facts.stopRequested) return { status: 'stopped', reason: 'stopped by user' };
  if (!facts.stopKnown) return { status: 'failed', reason: `stop ${facts.stopId} no longer exists in the catalogue` };
  if (!facts.anyLineKnown) return { status: 'failed', reason: 'none of its lines exists in the catalogue any more' };
  const refusedMs = rules.credentialsRefusedSeconds * 1000;
  if (
    facts.lines.some(
      (l) => l.credentialsRefusedSince && now.getTime() - l.credentialsRefusedSince.getTime() >= refusedMs,
    )
  ) {
    return { status: 'failed', reason: 'STM credentials refused' };
  }
  if (now.getTime() - facts.startedAt.getTime() >= rules.maxMinutes * 60_000) {
    return { status: 'expired', reason: `reached the maximum duration of ${rules.maxMinutes} minutes` };
  }
  if (idleMs(facts, now) >= rules.idleMinutes * 60_000) {
    return { status: 'expired', reason: `no bus of the tracked lines seen for ${rules.idleMinutes} minutes` };
  }
  return null;
}

/**
 * Time without any bus of the tracked lines, outages left out: for each line, the time since its last bus (or
 * since the tracking started, if later) less the line's outage time since then; the tracking is as idle as its
 * least idle line. A line that never ticked counts from the start, without outages.
 */
export function idleMs(facts: TrackingFacts, now: Date): number {
  const started = facts.startedAt.getTime();
  const sinceStart = now.getTime() - started;
  if (!facts.lines.length) return sinceStart;
  return Math.min(
    ...facts.lines.map((l) => {
      const seen = l.lastBusSeenAt?.getTime();
      if (seen !== undefined && seen > started) return now.getTime() - seen - (l.outageMs - l.outageMsAtLastBus);
      return sinceStart - Math.max(0, l.outageMs - l.fromOutageMs);
    }),
  );
}

import { BusEstimate, shownEtaSeconds } from '../buses/domain/bus-estimate';
import { ScheduledArrival } from '../buses/domain/scheduled-arrivals';
import { STALE_AFTER_SECONDS } from '../buses/domain/bus-metrics';
import { UpstreamState } from '../buses/upstream-state';
import {
  BusResponse,
  ScheduledArrivalResponse,
  TrackingBusesResponse,
  TrackingResponse,
  UpstreamResponse,
} from './dto/tracking.response';
import { Tracking } from './entities/tracking.entity';
import { TrackingBuses, TrackingFigures } from './tracking-views';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
const round1 = (n: number): number => Math.round(n * 10) / 10;

export function toUpstreamResponse(u: UpstreamState | null): UpstreamResponse | null {
  return u ? { state: u.state, since: iso(u.since), nextAttemptAt: iso(u.nextAttemptAt) } : null;
}

export function toTrackingResponse(t: Tracking, f: TrackingFigures): TrackingResponse {
  return {
    id: t.id,
    stopId: t.stopId,
    lines: t.lines,
    variantIds: t.variantIds,
    status: t.status,
    startedAt: t.startedAt.toISOString(),
    endedAt: iso(t.endedAt),
    stopReason: t.stopReason,
    lastRunAt: iso(f.lastRunAt),
    lastSuccessAt: iso(f.lastSuccessAt),
    nextTickAt: t.status === 'active' ? iso(f.nextTickAt) : null,
    runs: f.runs,
    busesSeen: f.busesSeen,
    consecutiveFailures: f.consecutiveFailures,
    lastError: f.lastError,
    upstream: toUpstreamResponse(f.upstream),
  };
}

export function toTrackingBusesResponse(view: TrackingBuses): TrackingBusesResponse {
  return {
    trackingId: view.tracking.id,
    status: view.tracking.status,
    stopId: view.tracking.stopId,
    lastSuccessAt: iso(view.lastSuccessAt),
    generatedAt: view.now.toISOString(),
    upstream: toUpstreamResponse(view.upstream),
    buses: view.buses.map((b) => toBusResponse(b, view.now)),
    scheduled: view.scheduled.map(toScheduledArrivalResponse),
  };
}

export function toScheduledArrivalResponse(s: ScheduledArrival): ScheduledArrivalResponse {
  return {
    line: s.line,
    variantId: s.variantId,
    destination: s.destination,
    departureAt: iso(s.departureAt),
    arrivalAt: iso(s.arrivalAt),
    etaSeconds: s.etaSeconds,
    company: s.company,
    busId: s.busId,
  };
}

export function toBusResponse(b: BusEstimate, now: Date): BusResponse {
  const dataAgeSeconds = Math.max(0, Math.round((now.getTime() - b.lastFixAt.getTime()) / 1000));
  const stale = dataAgeSeconds > STALE_AFTER_SECONDS;
  const eta = shownEtaSeconds(b, now);
  return {
    busId: b.busId,
    company: b.company,
    line: b.line,
    variantId: b.variantId,
    destination: b.destination,
    distanceMeters: Math.round(b.distanceMeters),
    speedKmh: b.speedKmh === null ? null : round1(b.speedKmh),
    etaSeconds: eta,
    etaMinutes: eta === null ? null : Math.round(eta / 60),
    status: b.status,
    passed: b.passed,
    location: [b.longitude, b.latitude],
    lastSeenAt: b.lastSeenAt.toISOString(),
    lastFixAt: b.lastFixAt.toISOString(),
    dataAgeSeconds,
    stale,
    positionsCount: b.positionsCount,
  };
}

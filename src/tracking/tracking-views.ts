import { Injectable, Logger } from '@nestjs/common';
import { CatalogFacts } from '../catalog/catalog-facts';
import { BusEstimate, estimateBus, LineBus, RouteContext } from '../buses/domain/bus-estimate';
import { busKey } from '../buses/domain/bus-track';
import { scheduledRunSeconds } from '../buses/domain/along-route';
import { ScheduledArrival, scheduledArrivals, ServingVariant } from '../buses/domain/scheduled-arrivals';
import { LineTimetables } from '../catalog/line-timetables';
import { LineState, LineStateStore } from '../buses/line-state.store';
import { lineUpstream, UpstreamState, worstUpstream } from '../buses/upstream-state';
import { VariantPaths } from '../catalog/variant-paths';
import { AppConfig } from '../config/app-config';
import { Tracking } from './entities/tracking.entity';
import { LiveDataUnavailableError } from './tracking.errors';
import { Subscription, TrackingRepository } from './tracking.repository';

/** Buses not seen for this long drop off the dashboard even before the 3-miss rule removes them. */
const DASHBOARD_WINDOW_MS = 5 * 60_000;

/** What a tracking's lines have done for it: its ticks, their outcome, and the upstream state. */
export interface TrackingFigures {
  runs: number;
  lastRunAt: Date | null;
  lastSuccessAt: Date | null;
  nextTickAt: Date | null;
  busesSeen: number;
  consecutiveFailures: number;
  lastError: string | null;
  /** Null once the tracking has ended. */
  upstream: UpstreamState | null;
}

/** The dashboard of one tracking at one moment. */
export interface TrackingBuses {
  tracking: Tracking;
  now: Date;
  buses: BusEstimate[];
  /** Buses not yet on their way: the timetable's next departures and the buses waiting at their terminus. */
  scheduled: ScheduledArrival[];
  lastSuccessAt: Date | null;
  upstream: UpstreamState | null;
}

/**
 * A rider's view, computed when it is read (SPEC §3.3): each bus of the tracked lines as the line's last tick
 * published it, seen from the tracking's stop. Nothing of it is stored per tracking; the line states, the stop
 * and the routes are shared by every tracking read in this process.
 */
@Injectable()
export class TrackingViews {
  private readonly logger = new Logger(TrackingViews.name);

  constructor(
    private readonly lineStates: LineStateStore,
    private readonly repository: TrackingRepository,
    private readonly catalog: CatalogFacts,
    private readonly paths: VariantPaths,
    private readonly config: AppConfig,
    private readonly timetables: LineTimetables,
  ) {}

  private get intervalMs(): number {
    return this.config.tracking.intervalSeconds * 1000;
  }

  /** The dashboard: buses seen lately, nearest first; passed ones, and those not coming, only on request. */
  async buses(tracking: Tracking, now: Date, includePassed: boolean): Promise<TrackingBuses> {
    if (tracking.status !== 'active') {
      return { tracking, now, buses: [], scheduled: [], lastSuccessAt: tracking.lastSuccessAt, upstream: null };
    }
    return this.fromStates(tracking, await this.statesOf(tracking), now, includePassed);
  }

  /** The line states of a tracking, or LiveDataUnavailableError when Redis does not answer. */
  async statesOf(tracking: Tracking): Promise<Map<string, LineState | null>> {
    try {
      return await this.lineStates.states(tracking.lines);
    } catch {
      throw new LiveDataUnavailableError();
    }
  }

  /**
   * The same view from line states already at hand (the live stream reads them once per line tick for all
   * its viewers).
   */
  async fromStates(
    tracking: Tracking,
    states: ReadonlyMap<string, LineState | null>,
    now: Date,
    includePassed: boolean,
  ): Promise<TrackingBuses> {
    const lines = tracking.lines.map((line) => states.get(line) ?? null);
    const upstream = worstUpstream(lines.map((s) => lineUpstream(s, now, this.intervalMs, tracking.startedAt)));
    const lastSuccessAt = lines.reduce<Date | null>(
      (latest, s) => (s?.lastSuccessAt && (!latest || s.lastSuccessAt > latest) ? s.lastSuccessAt : latest),
      null,
    );
    const wanted = new Set(tracking.variantIds);
    const newest = new Map<string, LineBus>();
    for (const bus of lines.flatMap((s) => s?.buses ?? [])) {
      if (wanted.size && !wanted.has(bus.variantId)) continue;
      if (now.getTime() - bus.lastSeenAt.getTime() > DASHBOARD_WINDOW_MS) continue;
      // A bus that changed line at its terminus can be listed by both of the tracked lines: its newest report.
      const seen = newest.get(busKey(bus));
      if (!seen || bus.lastFixAt > seen.lastFixAt) newest.set(busKey(bus), bus);
    }
    const stop = await this.catalog.stop(tracking.stopId);
    if (!stop) return { tracking, now, buses: [], scheduled: [], lastSuccessAt, upstream };
    const paths = await this.paths.pathsOf([...newest.values()].map((b) => b.variantId));
    const routes: RouteContext = {
      stopId: tracking.stopId,
      pathOf: (variantId) => paths.get(variantId),
      dwellSeconds: this.config.tracking.stopDwellSeconds,
    };
    const estimates = [...newest.values()].map((bus) => estimateBus(bus, stop, now, routes));
    const buses = estimates
      .filter((b) => includePassed || (!b.passed && b.status !== 'not_coming'))
      .sort((a, b) => a.distanceMeters - b.distanceMeters || busKey(a).localeCompare(busKey(b)));
    const waiting = estimates.filter((b) => b.status === 'at_terminus');
    const scheduled = await this.scheduledAt(tracking, now, waiting, routes);
    return { tracking, now, buses, scheduled, lastSuccessAt, upstream };
  }

  /**
   * The tracking's buses not yet on their way: its variants that call at its stop (on their known route), their
   * departures from the line's timetable, and the buses waiting at their terminus. The timetable is a help, not
   * the dashboard's substance: when the database cannot give it, the live buses are still shown.
   */
  private async scheduledAt(
    tracking: Tracking,
    now: Date,
    waiting: readonly BusEstimate[],
    routes: RouteContext,
  ): Promise<ScheduledArrival[]> {
    try {
      const timetables = await this.timetables.of(tracking.lines, now);
      const wanted = new Set(tracking.variantIds);
      const variants = timetables.flatMap((t) => t.variants).filter((v) => !wanted.size || wanted.has(v.id));
      const paths = await this.paths.pathsOf(variants.map((v) => v.id));
      const serving: ServingVariant[] = [];
      for (const v of variants) {
        const path = paths.get(v.id);
        const runSeconds = path ? scheduledRunSeconds(path, tracking.stopId, routes) : null;
        if (runSeconds !== null)
          serving.push({ variantId: v.id, line: v.line, destination: v.destination, runSeconds });
      }
      return scheduledArrivals(
        serving,
        timetables.flatMap((t) => t.departures),
        waiting,
        now,
      );
    } catch (error) {
      this.logger.warn(`Scheduled departures unavailable: ${(error as Error).message}`);
      return [];
    }
  }

  /** A tracking's figures: its lines' while it is active, what it kept of them once it has ended. */
  async figures(tracking: Tracking, now: Date): Promise<TrackingFigures> {
    return (await this.figuresOf([tracking], now))[0];
  }

  /** The figures of several trackings, with one read of their subscriptions. */
  async figuresOf(trackings: readonly Tracking[], now: Date): Promise<TrackingFigures[]> {
    const active = trackings.filter((t) => t.status === 'active').map((t) => t.id);
    const subscriptions = await this.repository.subscriptionsOf(active);
    const byTracking = new Map<string, Subscription[]>();
    for (const s of subscriptions) byTracking.set(s.trackingId, [...(byTracking.get(s.trackingId) ?? []), s]);
    return trackings.map((t) =>
      t.status === 'active' ? this.fromLines(t, byTracking.get(t.id) ?? [], now) : this.kept(t),
    );
  }

  private kept(tracking: Tracking): TrackingFigures {
    return {
      runs: tracking.runs,
      lastRunAt: tracking.lastRunAt,
      lastSuccessAt: tracking.lastSuccessAt,
      nextTickAt: null,
      busesSeen: 0,
      consecutiveFailures: 0,
      lastError: null,
      upstream: null,
    };
  }

  private fromLines(tracking: Tracking, lines: readonly Subscription[], now: Date): TrackingFigures {
    const failing = lines.reduce<Subscription | undefined>(
      (worst, l) => (l.consecutiveFailures > (worst?.consecutiveFailures ?? 0) ? l : worst),
      undefined,
    );
    const latest = (pick: (l: Subscription) => Date | null): Date | null =>
      lines.map(pick).reduce<Date | null>((a, b) => (!a ? b : !b ? a : a > b ? a : b), null);
    const nextTicks = lines.map((l) => l.nextTickAt).filter((d): d is Date => d !== null);
    return {
      runs: Math.max(0, ...lines.map((l) => l.tickSeq - l.fromSeq)),
      lastRunAt: latest((l) => l.lastRunAt),
      lastSuccessAt: latest((l) => l.lastSuccessAt),
      nextTickAt: nextTicks.length ? new Date(Math.min(...nextTicks.map((d) => d.getTime()))) : null,
      busesSeen: lines.reduce((sum, l) => sum + l.busesSeen, 0),
      consecutiveFailures: failing?.consecutiveFailures ?? 0,
      lastError: failing?.lastError ?? null,
      upstream: worstUpstream(lines.map((l) => lineUpstream(l, now, this.intervalMs, tracking.startedAt))),
    };
  }
}

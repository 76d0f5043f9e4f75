import { Injectable, Logger } from '@nestjs/common';
import { estimateBus, LineBus, RouteContext, shownEtaSeconds } from '../buses/domain/bus-estimate';
import { BucketTally, observedArrival, ShownEta, tallyVisit, withShown } from '../buses/domain/eta-accuracy';
import { CatalogFacts } from '../catalog/catalog-facts';
import { VariantPaths } from '../catalog/variant-paths';
import { AppConfig } from '../config/app-config';
import { TrackingRepository } from '../tracking/tracking.repository';
import { EtaAccuracyStore, visitField } from './eta-accuracy.store';

/** The stops of a line whose ETAs are scored: a bound on the work of one tick. */
export const MAX_SCORED_STOPS_PER_LINE = 100;
/** Which stops a line's trackings watch changes slowly: read again at most this often. */
const STOPS_FRESH_MS = 30_000;

/**
 * After each tick of a line, what its riders were shown and what came of it (SPEC §3.4, accuracy on the live
 * feed): for each stop its trackings watch, the ETA of each bus coming is kept; when the bus is seen past the
 * stop, the ETAs kept for that visit are scored against when it reached it, and tallied. A bus that leaves the
 * feed before passing takes its ETAs with it unscored: on the live feed a bus that never came cannot be told
 * from a device gone quiet. One Redis read and one write a tick; a failure costs a tick's tallies, never the tick.
 */
@Injectable()
export class EtaAccuracyRecorder {
  private readonly logger = new Logger(EtaAccuracyRecorder.name);
  private readonly stops = new Map<string, { ids: number[]; at: number }>();

  constructor(
    private readonly store: EtaAccuracyStore,
    private readonly trackings: TrackingRepository,
    private readonly catalog: CatalogFacts,
    private readonly paths: VariantPaths,
    private readonly config: AppConfig,
  ) {}

  async afterTick(line: string, buses: readonly LineBus[], now: Date): Promise<void> {
    try {
      await this.record(line, buses, now);
    } catch (error) {
      this.logger.warn(`ETA accuracy of line ${line} not recorded this tick: ${(error as Error).message}`);
    }
  }

  private async record(line: string, buses: readonly LineBus[], now: Date): Promise<void> {
    const stopIds = await this.trackedStops(line);
    const kept = stopIds.length ? await this.store.shown(line) : new Map<string, ShownEta[]>();
    if (!stopIds.length && !kept.size) return;
    const paths = await this.paths.pathsOf(buses.map((b) => b.variantId));
    const changed = new Map<string, ShownEta[]>();
    const dropped = new Set<string>();
    const tallies: BucketTally[] = [];
    const listed = new Set<string>();
    for (const stopId of stopIds) {
      const stop = await this.catalog.stop(stopId);
      if (!stop) continue;
      const routes: RouteContext = {
        stopId,
        pathOf: (id) => paths.get(id),
        dwellSeconds: this.config.tracking.stopDwellSeconds,
      };
      for (const bus of buses) {
        const field = visitField(stopId, bus.company, bus.busId);
        // Missing from a poll or two, it is still on the list: its ETAs wait for it.
        listed.add(field);
        if (bus.missingCount > 0) continue;
        const estimate = estimateBus(bus, stop, now, routes);
        const before = kept.get(field);
        if (estimate.passed || estimate.status === 'not_coming') {
          if (!before) continue;
          const arrivedAt = estimate.passed ? observedArrival(bus, paths.get(bus.variantId), stopId, stop) : null;
          if (arrivedAt !== null) tallies.push(...tallyVisit(before, arrivedAt));
          dropped.add(field);
          continue;
        }
        const eta = shownEtaSeconds(estimate, now);
        if (eta === null) continue;
        // On the fix's clock, which the arrival will be seen on: never before the fix it comes from (a feed whose
        // clock runs ahead of ours, such as a time-scaled simulator's, stays consistent).
        const at = Math.max(now.getTime(), bus.lastFixAt.getTime());
        changed.set(field, withShown(before ?? [], { at, arrivalAt: at + eta * 1000 }));
      }
    }
    // Visits of buses no longer in the feed, or of stops no longer tracked: never scored.
    for (const field of kept.keys()) if (!listed.has(field)) dropped.add(field);
    await this.store.save(line, { kept: changed, dropped: [...dropped], tallies }, now);
  }

  private async trackedStops(line: string): Promise<number[]> {
    const cached = this.stops.get(line);
    if (cached && Date.now() - cached.at < STOPS_FRESH_MS) return cached.ids;
    const ids = await this.trackings.trackedStopsOfLine(line, MAX_SCORED_STOPS_PER_LINE);
    this.stops.set(line, { ids, at: Date.now() });
    return ids;
  }
}

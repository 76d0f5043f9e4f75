import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Clock } from '../shared/clock';
import { lifecycleRules, trackingEnd } from '../tracking/tracking-lifecycle';
import { TrackingRepository } from '../tracking/tracking.repository';
import { ChainReconciler, ReconcileReport } from './chain-reconciler';
import { WorkerRegistry } from './worker-registry';

/**
 * The reconciler for an operator's one-off run: the same repair, without the periodic timer the
 * workers' copy starts at boot (a CLI process would otherwise reconcile behind our back and report
 * nothing to do).
 */
@Injectable()
export class OneShotReconciler extends ChainReconciler {
  override onApplicationBootstrap(): void {
    // No timer: reconcile() is called once, by TrackingCleanup.
  }
}

export interface CleanupReport extends ReconcileReport {
  /** Active trackings past TRACKING_MAX_MINUTES (no tick of their lines ran to end them): expired. */
  expired: string[];
  liveWorkers: number;
}

/**
 * `tracking:cleanup`: stale state after crashes. Trackings that outlived their maximum duration while no
 * tick ran are expired; every line with active trackings gets exactly one pending tick back (re-chained if
 * missing, made due if late), and pending ticks of lines with no work are removed.
 */
@Injectable()
export class TrackingCleanup {
  private readonly logger = new Logger(TrackingCleanup.name);

  constructor(
    private readonly trackings: TrackingRepository,
    private readonly reconciler: OneShotReconciler,
    private readonly workers: WorkerRegistry,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async run(): Promise<CleanupReport> {
    const expired = await this.expireOverdue();
    const report = await this.reconciler.reconcile();
    const liveWorkers = (await this.workers.liveWorkers()).length;
    this.logger.log(
      `Cleanup: expired ${expired.length}, re-chained ${report.rechained.length}, made due ${report.promoted.length}, ` +
        `removed ${report.removed.length} stray tick(s)`,
    );
    return { ...report, expired, liveWorkers };
  }

  private async expireOverdue(): Promise<string[]> {
    const now = this.clock.now();
    const rules = lifecycleRules(this.config);
    const overdue = await this.trackings.activeStartedBefore(new Date(now.getTime() - rules.maxMinutes * 60_000));
    const ends = overdue.map((t) => ({
      id: t.id,
      // Past the maximum duration, whatever its lines say: trackingEnd tells why in its own words.
      end: trackingEnd(
        { startedAt: t.startedAt, stopId: t.stopId, stopKnown: true, anyLineKnown: true, lines: [] },
        now,
        rules,
      ),
    }));
    const first = ends.find((e) => e.end)?.end;
    if (!first) return [];
    return this.trackings.end(
      ends.filter((e) => e.end?.reason === first.reason).map((e) => e.id),
      { status: first.status, reason: `${first.reason} (found by tracking:cleanup)` },
      now,
    );
  }
}

import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThan } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { Clock } from '../shared/clock';
import { Tracking } from '../tracking/entities/tracking.entity';
import { endTracking } from '../tracking/tracking-lifecycle';
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
  /** Active trackings past TRACKING_MAX_MINUTES (their worker was away): expired rather than re-chained. */
  expired: string[];
  liveWorkers: number;
}

/**
 * `tracking:cleanup`: stale state after crashes. Trackings that outlived their maximum duration
 * while no tick ran are expired; every other active tracking gets exactly one pending tick back
 * (re-chained if missing, made due if late), and pending ticks of ended trackings are removed.
 */
@Injectable()
export class TrackingCleanup {
  private readonly logger = new Logger(TrackingCleanup.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
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
    const { maxMinutes } = this.config.tracking;
    const overdue = await this.dataSource.getRepository(Tracking).find({
      where: { status: 'active', startedAt: LessThan(new Date(now.getTime() - maxMinutes * 60_000)) },
      select: { id: true },
    });
    const expired: string[] = [];
    for (const { id } of overdue) {
      const reason = `reached the maximum duration of ${maxMinutes} minutes (found by tracking:cleanup)`;
      if (await endTracking(this.dataSource.manager, id, 'expired', reason, now)) expired.push(id);
    }
    return expired;
  }
}

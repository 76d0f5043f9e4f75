import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Job, Queue } from 'bull';
import { Repository } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { Clock } from '../shared/clock';
import { RedisConnection } from '../shared/redis.provider';
import { Tracking } from '../tracking/entities/tracking.entity';
import { tickJobId, TrackBusesJobData, TRACKING_QUEUE } from './queue.constants';
import { TickScheduler } from './tick-scheduler';

/** A tracking whose last run is older than this many intervals is late enough to be looked at. */
const LATE_AFTER_INTERVALS = 3;

export interface ReconcileReport {
  active: number;
  /** Active trackings whose pending tick was missing (or dead) and was created again. */
  rechained: string[];
  /** Late trackings whose delayed tick was made due now. */
  promoted: string[];
  /** Pending ticks removed: of ended or unknown trackings, or extra ones of an active tracking. */
  removed: string[];
}

/**
 * Holds the invariant "every active tracking has exactly one pending tick" against everything
 * that can break it: a worker killed between a tick and its successor, Redis losing its data, a
 * job failed for good. The database is the source of truth. Runs in every worker, on boot and
 * every RECONCILE_SECONDS; a Redis lock makes one worker do it per period, and every step is
 * idempotent anyway (tick job ids are derived from tracking + sequence).
 */
@Injectable()
export class ChainReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ChainReconciler.name);
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectRepository(Tracking) private readonly trackings: Repository<Tracking>,
    @InjectQueue(TRACKING_QUEUE) private readonly queue: Queue<TrackBusesJobData>,
    private readonly scheduler: TickScheduler,
    private readonly redis: RedisConnection,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    const periodMs = this.config.worker.reconcileSeconds * 1000;
    void this.runLocked(periodMs);
    this.timer = setInterval(() => void this.runLocked(periodMs), periodMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async runLocked(periodMs: number): Promise<void> {
    try {
      // One reconciliation per period across all workers; the lock expires by itself.
      const won = await this.redis.client.set(
        'reconcile:lock',
        String(process.pid),
        'PX',
        Math.max(100, periodMs * 0.8),
        'NX',
      );
      if (won !== 'OK') return;
      const report = await this.reconcile();
      const changed = report.rechained.length + report.promoted.length + report.removed.length;
      if (changed) {
        this.logger.warn(
          `Reconciled ${report.active} active tracking(s): re-chained ${report.rechained.length}, ` +
            `made due ${report.promoted.length}, removed ${report.removed.length} stray tick(s)`,
        );
      }
    } catch (error) {
      this.logger.warn(`Reconciliation skipped: ${(error as Error).message}`);
    }
  }

  async reconcile(): Promise<ReconcileReport> {
    const now = this.clock.now().getTime();
    const intervalMs = this.config.tracking.intervalSeconds * 1000;
    // Jobs first, then the database: the database is then the newer of the two views, so a tick
    // that completes in between is seen as done, and its successor at worst re-added (a no-op).
    const pending = await this.queue.getJobs(['waiting', 'delayed', 'active', 'paused']);
    const active = await this.trackings.find({
      where: { status: 'active' },
      select: { id: true, tickSeq: true, lastRunAt: true, startedAt: true },
    });
    const byTracking = new Map<string, Job<TrackBusesJobData>[]>();
    for (const job of pending) {
      if (!job?.data?.trackingId) continue;
      byTracking.set(job.data.trackingId, [...(byTracking.get(job.data.trackingId) ?? []), job]);
    }
    const report: ReconcileReport = { active: active.length, rechained: [], promoted: [], removed: [] };

    for (const tracking of active) {
      const expectedId = tickJobId(tracking.id, tracking.tickSeq + 1);
      const jobs = byTracking.get(tracking.id) ?? [];
      byTracking.delete(tracking.id);
      const expected = jobs.find((j) => String(j.id) === expectedId);
      // Any other pending tick of this tracking is stale or a fork: the database says which is next.
      for (const job of jobs) if (job !== expected) await this.removePending(job, report);
      if (!expected) {
        await this.rechain(tracking, expectedId);
        report.rechained.push(tracking.id);
        continue;
      }
      const lastRun = (tracking.lastRunAt ?? tracking.startedAt).getTime();
      if (now - lastRun > LATE_AFTER_INTERVALS * intervalMs && (await expected.isDelayed())) {
        await expected.promote();
        report.promoted.push(tracking.id);
      }
    }
    // What is left belongs to trackings that are not active (or no longer exist).
    for (const jobs of byTracking.values()) for (const job of jobs) await this.removePending(job, report);
    return report;
  }

  /** Schedules the expected tick now, first clearing a dead job (failed or completed) that holds its id. */
  private async rechain(tracking: Tracking, expectedId: string): Promise<void> {
    const dead = await this.queue.getJob(expectedId);
    if (dead && ((await dead.isFailed()) || (await dead.isCompleted()))) await dead.remove().catch(() => undefined);
    await this.scheduler.schedule(tracking.id, tracking.tickSeq + 1, this.clock.now());
  }

  private async removePending(job: Job<TrackBusesJobData>, report: ReconcileReport): Promise<void> {
    if (await job.isActive()) return; // running: it checks the tracking itself and ends the chain
    await job.remove().catch(() => undefined);
    report.removed.push(String(job.id));
  }
}

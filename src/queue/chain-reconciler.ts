import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job, Queue } from 'bull';
import { LinePoll } from '../buses/entities/line-poll.entity';
import { LinePollsRepository } from '../buses/line-polls.repository';
import { AppConfig } from '../config/app-config';
import { Clock } from '../shared/clock';
import { Housekeeping } from '../shared/housekeeping';
import { RedisConnection } from '../shared/redis.provider';
import { isTickPayload, tickJobId, TrackBusesJobData, TRACKING_QUEUE } from './queue.constants';
import { TickScheduler } from './tick-scheduler';

/** A line whose last run is older than this many intervals is late enough to be looked at. */
const LATE_AFTER_INTERVALS = 3;

export interface ReconcileReport {
  /** Lines with work: polling, or with active trackings. */
  lines: number;
  /** Lines whose pending tick was missing (or dead, or stuck) and was created again. */
  rechained: string[];
  /** Late lines whose delayed tick was made due now. */
  promoted: string[];
  /** Pending ticks removed: of lines with no work, of an older version, or extra ones of a line. */
  removed: string[];
  /** Lines whose subscription count did not match their active trackings, and was set right. */
  recounted: string[];
  /** Lines whose repair failed this pass (the next pass tries again), with why. */
  failed: { line: string; error: string }[];
}

/**
 * Holds the invariant "every line with an active tracking has exactly one pending tick" against everything
 * that can break it: a worker killed between a tick and its successor, Redis losing its data, a job failed for
 * good or stuck in no list. The database is the source of truth. Runs in every worker, on boot and every
 * RECONCILE_SECONDS, done by one of them per period; each line's repair is idempotent (tick job ids are derived
 * from line + sequence) and isolated: one line's failure does not stop the pass.
 */
@Injectable()
export class ChainReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  protected readonly logger = new Logger(ChainReconciler.name);
  private readonly loop: Housekeeping;

  constructor(
    @InjectQueue(TRACKING_QUEUE) private readonly queue: Queue<TrackBusesJobData>,
    private readonly linePolls: LinePollsRepository,
    private readonly scheduler: TickScheduler,
    redis: RedisConnection,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.loop = new Housekeeping(redis, {
      name: 'ChainReconciler',
      lock: 'reconcile:lock',
      periodMs: config.worker.reconcileSeconds * 1000,
      onBoot: true,
    });
  }

  onApplicationBootstrap(): void {
    this.loop.start(async () => describe(await this.reconcile()));
  }

  onApplicationShutdown(): void {
    this.loop.stop();
  }

  async reconcile(): Promise<ReconcileReport> {
    // Jobs first, then the database: the database is then the newer of the two views, so a tick that
    // completes in between is seen as done, and its successor at worst re-added (a no-op).
    const pending = (await this.queue.getJobs(['waiting', 'delayed', 'active', 'paused'])).filter(Boolean);
    const report: ReconcileReport = { lines: 0, rechained: [], promoted: [], removed: [], recounted: [], failed: [] };
    report.recounted = await this.linePolls.recountDrifted();
    const lines = await this.linePolls.withWork();
    report.lines = lines.length;
    const byLine = new Map<string, Job<TrackBusesJobData>[]>();
    for (const job of pending) {
      if (!isTickPayload(job.data)) {
        await this.isolated(String(job.id), report, () => this.removePending(job, report));
        continue;
      }
      byLine.set(job.data.line, [...(byLine.get(job.data.line) ?? []), job]);
    }
    for (const poll of lines) {
      const jobs = byLine.get(poll.line) ?? [];
      byLine.delete(poll.line);
      await this.isolated(poll.line, report, () => this.repair(poll, jobs, report));
    }
    // What is left belongs to lines with no work (their chain ended).
    for (const [line, jobs] of byLine) {
      await this.isolated(line, report, async () => {
        for (const job of jobs) await this.removePending(job, report);
      });
    }
    return report;
  }

  private async isolated(what: string, report: ReconcileReport, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      report.failed.push({ line: what, error: (error as Error).message });
    }
  }

  /** One line: exactly one pending tick, the one after its last completed, if it has work. */
  private async repair(poll: LinePoll, jobs: Job<TrackBusesJobData>[], report: ReconcileReport): Promise<void> {
    if (!poll.polling) {
      // Subscriptions without a chain: a start that could not reach Redis, or a chain ended while one came.
      for (const revived of await this.linePolls.activate([poll.line])) {
        await this.rechain(revived.line, revived.seq, report);
      }
      return;
    }
    const expectedId = tickJobId(poll.line, poll.tickSeq + 1);
    const expected = jobs.find((j) => String(j.id) === expectedId);
    // Any other pending tick of this line is stale or a fork: the database says which is next.
    for (const job of jobs) if (job !== expected) await this.removePending(job, report);
    if (!expected) {
      if (poll.subscriptions <= 0 && (await this.linePolls.stopIdle(poll.line))) return;
      await this.rechain(poll.line, poll.tickSeq + 1, report);
      return;
    }
    const intervalMs = this.config.tracking.intervalSeconds * 1000;
    const lastRun = (poll.lastRunAt ?? poll.nextTickAt ?? this.clock.now()).getTime();
    if (this.clock.now().getTime() - lastRun > LATE_AFTER_INTERVALS * intervalMs && (await expected.isDelayed())) {
      await expected.promote();
      report.promoted.push(poll.line);
    }
  }

  /**
   * Schedules tick `seq` of a line now. A job that holds its id but is in no pending list — finished, failed,
   * or stuck in no list at all — would make the add a silent no-op: it is removed first.
   */
  private async rechain(line: string, seq: number, report: ReconcileReport): Promise<void> {
    const holder = await this.queue.getJob(tickJobId(line, seq));
    if (holder && (await holder.getState()) !== 'active') await holder.remove();
    await this.scheduler.schedule(line, seq, this.clock.now());
    report.rechained.push(line);
  }

  private async removePending(job: Job<TrackBusesJobData>, report: ReconcileReport): Promise<void> {
    if (await job.isActive()) return; // running: it checks its line itself and ends the chain
    await job.remove();
    report.removed.push(String(job.id));
  }
}

function describe(r: ReconcileReport): string | undefined {
  const changed = r.rechained.length + r.promoted.length + r.removed.length + r.recounted.length + r.failed.length;
  if (!changed) return undefined;
  const failed = r.failed.length ? `; failed for ${r.failed.map((f) => `${f.line} (${f.error})`).join(', ')}` : '';
  return (
    `Reconciled ${r.lines} line(s): re-chained ${r.rechained.length}, made due ${r.promoted.length}, ` +
    `removed ${r.removed.length} stray tick(s), recounted ${r.recounted.length}${failed}`
  );
}

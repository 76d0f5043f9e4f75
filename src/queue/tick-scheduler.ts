import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bull';
import { AppConfig } from '../config/app-config';
import { Clock } from '../shared/clock';
import { tickJobId, tickJobOptions, TRACK_BUSES_JOB, TrackBusesJobData, TRACKING_QUEUE } from './queue.constants';

/** Puts ticks on the queue and takes them off: the only place that knows how a tick job is made. */
@Injectable()
export class TickScheduler {
  private readonly logger = new Logger(TickScheduler.name);

  private lastErrorLog = 0;

  constructor(
    @InjectQueue(TRACKING_QUEUE) private readonly queue: Queue<TrackBusesJobData>,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {
    // Bull re-emits Redis connection errors; an 'error' event without a listener would crash the
    // process. Redis going away is survivable (ioredis reconnects), so log it, at most every 5 s.
    queue.on('error', (error: Error) => {
      if (Date.now() - this.lastErrorLog < 5_000) return;
      this.lastErrorLog = Date.now();
      this.logger.warn(`Queue connection problem: ${error.message}`);
    });
  }

  /** Enqueues tick `seq` of a tracking, due at `dueAt` (now or later). Idempotent per (tracking, seq). */
  async schedule(trackingId: string, seq: number, dueAt: Date): Promise<void> {
    const delay = Math.max(0, dueAt.getTime() - this.clock.now().getTime());
    await this.queue.add(
      TRACK_BUSES_JOB,
      { trackingId, seq, scheduledAt: dueAt.toISOString() },
      { ...tickJobOptions(this.config.retention), jobId: tickJobId(trackingId, seq), delay },
    );
    // Worded unlike the tick's own "Tick n of tracking t" line, which the chaos run counts as a completion.
    // Debug: every tick does this, and its own "Tick n of tracking t" line already says it ran.
    this.logger.debug({
      msg: `Enqueued tick ${seq} for tracking ${trackingId}, due in ${delay} ms`,
      trackingId,
      seq,
      delayMs: delay,
    });
  }

  /**
   * Removes the pending tick of a tracking that ended. The next tick may be `seq` or, if a tick is
   * completing right now, `seq + 1`; both are tried. A tick already running cannot be removed, but it
   * reads the tracking first and ends the chain itself.
   */
  async cancel(trackingId: string, seq: number): Promise<number> {
    let removed = 0;
    for (const s of [seq, seq + 1]) {
      const job = await this.queue.getJob(tickJobId(trackingId, s));
      if (!job || (await job.isActive()) || (await job.isCompleted()) || (await job.isFailed())) continue;
      try {
        await job.remove();
        removed++;
      } catch (error) {
        // A worker took it between our check and the removal; it will see the tracking ended.
        this.logger.debug(`Tick ${s} of ${trackingId} could not be removed: ${(error as Error).message}`);
      }
    }
    return removed;
  }
}

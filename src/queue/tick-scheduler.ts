import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bull';
import { AppConfig } from '../config/app-config';
import { Clock } from '../shared/clock';
import { withDeadline } from '../shared/deadline';
import { tickJobId, tickJobOptions, TRACK_BUSES_JOB, TrackBusesJobData, TRACKING_QUEUE } from './queue.constants';

/** Puts line ticks on the queue: the only place that knows how a tick job is made. */
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

  /**
   * Enqueues tick `seq` of a line, due at `dueAt` (now or later). Idempotent per (line, seq). With a
   * deadline (on a request's path), it gives up waiting for a Redis that does not answer: the reconciler
   * creates the tick from the database once Redis is back.
   */
  async schedule(line: string, seq: number, dueAt: Date, deadlineMs?: number): Promise<void> {
    const delay = Math.max(0, dueAt.getTime() - this.clock.now().getTime());
    const added = this.queue.add(
      TRACK_BUSES_JOB,
      { line, seq, scheduledAt: dueAt.toISOString() },
      { ...tickJobOptions(this.config.retention), jobId: tickJobId(line, seq), delay },
    );
    await (deadlineMs === undefined ? added : withDeadline(added, deadlineMs, 'Redis (the job queue)'));
    this.logger.debug({ msg: `Enqueued tick ${seq} of line ${line}, due in ${delay} ms`, line, seq, delayMs: delay });
  }
}

import { InjectQueue } from '@nestjs/bull';
import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bull';
import { AppConfig } from '../config/app-config';
import { Housekeeping } from '../shared/housekeeping';
import { RedisConnection } from '../shared/redis.provider';
import { cleanFinished, FinishedState, trimFinished } from './finished-jobs';
import { TRACKING_QUEUE } from './queue.constants';

export interface SweepReport {
  completed: number;
  failed: number;
}

/**
 * The recurring "clear finished jobs": Bull trims finished ticks by age and count only when another
 * job finishes, so a queue that went quiet would keep its last day for ever. Every worker runs this
 * every RETENTION_SWEEP_MINUTES; a Redis lock makes one of them do it per period.
 */
@Injectable()
export class JobRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly loop: Housekeeping;

  constructor(
    @InjectQueue(TRACKING_QUEUE) private readonly queue: Queue,
    redis: RedisConnection,
    private readonly config: AppConfig,
  ) {
    this.loop = new Housekeeping(redis, {
      name: 'JobRetention',
      lock: 'retention:lock',
      periodMs: config.retention.sweepMinutes * 60_000,
    });
  }

  onApplicationBootstrap(): void {
    this.loop.start(async () => {
      const report = await this.sweep();
      return report.completed + report.failed
        ? `Retention: removed ${report.completed} completed and ${report.failed} failed job(s)`
        : undefined;
    });
  }

  onApplicationShutdown(): void {
    this.loop.stop();
  }

  /** Applies RETENTION_* to the finished jobs now: by age first, then by count. */
  async sweep(): Promise<SweepReport> {
    const { completedHours, completedCount, failedHours, failedCount } = this.config.retention;
    const one = async (state: FinishedState, hours: number, keep: number): Promise<number> =>
      (await cleanFinished(this.queue, state, hours * 3_600_000)) + (await trimFinished(this.queue, state, keep));
    return {
      completed: await one('completed', completedHours, completedCount),
      failed: await one('failed', failedHours, failedCount),
    };
  }
}

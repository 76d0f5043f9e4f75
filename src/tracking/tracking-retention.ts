import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Housekeeping } from '../shared/housekeeping';
import { RedisConnection } from '../shared/redis.provider';
import { TrackingRepository } from './tracking.repository';

const EVERY_MS = 10 * 60_000;
/** Trackings deleted per statement, and statements per run: a run's work stays bounded however far behind it is. */
const BATCH = 500;
const BATCHES_PER_RUN = 20;

/**
 * Keeps the database bounded: trackings that ended more than TRACKING_RETENTION_DAYS ago are deleted, a bounded
 * number of batches every ten minutes (the next run goes on where this one stopped). Active trackings are never
 * touched. Runs in workers; one of them does it each period.
 */
@Injectable()
export class TrackingRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly loop: Housekeeping;

  constructor(
    private readonly trackings: TrackingRepository,
    redis: RedisConnection,
    private readonly config: AppConfig,
  ) {
    this.loop = new Housekeeping(redis, {
      name: 'TrackingRetention',
      lock: 'retention:trackings:lock',
      periodMs: EVERY_MS,
    });
  }

  onApplicationBootstrap(): void {
    this.loop.start(async () => {
      const deleted = await this.prune();
      const days = this.config.tracking.retentionDays;
      return deleted ? `Deleted ${deleted} tracking(s) that ended over ${days} day(s) ago` : undefined;
    });
  }

  onApplicationShutdown(): void {
    this.loop.stop();
  }

  /** Deletes what is due at `now`, at most BATCHES_PER_RUN batches of `batch`; returns how many it deleted. */
  async prune(now = new Date(), batch = BATCH): Promise<number> {
    const before = new Date(now.getTime() - this.config.tracking.retentionDays * 86_400_000);
    let deleted = 0;
    for (let round = 0; round < BATCHES_PER_RUN; round++) {
      const n = await this.trackings.deleteEndedBefore(before, batch);
      deleted += n;
      if (n < batch) break;
    }
    return deleted;
  }
}

import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { DatabaseWriteLock } from '../database/write-lock';
import { RedisConnection } from '../shared/redis.provider';
import { BusTracking } from './entities/bus-tracking.entity';

const EVERY_MS = 10 * 60_000;

/**
 * Keeps the database bounded: the bus rows of trackings that ended longer than
 * TRACKING_DETAIL_RETENTION_MINUTES ago are deleted (the tracking itself, with why it ended, stays).
 * Runs in workers every ten minutes; a Redis lock lets one of them do it.
 */
@Injectable()
export class FinishedDetailJanitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(FinishedDetailJanitor.name);
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly writes: DatabaseWriteLock,
    private readonly redis: RedisConnection,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.runLocked(), EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async runLocked(): Promise<void> {
    try {
      if ((await this.redis.client.set('janitor:lock', '1', 'PX', EVERY_MS / 2, 'NX')) !== 'OK') return;
      const removed = await this.prune();
      if (removed) this.logger.log(`Pruned the bus detail of ${removed} finished tracking(s)`);
    } catch (error) {
      this.logger.warn(`Pruning skipped: ${(error as Error).message}`);
    }
  }

  /** Deletes the detail of trackings ended before the retention period; returns how many trackings. */
  async prune(now = new Date()): Promise<number> {
    const before = new Date(now.getTime() - this.config.tracking.detailRetentionMinutes * 60_000);
    const ended = (
      await this.dataSource
        .createQueryBuilder()
        .select('DISTINCT b."trackingId"', 'id')
        .from(BusTracking, 'b')
        .innerJoin('trackings', 't', 't.id = b."trackingId"')
        .where('t.status <> :active AND t."endedAt" < :before', { active: 'active', before })
        .limit(1000)
        .getRawMany<{ id: string }>()
    ).map((r) => r.id);
    if (!ended.length) return 0;
    await this.writes.run(() =>
      this.dataSource
        .createQueryBuilder()
        .delete()
        .from(BusTracking)
        .where('"trackingId" IN (:...ids)', { ids: ended })
        .execute(),
    );
    return ended.length;
  }
}

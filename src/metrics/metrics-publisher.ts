import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { AppConfig } from '../config/app-config';
import { WorkerMetrics } from './worker-metrics';
import { WorkerSnapshots } from './worker-snapshots';

/**
 * Publishes this worker's metrics to Redis every METRICS_PUSH_SECONDS (the worker has no HTTP
 * server to be scraped). A snapshot lives three periods: a killed worker drops out of /metrics
 * shortly after, a stopped one at once.
 */
@Injectable()
export class MetricsPublisher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MetricsPublisher.name);
  private readonly instance = randomUUID();
  private timer?: NodeJS.Timeout;
  private lastErrorLog = 0;

  constructor(
    private readonly metrics: WorkerMetrics,
    private readonly snapshots: WorkerSnapshots,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const periodMs = this.config.metrics.pushSeconds * 1000;
    void this.publish(periodMs);
    this.timer = setInterval(() => void this.publish(periodMs), periodMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.snapshots.remove(this.instance).catch(() => undefined);
  }

  private async publish(periodMs: number): Promise<void> {
    try {
      const memory = process.memoryUsage();
      await this.snapshots.publish(
        {
          instance: this.instance,
          worker: `${hostname()}:${process.pid}`,
          host: hostname(),
          pid: process.pid,
          publishedAt: new Date().toISOString(),
          memory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed },
          metrics: await this.metrics.registry.getMetricsAsJSON(),
        },
        Math.max(3 * periodMs, 5_000),
      );
    } catch (error) {
      // Redis away: the counters keep counting here and go out with the next publish that works.
      if (Date.now() - this.lastErrorLog < 60_000) return;
      this.lastErrorLog = Date.now();
      this.logger.warn(`Metrics not published: ${(error as Error).message}`);
    }
  }
}

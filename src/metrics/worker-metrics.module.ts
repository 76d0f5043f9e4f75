import { Module } from '@nestjs/common';
import { QueueModule } from '../queue/queue.module';
import { MetricsPublisher } from './metrics-publisher';
import { TickMetricsListener } from './tick-metrics.listener';
import { UpstreamMetricsInterceptor } from './upstream-metrics.interceptor';
import { WorkerMetrics } from './worker-metrics';
import { WorkerSnapshots } from './worker-snapshots';

/**
 * A worker's metrics: ticks (from queue events), upstream requests (axios interceptors), process
 * figures; published to Redis for the web app's /metrics. Only WorkerModule imports it.
 */
@Module({
  imports: [QueueModule],
  providers: [WorkerMetrics, WorkerSnapshots, TickMetricsListener, UpstreamMetricsInterceptor, MetricsPublisher],
})
export class WorkerMetricsModule {}

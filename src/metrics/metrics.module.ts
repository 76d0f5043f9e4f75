import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccuracyDataModule } from '../accuracy/accuracy-data.module';
import { QueueModule } from '../queue/queue.module';
import { Tracking } from '../tracking/entities/tracking.entity';
import { HttpMetricsMiddleware } from './http-metrics.middleware';
import { MetricsController } from './metrics.controller';
import { WebMetrics } from './web-metrics';
import { WorkerSnapshots } from './worker-snapshots';

/** /metrics on the web app: its own figures, system-wide gauges, and the workers' published metrics. */
@Module({
  imports: [QueueModule, TypeOrmModule.forFeature([Tracking]), AccuracyDataModule],
  controllers: [MetricsController],
  providers: [WebMetrics, WorkerSnapshots],
})
export class MetricsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('{*path}');
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import { BusesModule } from './buses/buses.module';
import { AppConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { LoggingModule } from './logging/logging.module';
import { WorkerMetricsModule } from './metrics/worker-metrics.module';
import { QueueMaintenanceModule } from './queue/queue-maintenance.module';
import { QueueWorkerModule } from './queue/queue-worker.module';
import { QueueModule } from './queue/queue.module';
import { SharedModule } from './shared/shared.module';
import { TrackingRetentionModule } from './tracking/tracking-retention.module';

/** The worker: an application context (no HTTP server) that consumes tick jobs. */
@Module({})
export class WorkerModule {
  static register(env?: Record<string, string | undefined>): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        AppConfigModule.forRoot(env, 'worker'),
        SharedModule,
        DatabaseModule,
        QueueModule,
        BusesModule,
        QueueWorkerModule,
        // Operating it (docs/operations.md): logs, the finished-jobs sweep, retention of finished trackings,
        // metrics published to Redis.
        LoggingModule.forRoot('worker'),
        QueueMaintenanceModule,
        TrackingRetentionModule,
        WorkerMetricsModule,
      ],
    };
  }
}

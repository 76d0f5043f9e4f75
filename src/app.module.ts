import { AccuracyModule } from './accuracy/accuracy.module';
import { DynamicModule, Module } from '@nestjs/common';
import { CatalogModule } from './catalog/catalog.module';
import { AppConfigModule } from './config/config.module';
import { QueueUiModule } from './admin/queue-ui.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { RateLimitModule } from './http/rate-limit.module';
import { LiveModule } from './live/live.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { QueueAdminModule } from './queue/queue-admin.module';
import { QueueModule } from './queue/queue.module';
import { SharedModule } from './shared/shared.module';
import { TrackingModule } from './tracking/tracking.module';

/**
 * The HTTP app: REST API, Swagger UI. It produces tick jobs and never consumes them (no
 * QueueWorkerModule here), so a request never waits on the STM API.
 */
@Module({})
export class AppModule {
  static register(env?: Record<string, string | undefined>): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(env, 'web'),
        SharedModule,
        DatabaseModule,
        QueueModule,
        CatalogModule,
        TrackingModule,
        LiveModule,
        AccuracyModule,
        // Operating it (docs/operations.md): request logs, rate limits, queue admin and UI, health, metrics.
        LoggingModule.forRoot('web'),
        RateLimitModule,
        QueueAdminModule,
        QueueUiModule,
        HealthModule,
        MetricsModule,
      ],
    };
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import { CatalogModule } from './buses/catalog.module';
import { AppConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
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
      imports: [AppConfigModule.forRoot(env), SharedModule, DatabaseModule, QueueModule, CatalogModule, TrackingModule],
    };
  }
}

import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { LivePublisherModule } from '../live/live-publisher.module';
import { QueueModule } from '../queue/queue.module';
import { TrackingController } from './tracking.controller';
import { TrackingDataModule } from './tracking-data.module';
import { TrackingService } from './tracking.service';

/** The web side of trackings: validate, persist, start their lines' polling, stop, serve the dashboard. */
@Module({
  imports: [CatalogModule, QueueModule, LivePublisherModule, TrackingDataModule],
  controllers: [TrackingController],
  providers: [TrackingService],
  exports: [TrackingService, TrackingDataModule],
})
export class TrackingModule {}

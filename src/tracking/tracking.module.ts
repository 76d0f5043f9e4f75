import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '../catalog/catalog.module';
import { BusTracking } from '../buses/entities/bus-tracking.entity';
import { LivePublisherModule } from '../live/live-publisher.module';
import { QueueModule } from '../queue/queue.module';
import { Tracking } from './entities/tracking.entity';
import { TrackingController } from './tracking.controller';
import { TrackingService } from './tracking.service';

/** The web side of trackings: validate, persist, enqueue the first tick, stop, serve the dashboard. */
@Module({
  imports: [CatalogModule, QueueModule, LivePublisherModule, TypeOrmModule.forFeature([Tracking, BusTracking])],
  controllers: [TrackingController],
  providers: [TrackingService],
  exports: [TrackingService],
})
export class TrackingModule {}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '../buses/catalog.module';
import { LineVariant } from '../buses/entities/line-variant.entity';
import { TrackingModule } from '../tracking/tracking.module';
import { LiveEventsController } from './live-events.controller';
import { LiveEventsHub } from './live-events.hub';
import { LiveEventsReader } from './live-events.reader';
import { LiveEventsService } from './live-events.service';
import { VariantRouteController } from './variant-route.controller';
import { VariantRouteService } from './variant-route.service';

/**
 * The web side of "live": the SSE stream per tracking (fed by Redis pub/sub from the workers, one channel per
 * line, see LivePublisherModule) and the route of a line variant for the page's route strip. The page itself
 * is static (public/, served by serveLivePage).
 */
@Module({
  imports: [TrackingModule, CatalogModule, TypeOrmModule.forFeature([LineVariant])],
  controllers: [LiveEventsController, VariantRouteController],
  providers: [LiveEventsHub, LiveEventsReader, LiveEventsService, VariantRouteService],
  exports: [LiveEventsHub],
})
export class LiveModule {}

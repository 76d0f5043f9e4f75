import { Module } from '@nestjs/common';
import { TrackingModule } from '../tracking/tracking.module';
import { LiveEventsController } from './live-events.controller';
import { LiveEventsHub } from './live-events.hub';
import { LiveEventsReader } from './live-events.reader';
import { LiveEventsService } from './live-events.service';
import { LiveStreamLimiter } from './live-stream-limiter';
import { MapConfigController } from './map-config.controller';

/**
 * The web side of "live": the SSE stream per tracking (fed by Redis pub/sub from the workers, one channel per
 * line, see LivePublisherModule). The route of a line variant the page draws is the catalogue's. The page itself
 * is static (public/, served by serveLivePage).
 */
@Module({
  imports: [TrackingModule],
  controllers: [LiveEventsController, MapConfigController],
  providers: [LiveEventsHub, LiveEventsReader, LiveEventsService, LiveStreamLimiter],
  exports: [LiveEventsHub, LiveStreamLimiter],
})
export class LiveModule {}

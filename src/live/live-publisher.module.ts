import { Module } from '@nestjs/common';
import { LiveEventsPublisher } from './live-events.publisher';

/**
 * The publishing half of the live stream, on its own so that both sides can import it without a
 * cycle: TrackingModule (a rider stops a tracking) and the worker's QueueWorkerModule (a tick ran).
 * Its only dependencies, RedisConnection and AppConfig, are global.
 */
@Module({ providers: [LiveEventsPublisher], exports: [LiveEventsPublisher] })
export class LivePublisherModule {}

import { HttpModule } from '@nestjs/axios';
import { AccuracyDataModule } from '../accuracy/accuracy-data.module';
import { Module } from '@nestjs/common';
import { LivePublisherModule } from '../live/live-publisher.module';
import { QueueModule } from '../queue/queue.module';
import { TrackingDataModule } from '../tracking/tracking-data.module';
import { BusesService } from './buses.service';
import { CatalogModule } from '../catalog/catalog.module';
import { LineLifecycle } from './line-lifecycle';
import { LineSnapshots } from './line-snapshots';
import { StmRateLimiter } from './stm/stm-rate-limiter';
import { StmTokenProvider } from './stm/stm-token.provider';
import { StmClient } from './stm/stm.client';
import { UpstreamGate } from './stm/upstream-gate';
import { UpstreamSkips } from './stm/upstream-skips';

/** The tracker: the STM client, the shared polling of lines, and the line's tick itself. */
@Module({
  imports: [HttpModule, CatalogModule, TrackingDataModule, QueueModule, LivePublisherModule, AccuracyDataModule],
  providers: [
    BusesService,
    LineSnapshots,
    LineLifecycle,
    StmClient,
    StmTokenProvider,
    StmRateLimiter,
    UpstreamGate,
    UpstreamSkips,
  ],
  exports: [BusesService, StmClient, CatalogModule],
})
export class BusesModule {}

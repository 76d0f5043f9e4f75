import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Tracking } from '../tracking/entities/tracking.entity';
import { BusStateStore } from './bus-state.store';
import { BusesService } from './buses.service';
import { CatalogModule } from '../catalog/catalog.module';
import { FinishedDetailJanitor } from './finished-detail-janitor';
import { LineSnapshots } from './line-snapshots';
import { LineTracks } from './line-tracks';
import { BusTracking } from './entities/bus-tracking.entity';
import { StmRateLimiter } from './stm/stm-rate-limiter';
import { StmTokenProvider } from './stm/stm-token.provider';
import { StmClient } from './stm/stm.client';

/** The tracker: STM client, bus state and the tick itself. */
@Module({
  imports: [HttpModule, CatalogModule, TypeOrmModule.forFeature([Tracking, BusTracking])],
  providers: [
    BusesService,
    BusStateStore,
    LineSnapshots,
    LineTracks,
    FinishedDetailJanitor,
    StmClient,
    StmTokenProvider,
    StmRateLimiter,
  ],
  exports: [BusesService, StmClient, CatalogModule, FinishedDetailJanitor],
})
export class BusesModule {}

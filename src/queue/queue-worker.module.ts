import { Module } from '@nestjs/common';
import { BusesModule } from '../buses/buses.module';
import { TrackingDataModule } from '../tracking/tracking-data.module';
import { ChainReconciler } from './chain-reconciler';
import { QueueModule } from './queue.module';
import { TickStats } from './tick-stats';
import { TrackBusesProcessor } from './track-buses.processor';
import { WorkerHeartbeat } from './worker-heartbeat';

/**
 * The consuming side of the queue: the tick processor, the chain reconciler and the heartbeat.
 * Only WorkerModule imports it: the web app never runs ticks.
 */
@Module({
  imports: [QueueModule, BusesModule, TrackingDataModule],
  providers: [TrackBusesProcessor, ChainReconciler, WorkerHeartbeat, TickStats],
})
export class QueueWorkerModule {}

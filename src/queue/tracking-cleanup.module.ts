import { Module } from '@nestjs/common';
import { TrackingDataModule } from '../tracking/tracking-data.module';
import { QueueModule } from './queue.module';
import { OneShotReconciler, TrackingCleanup } from './tracking-cleanup';

/** The operator's repair of chains after crashes (CLI tracking:cleanup). */
@Module({
  imports: [QueueModule, TrackingDataModule],
  providers: [OneShotReconciler, TrackingCleanup],
  exports: [TrackingCleanup],
})
export class TrackingCleanupModule {}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Tracking } from '../tracking/entities/tracking.entity';
import { QueueModule } from './queue.module';
import { OneShotReconciler, TrackingCleanup } from './tracking-cleanup';

/** The operator's repair of chains after crashes (CLI tracking:cleanup). */
@Module({
  imports: [QueueModule, TypeOrmModule.forFeature([Tracking])],
  providers: [OneShotReconciler, TrackingCleanup],
  exports: [TrackingCleanup],
})
export class TrackingCleanupModule {}

import { Module } from '@nestjs/common';
import { TrackingDataModule } from './tracking-data.module';
import { TrackingRetention } from './tracking-retention';

/** The workers' deletion of long-finished trackings (TRACKING_RETENTION_DAYS); only WorkerModule imports it. */
@Module({ imports: [TrackingDataModule], providers: [TrackingRetention], exports: [TrackingRetention] })
export class TrackingRetentionModule {}

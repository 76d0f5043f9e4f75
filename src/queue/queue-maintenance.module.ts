import { Module } from '@nestjs/common';
import { JobRetention } from './job-retention';
import { QueueModule } from './queue.module';

/** Housekeeping a worker does besides ticks: the periodic trim of finished jobs. */
@Module({
  imports: [QueueModule],
  providers: [JobRetention],
  exports: [JobRetention],
})
export class QueueMaintenanceModule {}

import { Module } from '@nestjs/common';
import { BusesModule } from '../buses/buses.module';
import { QueueModule } from './queue.module';
import { TrackBusesProcessor } from './track-buses.processor';

/** The consuming side of the queue. Only WorkerModule imports it: the web app never runs ticks. */
@Module({
  imports: [QueueModule, BusesModule],
  providers: [TrackBusesProcessor],
})
export class QueueWorkerModule {}

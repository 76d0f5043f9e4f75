import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { TRACKING_QUEUE } from './queue.constants';
import { TickScheduler } from './tick-scheduler';
import { WorkerRegistry } from './worker-registry';

/**
 * The tracking queue as a producer: both the web app and the worker import it. The consumer
 * (TrackBusesProcessor) lives in QueueWorkerModule, which only the worker's root module imports.
 */
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        url: config.redisUrl,
        prefix: config.queuePrefix,
        settings: {
          // How long a tick's lock lives without renewal. Bull renews it every half of this while the
          // tick runs (however long the upstream takes), so it only bounds how soon the tick of a
          // killed worker can be taken over: 15 s (+ the stalled check) is about one interval.
          lockDuration: config.queue.lockSeconds * 1000,
          // How often workers look for ticks whose worker died (lock expired) and take them over.
          stalledInterval: config.queue.stalledCheckSeconds * 1000,
          // After a Redis error (connection lost, data flushed) a worker waits this long before it
          // asks for jobs again; Bull's 5 s default would idle every worker for a third of an interval.
          retryProcessDelay: 1_000,
          // A tick that stalls twice is more likely a poison job than bad luck: fail it (visible).
          maxStalledCount: 2,
        },
      }),
    }),
    BullModule.registerQueue({ name: TRACKING_QUEUE }),
  ],
  providers: [TickScheduler, WorkerRegistry],
  exports: [TickScheduler, WorkerRegistry, BullModule],
})
export class QueueModule {}

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
          // A tick normally takes well under a second; 30 s covers an upstream call with its
          // retries (10 s timeout) before Bull considers the worker dead and hands the job on.
          lockDuration: 30_000,
          // How often workers look for jobs whose worker died; a crashed tick resumes within this.
          stalledInterval: 15_000,
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

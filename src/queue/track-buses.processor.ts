import { InjectQueue } from '@nestjs/bull';
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, Queue } from 'bull';
import { BusesService, TickResult } from '../buses/buses.service';
import { AppConfig } from '../config/app-config';
import { isTickPayload, TRACK_BUSES_JOB, TrackBusesJobData, TRACKING_QUEUE } from './queue.constants';

/**
 * Consumes TrackBuses jobs: one tick of one line, run by the tracker. Registered with queue.process() rather
 * than @Process() because the concurrency comes from configuration (WORKER_CONCURRENCY), which a decorator
 * argument cannot read.
 */
@Injectable()
export class TrackBusesProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TrackBusesProcessor.name);

  constructor(
    @InjectQueue(TRACKING_QUEUE) private readonly queue: Queue<TrackBusesJobData>,
    private readonly buses: BusesService,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const concurrency = this.config.worker.concurrency;
    this.queue
      .process(TRACK_BUSES_JOB, concurrency, (job: Job<TrackBusesJobData>) => this.handle(job))
      .catch((error: Error) => this.logger.error(`Tick processing stopped: ${error.message}`));
    this.queue.on('failed', (job: Job<TrackBusesJobData>, error: Error) => {
      this.logger.warn(
        `${String(job.id)} failed (attempt ${job.attemptsMade} of ${job.opts.attempts ?? 1}): ${error.message}`,
      );
    });
    this.logger.log(`Processing ${TRACK_BUSES_JOB} jobs with concurrency ${concurrency}`);
  }

  /**
   * Runs before any module closes its connections: stop taking ticks and let the running ones
   * finish while the database and Redis are still open. Ticks not started stay in Redis for the
   * next worker.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.queue.pause(true, false).catch(() => undefined);
  }

  /** A tick of this version's kind goes to the tracker; anything else (an older version's job) is done with. */
  handle(job: Job<TrackBusesJobData>): Promise<TickResult> {
    if (!isTickPayload(job.data)) {
      return Promise.resolve({ outcome: 'ended', busesSeen: 0, next: null, ended: [] });
    }
    return this.buses.runTick(job.data);
  }
}

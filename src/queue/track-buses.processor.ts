import { InjectQueue } from '@nestjs/bull';
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, Queue } from 'bull';
import { BusesService, TickResult } from '../buses/buses.service';
import { StmCredentialsError } from '../buses/stm/stm.errors';
import { AppConfig } from '../config/app-config';
import { LiveEventsPublisher } from '../live/live-events.publisher';
import { TRACK_BUSES_JOB, TrackBusesJobData, TRACKING_QUEUE } from './queue.constants';
import { TickScheduler } from './tick-scheduler';
import { TickStats } from './tick-stats';

/**
 * Consumes TrackBuses jobs: runs the tick, then schedules the next one so the chain goes on.
 * Registered with queue.process() rather than @Process() because the concurrency comes from
 * configuration (WORKER_CONCURRENCY), which a decorator argument cannot read.
 */
@Injectable()
export class TrackBusesProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TrackBusesProcessor.name);

  constructor(
    @InjectQueue(TRACKING_QUEUE) private readonly queue: Queue<TrackBusesJobData>,
    private readonly buses: BusesService,
    private readonly scheduler: TickScheduler,
    private readonly stats: TickStats,
    private readonly config: AppConfig,
    private readonly live: LiveEventsPublisher,
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

  async handle(job: Job<TrackBusesJobData>): Promise<TickResult> {
    const startedAt = Date.now();
    try {
      const result = await this.buses.trackBuses(job.data);
      if (result.next) await this.scheduler.schedule(job.data.trackingId, result.next.seq, result.next.dueAt);
      this.stats.record(startedAt - Date.parse(job.data.scheduledAt), Date.now() - startedAt, result.outcome);
      await this.live.tickFinished(job.data, result);
      return result;
    } catch (error) {
      // Refused credentials will not get better with retries; the tracking is already failed.
      if (error instanceof StmCredentialsError) {
        await job.discard();
        await this.live.trackingEnded(job.data.trackingId, 'failed');
      }
      throw error;
    }
  }
}

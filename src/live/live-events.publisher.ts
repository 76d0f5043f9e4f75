import { Injectable, Logger } from '@nestjs/common';
import type { TickResult } from '../buses/buses.service';
import { AppConfig } from '../config/app-config';
import type { TrackBusesJobData } from '../queue/queue.constants';
import { RedisConnection } from '../shared/redis.provider';
import { EndStatus } from '../tracking/tracking-lifecycle';
import { encodeLiveMessage, liveChannel, LiveMessage } from './live-message';

/**
 * Tells live viewers, on whichever web process they are, that a tracking changed: the worker after
 * every tick, the web app when a rider stops a tracking. A PUBLISH is an ordinary command, so the
 * process's shared Redis connection does it; only subscribers need connections of their own.
 *
 * Publishing is best effort and never throws: a viewer missing one update sees the next one, while
 * a tick or a stop must not fail because Redis hiccupped.
 */
@Injectable()
export class LiveEventsPublisher {
  private readonly logger = new Logger(LiveEventsPublisher.name);

  constructor(
    private readonly redis: RedisConnection,
    private readonly config: AppConfig,
  ) {}

  /**
   * After a tick: `tick` when it wrote bus state (also after an upstream error: the buses' data
   * age moved on), then `ended` when the tracking ended. A duplicate run says nothing. A tick that
   * found its tracking already ended (a stop raced it) repeats `ended`: harmless, as viewers read
   * the status from the database and their stream closes at the first one.
   */
  async tickFinished(job: TrackBusesJobData, result: TickResult): Promise<void> {
    if (result.outcome === 'duplicate') return;
    if (result.outcome !== 'ended') await this.publish(job.trackingId, { type: 'tick', seq: job.seq });
    if (result.ended || result.outcome === 'ended') {
      await this.publish(job.trackingId, { type: 'ended', status: result.ended?.status });
    }
  }

  /** The tracking has just ended outside a normal tick: stopped by its rider, credentials refused. */
  async trackingEnded(trackingId: string, status?: EndStatus): Promise<void> {
    await this.publish(trackingId, { type: 'ended', status });
  }

  private async publish(trackingId: string, message: LiveMessage): Promise<void> {
    try {
      await this.redis.client.publish(liveChannel(this.config.queuePrefix, trackingId), encodeLiveMessage(message));
    } catch (error) {
      this.logger.warn(`Live update of tracking ${trackingId} not published: ${(error as Error).message}`);
    }
  }
}

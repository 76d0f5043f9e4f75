import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { RedisConnection } from '../shared/redis.provider';
import type { EndStatus } from '../tracking/tracking-lifecycle';
import { EndedNotice, encodeLiveMessage, liveChannel, LiveMessage } from './live-message';

/**
 * Tells live viewers, on whichever web process they are, that a line's state changed: the worker after every
 * tick of the line (once, however many trackings it serves), the web app when a rider stops a tracking. A
 * PUBLISH is an ordinary command, so the process's shared Redis connection does it; only subscribers need
 * connections of their own.
 *
 * Publishing is best effort and never throws: a viewer missing one update sees the next one, while a tick or
 * a stop must not fail because Redis hiccupped (viewers also check for ended trackings on their own).
 */
@Injectable()
export class LiveEventsPublisher {
  private readonly logger = new Logger(LiveEventsPublisher.name);

  constructor(
    private readonly redis: RedisConnection,
    private readonly config: AppConfig,
  ) {}

  /** After a tick of a line: its new state is there, and these of its trackings ended. */
  async lineTicked(line: string, seq: number, ended: readonly EndedNotice[]): Promise<void> {
    await this.publish(line, { type: 'tick', line, seq, ended: [...ended] });
  }

  /** A tracking ended outside a tick (its rider stopped it): said on each of its lines' channels. */
  async trackingEnded(tracking: { id: string; lines: readonly string[] }, status?: EndStatus): Promise<void> {
    await Promise.all(
      tracking.lines.map((line) => this.publish(line, { type: 'ended', trackingId: tracking.id, status })),
    );
  }

  private async publish(line: string, message: LiveMessage): Promise<void> {
    try {
      await this.redis.client.publish(liveChannel(this.config.queuePrefix, line), encodeLiveMessage(message));
    } catch (error) {
      this.logger.warn(`Live update of line ${line} not published: ${(error as Error).message}`);
    }
  }
}

import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';

/**
 * The product's own Redis connection (Bull keeps its own), for state that must be shared by every
 * process: the upstream rate limit today. Keys live under QUEUE_PREFIX.
 */
@Injectable()
export class RedisConnection implements OnApplicationShutdown {
  readonly client: Redis;

  constructor(@Inject(AppConfig) private readonly config: AppConfig) {
    this.client = new Redis(config.redisUrl, {
      keyPrefix: `${config.queuePrefix}:`,
      // Fail a command after a short wait instead of queueing it for ever while Redis is away.
      maxRetriesPerRequest: 3,
      lazyConnect: false,
    });
    // Connection errors are retried by ioredis; without a listener each would be an unhandled event.
    this.client.on('error', () => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}

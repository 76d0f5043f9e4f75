import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';

const WEB_COMMAND_TIMEOUT_MS = 1_500;
const OTHER_COMMAND_TIMEOUT_MS = 15_000;

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
      // A Redis that accepts connections and never answers would hold a command for ever: the web app
      // answers riders within two seconds whatever Redis does; a worker (whose event loop may be starved by
      // a busy machine) waits longer before it calls a command lost, and its tick is retried.
      commandTimeout: config.role === 'web' ? WEB_COMMAND_TIMEOUT_MS : OTHER_COMMAND_TIMEOUT_MS,
      lazyConnect: false,
    });
    // Connection errors are retried by ioredis; without a listener each would be an unhandled event.
    this.client.on('error', () => undefined);
  }

  /** Values of every key starting with `prefix` (under the installation's key prefix), parsed as JSON. */
  async readAllJson<T>(prefix: string): Promise<T[]> {
    const keyPrefix = this.client.options.keyPrefix ?? '';
    const keys: string[] = [];
    let cursor = '0';
    do {
      // SCAN does not apply ioredis' keyPrefix to the pattern: add it, then strip it from the keys.
      const [next, found] = await this.client.scan(cursor, 'MATCH', `${keyPrefix}${prefix}*`, 'COUNT', 200);
      cursor = next;
      keys.push(...found.map((k) => k.slice(keyPrefix.length)));
    } while (cursor !== '0');
    if (!keys.length) return [];
    const values = await this.client.mget(...keys);
    return values.filter((v): v is string => v !== null).map((v) => JSON.parse(v) as T);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}

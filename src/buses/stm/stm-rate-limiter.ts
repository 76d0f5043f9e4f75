import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { RedisConnection } from '../../shared/redis.provider';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * STM_MAX_RPS across every process of the installation: a request takes a slot in the current
 * window (a Redis counter shared by all workers) or waits for the next window. If Redis does not
 * answer, requests go ahead: the limit is a courtesy to the city's API, not a reason to stop.
 */
@Injectable()
export class StmRateLimiter {
  private readonly logger = new Logger(StmRateLimiter.name);
  /** One second, or longer for limits under 1/s (0.5/s → one request per 2 s window). */
  private readonly windowMs: number;
  private readonly perWindow: number;

  constructor(
    private readonly redis: RedisConnection,
    config: AppConfig,
  ) {
    this.windowMs = Math.max(1000, Math.ceil(1000 / config.stm.maxRps));
    this.perWindow = Math.max(1, Math.floor((config.stm.maxRps * this.windowMs) / 1000));
  }

  /** Resolves when this process may send one request. */
  async acquire(): Promise<void> {
    for (;;) {
      const now = Date.now();
      const window = Math.floor(now / this.windowMs);
      const key = `stm:rate:${window}`;
      try {
        const replies = await this.redis.client
          .multi()
          .incr(key)
          .pexpire(key, 2 * this.windowMs)
          .exec();
        if (Number(replies?.[0]?.[1]) <= this.perWindow) return;
      } catch (error) {
        this.logger.warn(`Rate limiter unavailable (${(error as Error).message}); sending without it`);
        return;
      }
      await sleep((window + 1) * this.windowMs - now + Math.random() * 10);
    }
  }
}

import { Logger } from '@nestjs/common';
import { RedisConnection } from './redis.provider';

export interface HousekeepingOptions {
  /** Its name in log lines. */
  name: string;
  /** The Redis key whose holder does the work this period. */
  lock: string;
  periodMs: number;
  /** Also run once at start (a worker booting after a crash repairs at once). */
  onBoot?: boolean;
}

/**
 * A housekeeping loop of the workers: every worker runs it on a timer, and a Redis lock (expiring by itself
 * before the next period) lets one of them do the work each period. A failed pass is logged and the next
 * period tries again; the work says what it changed, if anything, as one log line.
 */
export class Housekeeping {
  private timer?: NodeJS.Timeout;
  private readonly logger: Logger;

  constructor(
    private readonly redis: RedisConnection,
    private readonly options: HousekeepingOptions,
  ) {
    this.logger = new Logger(options.name);
  }

  start(work: () => Promise<string | undefined>): void {
    if (this.options.onBoot) void this.runLocked(work);
    this.timer = setInterval(() => void this.runLocked(work), this.options.periodMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async runLocked(work: () => Promise<string | undefined>): Promise<void> {
    try {
      const lockMs = Math.max(100, this.options.periodMs * 0.8);
      if ((await this.redis.client.set(this.options.lock, String(process.pid), 'PX', lockMs, 'NX')) !== 'OK') return;
      const done = await work();
      if (done) this.logger.log(done);
    } catch (error) {
      this.logger.warn(`${this.options.name} skipped: ${(error as Error).message}`);
    }
  }
}

import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { HEARTBEAT_INTERVAL_MS, WorkerInfo, WorkerRegistry } from './worker-registry';

/** Keeps this worker's entry in the registry fresh while it runs, and removes it on a clean exit. */
@Injectable()
export class WorkerHeartbeat implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WorkerHeartbeat.name);
  readonly identity: Omit<WorkerInfo, 'lastBeatAt'>;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly registry: WorkerRegistry,
    config: AppConfig,
  ) {
    this.identity = WorkerRegistry.newIdentity(config.worker.concurrency);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), HEARTBEAT_INTERVAL_MS);
    this.timer.unref();
  }

  /** Before connections close: the entry goes at once, not when its TTL runs out. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.registry.remove(this.identity.id).catch(() => undefined);
  }

  private async beat(): Promise<void> {
    try {
      await this.registry.beat(this.identity);
    } catch (error) {
      // Redis away: the worker keeps working; it reappears as alive at the next beat that succeeds.
      this.logger.warn(`Heartbeat not recorded: ${(error as Error).message}`);
    }
  }
}

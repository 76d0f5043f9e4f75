import { Injectable } from '@nestjs/common';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import { RedisConnection } from '../shared/redis.provider';

const KEY = 'metrics:worker:';

/** One worker's metrics as it last published them. */
export interface WorkerSnapshot {
  /** Unique per worker process start. */
  instance: string;
  /** The `worker` label: host:pid, what an operator can find on a machine. */
  worker: string;
  host: string;
  pid: number;
  publishedAt: string;
  memory: { rssBytes: number; heapUsedBytes: number };
  metrics: MetricObjectWithValues<MetricValue<string>>[];
}

/** Workers' metric snapshots in Redis: workers write their own, the web app (and the CLI) read them all. */
@Injectable()
export class WorkerSnapshots {
  constructor(private readonly redis: RedisConnection) {}

  async publish(snapshot: WorkerSnapshot, ttlMs: number): Promise<void> {
    await this.redis.client.set(KEY + snapshot.instance, JSON.stringify(snapshot), 'PX', Math.round(ttlMs));
  }

  async remove(instance: string): Promise<void> {
    await this.redis.client.del(KEY + instance);
  }

  async readAll(): Promise<WorkerSnapshot[]> {
    return (await this.redis.readAllJson<WorkerSnapshot>(KEY)).sort((a, b) => a.worker.localeCompare(b.worker));
  }
}

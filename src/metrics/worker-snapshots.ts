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
    const client = this.redis.client;
    const prefix = client.options.keyPrefix ?? '';
    const keys: string[] = [];
    let cursor = '0';
    do {
      // SCAN does not apply ioredis' keyPrefix to the pattern: add it, then strip it from the keys.
      const [next, found] = await client.scan(cursor, 'MATCH', `${prefix}${KEY}*`, 'COUNT', 200);
      cursor = next;
      keys.push(...found.map((k) => k.slice(prefix.length)));
    } while (cursor !== '0');
    if (!keys.length) return [];
    const values = await client.mget(...keys);
    return values
      .filter((v): v is string => v !== null)
      .map((v) => JSON.parse(v) as WorkerSnapshot)
      .sort((a, b) => a.worker.localeCompare(b.worker));
  }
}

import { Injectable } from '@nestjs/common';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { RedisConnection } from '../shared/redis.provider';

/** A worker beats this often; it counts as alive while its last beat is younger than WORKER_TTL_MS. */
export const HEARTBEAT_INTERVAL_MS = 5_000;
export const WORKER_TTL_MS = 3 * HEARTBEAT_INTERVAL_MS;
const KEY = 'workers:';

export interface WorkerInfo {
  id: string;
  host: string;
  pid: number;
  startedAt: string;
  concurrency: number;
  lastBeatAt: string;
}

/**
 * Live workers, as their heartbeats in Redis say. Any process can read it (the web app warns when
 * none is alive); only workers write their own entry, which expires by itself if they die.
 */
@Injectable()
export class WorkerRegistry {
  constructor(private readonly redis: RedisConnection) {}

  static newIdentity(concurrency: number): Omit<WorkerInfo, 'lastBeatAt'> {
    return { id: randomUUID(), host: hostname(), pid: process.pid, startedAt: new Date().toISOString(), concurrency };
  }

  async beat(worker: Omit<WorkerInfo, 'lastBeatAt'>): Promise<void> {
    const info: WorkerInfo = { ...worker, lastBeatAt: new Date().toISOString() };
    await this.redis.client.set(KEY + worker.id, JSON.stringify(info), 'PX', WORKER_TTL_MS);
  }

  async remove(workerId: string): Promise<void> {
    await this.redis.client.del(KEY + workerId);
  }

  async liveWorkers(): Promise<WorkerInfo[]> {
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
      .map((v) => JSON.parse(v) as WorkerInfo)
      .sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  }
}

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
    return (await this.redis.readAllJson<WorkerInfo>(KEY)).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  }
}

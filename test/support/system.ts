import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bull';
import { Queue } from 'bull';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { LinePoll } from '../../src/buses/entities/line-poll.entity';
import { configureApp } from '../../src/http/configure-app';
import { TrackBusesJobData, TRACKING_QUEUE } from '../../src/queue/queue.constants';
import { RunningSimulator, startSimulatorServer } from '../../src/simulator/simulator-server';
import { Tracking } from '../../src/tracking/entities/tracking.entity';
import { TrackingRepository } from '../../src/tracking/tracking.repository';
import { WorkerModule } from '../../src/worker.module';
import { clearQueuePrefix, createTestDatabase, requireRedis, TEST_REDIS_URL, TestDatabase } from './services';

export interface SystemOptions {
  /** Extra or overriding environment for web and worker. */
  env?: Record<string, string>;
  /** Simulated seconds per real second (default 30: a fresh fix every ~0.3 s). */
  timeScale?: number;
  simulatorCredentials?: { clientId: string; clientSecret: string };
  /** Start an in-process worker context (default true). */
  worker?: boolean;
  /** Database kind; defaults to TEST_DATABASE. */
  database?: 'sqlite' | 'postgres';
  /** The city's service the simulator shows at start (default SERVICE_AT, a weekday morning). */
  serviceAt?: number;
  /** Nest log levels printed (default errors and warnings). */
  logger?: ('error' | 'warn')[];
}

/**
 * Wednesday 2026-06-10, 08:30 in Montevideo: the simulator shows that morning's service whatever the hour
 * the tests run at (its timestamps stay on the real clock), so the same buses run on every run.
 */
export const SERVICE_AT = Date.parse('2026-06-10T08:30:00-03:00');

export interface TestSystem {
  env: Record<string, string>;
  web: INestApplication;
  worker?: INestApplicationContext;
  sim: RunningSimulator;
  db: TestDatabase;
  http: () => ReturnType<typeof request>;
  /** The web side's handle on the queue (a producer). */
  queue: Queue<TrackBusesJobData>;
  dataSource: DataSource;
  startWorker(): Promise<INestApplicationContext>;
  /**
   * Between tests, with no worker running: ends every active tracking, stops every chain and removes every
   * job that is not running, hash and all. (Bull's `empty()` leaves a delayed job's hash behind, and a later
   * chain whose next tick has that id would be added as a no-op: lost until the reconciler finds it.)
   */
  resetWork(): Promise<void>;
  close(): Promise<void>;
}

/** Simulator + web app + worker (separate Nest contexts) over real Redis and a fresh database. */
export async function startSystem(options: SystemOptions = {}): Promise<TestSystem> {
  await requireRedis();
  const db = await createTestDatabase(options.database);
  const sim = await startSimulatorServer({
    port: 0,
    seed: 7,
    timeScale: options.timeScale ?? 30,
    serviceAt: options.serviceAt ?? SERVICE_AT,
    ...options.simulatorCredentials,
  });
  const prefix = `bt-test-${randomBytes(4).toString('hex')}`;
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: prefix,
    STM_API_URL: sim.apiUrl,
    STM_TOKEN_URL: sim.tokenUrl,
    TRACKING_INTERVAL_SECONDS: '0.25',
    WORKER_CONCURRENCY: '4',
    LOG_LEVEL: 'warn',
    ...options.env,
  };
  const logger = options.logger ?? ['error', 'warn'];
  const web = await NestFactory.create(AppModule.register(env), { logger, abortOnError: false });
  configureApp(web);
  await web.listen(0, '127.0.0.1');
  const system: TestSystem = {
    env,
    web,
    sim,
    db,
    http: () => request(web.getHttpServer()),
    queue: web.get<Queue<TrackBusesJobData>>(getQueueToken(TRACKING_QUEUE)),
    dataSource: web.get(DataSource),
    async startWorker() {
      system.worker = await NestFactory.createApplicationContext(WorkerModule.register(env), {
        logger,
        abortOnError: false,
      });
      await system.worker.init();
      return system.worker;
    },
    async resetWork() {
      const active = await system.dataSource.getRepository(Tracking).findBy({ status: 'active' });
      await web
        .get(TrackingRepository)
        .end(
          active.map((t) => t.id),
          { status: 'stopped', reason: 'end of test' },
          new Date(),
        );
      await system.dataSource.getRepository(LinePoll).update({ polling: true }, { polling: false });
      const pending = await system.queue.getJobs(['waiting', 'delayed', 'paused', 'completed', 'failed']);
      await Promise.all(pending.filter((job) => job).map((job) => job.remove()));
    },
    async close() {
      await system.worker?.close();
      await web.close();
      await sim.close();
      await clearQueuePrefix(prefix, env.REDIS_URL);
      await db.drop();
    },
  };
  if (options.worker !== false) await system.startWorker();
  return system;
}

/** Polls `probe` until it returns a truthy value or the time is up (then fails with `what`). */
export async function eventually<T>(
  probe: () => Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

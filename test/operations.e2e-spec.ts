import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import Redis from 'ioredis';
import { hostname } from 'node:os';
import request from 'supertest';
import { AppModule } from '../src/app.module';
import { configureApp } from '../src/http/configure-app';
import { JobRetention } from '../src/queue/job-retention';
import { eventually, sleep, startSystem, TestSystem } from './support/system';
import { startWorkerProcess } from './support/worker-process';

/** Health, metrics, job retention and HTTP hardening (issue 4), against real Redis, database and workers. */
const STOP = 3227;

/** The value of one series of a Prometheus text exposition, or undefined when it is absent. */
function metric(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(match[3]);
  }
  return undefined;
}

describe('operating it: health, metrics, retention, hardening', () => {
  let sys: TestSystem;
  let redis: Redis;
  const extraApps: INestApplication[] = [];
  const webWith = async (env: Record<string, string>): Promise<INestApplication> => {
    const app = await NestFactory.create(AppModule.register({ ...sys.env, ...env }), {
      logger: ['error'],
      abortOnError: false,
    });
    configureApp(app);
    await app.init();
    extraApps.push(app);
    return app;
  };

  beforeAll(async () => {
    sys = await startSystem({
      worker: false,
      env: {
        METRICS_PUSH_SECONDS: '0.2',
        // Finished ticks: at most 5 kept, none older than 1.5 s once a sweep runs.
        RETENTION_COMPLETED_COUNT: '5',
        RETENTION_COMPLETED_HOURS: String(1.5 / 3600),
        RETENTION_FAILED_COUNT: '3',
        RETENTION_SWEEP_MINUTES: '60',
      },
    });
    redis = new Redis(sys.env.REDIS_URL);
  });
  afterAll(async () => {
    for (const app of extraApps) await app.close();
    redis?.disconnect();
    await sys?.close();
  });

  describe('health', () => {
    it('/health is liveness: it answers without asking anything else', async () => {
      const res = await sys.http().get('/health').expect(200);
      expect(res.body).toEqual({ status: 'ok', uptimeSeconds: expect.any(Number) });
    });

    it('/health/ready names each check, and answers 503 while no worker is alive', async () => {
      const res = await sys.http().get('/health/ready').expect(503);
      expect(res.body.status).toBe('error');
      expect(Object.keys(res.body.details).sort()).toEqual(['database', 'redis', 'upstream', 'workers']);
      expect(res.body.info).toMatchObject({
        database: { status: 'up' },
        redis: { status: 'up' },
        upstream: { status: 'up', kind: 'simulator' },
      });
      expect(res.body.error).toEqual({
        workers: {
          status: 'down',
          alive: 0,
          message: expect.stringMatching(/^no worker has sent a heartbeat in the last 15 s/),
        },
      });
    });

    it('is ready once a worker process runs, and reports it down again when that worker is stopped', async () => {
      const worker = await startWorkerProcess(sys.env);
      try {
        const ready = await eventually(async () => {
          const res = await sys.http().get('/health/ready');
          return res.status === 200 ? res.body : undefined;
        }, 'readiness with a live worker');
        expect(ready.status).toBe('ok');
        expect(ready.info.workers).toEqual({ status: 'up', alive: 1 });
        expect(ready.error).toEqual({});
      } finally {
        worker.kill('SIGTERM');
        expect(await worker.exited).toBe(0);
      }
      // A clean stop removes its heartbeat at once: no waiting for the 15 s TTL.
      const res = await sys.http().get('/health/ready').expect(503);
      expect(res.body.error.workers).toMatchObject({ status: 'down', alive: 0 });
      expect(res.body.info.database).toEqual({ status: 'up' });
    });

    it('names the upstream when it does not answer', async () => {
      const app = await webWith({
        STM_API_URL: 'http://127.0.0.1:9/api/transportepublico',
        STM_TOKEN_URL: 'http://127.0.0.1:9/token',
      });
      const res = await request(app.getHttpServer()).get('/health/ready').expect(503);
      expect(res.body.error.upstream).toEqual({
        status: 'down',
        kind: 'simulator',
        url: 'http://127.0.0.1:9',
        message: 'http://127.0.0.1:9/health unreachable; start it with `npm run sim`',
      });
      expect(res.body.info.redis.status).toBe('up');
    });
  });

  describe('metrics', () => {
    it('/metrics exposes tick counters that grow after ticks, with upstream, queue and worker figures', async () => {
      await sys.startWorker();
      const worker = `${hostname()}:${process.pid}`;
      const tracking = (
        await sys
          .http()
          .post('/api/trackings')
          .send({ stopId: STOP, lines: ['103'] })
          .expect(202)
      ).body.id as string;
      const scrape = async (): Promise<string> => (await sys.http().get('/metrics').expect(200)).text;
      const okTicks = (text: string): number => metric(text, 'bus_tracker_ticks_total', { outcome: 'ok', worker }) ?? 0;

      const first = await eventually(async () => {
        const text = await scrape();
        return okTicks(text) >= 2 ? text : undefined;
      }, 'two ticks counted');
      const later = await eventually(async () => {
        const text = await scrape();
        return okTicks(text) >= okTicks(first) + 2 ? text : undefined;
      }, 'the tick counter to grow');
      expect(okTicks(later)).toBeGreaterThan(okTicks(first));

      expect(
        metric(later, 'bus_tracker_tick_duration_seconds_count', { outcome: 'ok', worker }),
      ).toBeGreaterThanOrEqual(2);
      expect(metric(later, 'bus_tracker_tick_lateness_seconds_count', { worker })).toBeGreaterThanOrEqual(2);
      expect(
        metric(later, 'bus_tracker_upstream_requests_total', { endpoint: 'buses', outcome: 'ok', worker }),
      ).toBeGreaterThan(0);
      // The token is shared in Redis by every process (test/upstream.e2e-spec.ts counts its requests): this
      // worker may never have had to ask for one.
      expect(
        metric(later, 'bus_tracker_upstream_request_duration_seconds_count', { endpoint: 'buses', worker }),
      ).toBeGreaterThan(0);
      expect(metric(later, 'process_resident_memory_bytes', { process: 'worker', worker })).toBeGreaterThan(10_000_000);
      expect(metric(later, 'process_start_time_seconds', { process: 'worker', worker })).toBeGreaterThan(0);
      expect(metric(later, 'bus_tracker_active_trackings')).toBe(1);
      expect(metric(later, 'bus_tracker_workers_alive')).toBe(1);
      const failed = await redis.zcard(`${sys.env.QUEUE_PREFIX}:tracking:failed`);
      expect(metric(later, 'bus_tracker_queue_jobs', { state: 'failed' })).toBe(failed);
      expect(
        metric(later, 'bus_tracker_http_request_duration_seconds_count', {
          method: 'POST',
          route: '/api/trackings',
          status: '202',
        }),
      ).toBe(1);
      expect(later).toMatch(/^# TYPE bus_tracker_ticks_total counter$/m);

      await sys.http().post(`/api/trackings/${tracking}/stop`).expect(200);
    });

    it('counts failed jobs', async () => {
      const worker = `${hostname()}:${process.pid}`;
      await sys.queue.add('bogus', { line: 'none', seq: 1, scheduledAt: new Date().toISOString() });
      const text = await eventually(async () => {
        const t = (await sys.http().get('/metrics').expect(200)).text;
        return metric(t, 'bus_tracker_job_failures_total', { job: 'bogus', final: 'true', worker }) ? t : undefined;
      }, 'the failure to be counted');
      expect(metric(text, 'bus_tracker_job_failures_total', { job: 'bogus', final: 'true', worker })).toBe(1);
    });
  });

  describe('retention', () => {
    it('keeps at most RETENTION_*_COUNT finished jobs, and the sweep clears old ones from a quiet queue', async () => {
      const key = (part: string): string => `${sys.env.QUEUE_PREFIX}:tracking:${part}`;
      // Ticks trim completed jobs to 5 as they complete (the job options).
      const id = (
        await sys
          .http()
          .post('/api/trackings')
          .send({ stopId: STOP, lines: ['109'] })
          .expect(202)
      ).body.id;
      await eventually(
        async () => (await sys.http().get(`/api/trackings/${id}`).expect(200)).body.runs >= 8,
        'eight ticks',
      );
      expect(await redis.zcard(key('completed'))).toBeLessThanOrEqual(5);
      await sys.http().post(`/api/trackings/${id}/stop`).expect(200);
      for (let i = 0; i < 5; i++) {
        await sys.queue.add('bogus', { line: 'none', seq: i, scheduledAt: new Date().toISOString() });
      }
      await eventually(async () => (await redis.zcard(key('failed'))) >= 6, 'the bogus jobs to fail');
      // Nothing completes any more once the stopped line's chain has run its last tick: without the sweep
      // the last ticks would stay for ever.
      await eventually(async () => {
        const jobs = await sys.queue.getJobs(['waiting', 'delayed', 'active']);
        return !jobs.some((j) => j?.data?.line === '109');
      }, 'the chain of line 109 to end');
      await sleep(1600);
      const completedBefore = await redis.zcard(key('completed'));
      const failedNewest = (await redis.zrange(key('failed'), -3, -1)).sort();
      expect(completedBefore).toBeGreaterThan(0);

      const report = await sys.worker!.get(JobRetention).sweep();
      // The worker's own sweep loop may take a last straggler first: what matters is that none is left.
      expect(report.failed).toBe(3);
      expect(report.completed).toBeLessThanOrEqual(completedBefore);
      expect(await redis.zcard(key('completed'))).toBe(0);
      expect((await redis.zrange(key('failed'), 0, -1)).sort()).toEqual(failedNewest);
      // Pending ticks are never touched by retention.
      expect(await sys.queue.getJobCounts()).toMatchObject({ completed: 0, failed: 3 });
    });
  });

  describe('hardening', () => {
    it('sends security headers, and a CSP that does not force https on plain-HTTP deployments', async () => {
      const res = await sys.http().get('/api/lines').expect(200);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
      expect(res.headers['content-security-policy']).not.toMatch(/upgrade-insecure-requests/);
      expect(res.headers['x-powered-by']).toBeUndefined();
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('refuses a body over HTTP_BODY_LIMIT_KB with a 413 that says why', async () => {
      const big = { stopId: STOP, lines: ['103'], padding: 'x'.repeat(70 * 1024) };
      const res = await sys.http().post('/api/trackings').send(big).expect(413);
      expect(res.body).toEqual({ statusCode: 413, error: 'Payload Too Large', message: 'Request body too large' });
    });

    it('rate limits public routes per client (429 with Retry-After), never health or metrics', async () => {
      const app = await webWith({ THROTTLE_LIMIT: '3', THROTTLE_TTL_SECONDS: '60' });
      const http = () => request(app.getHttpServer());
      for (let i = 0; i < 3; i++) await http().get('/api/lines').expect(200);
      const refused = await http().get('/api/lines').expect(429);
      expect(refused.body).toEqual({
        statusCode: 429,
        error: 'Too Many Requests',
        message: 'Too many requests from your address; at most 3 per 60 s on one route. Try again shortly',
      });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      await http().get('/api/stops/3227').expect(200); // another route has its own budget
      for (let i = 0; i < 6; i++) {
        await http().get('/health').expect(200);
        await http().get('/metrics').expect(200);
      }
    });

    it('keys the rate limit on the connection, not on X-Forwarded-For, unless TRUST_PROXY says a proxy is in front', async () => {
      const limit = { THROTTLE_LIMIT: '3', THROTTLE_TTL_SECONDS: '60' };
      const stop = (app: INestApplication, forwardedFor: string) =>
        request(app.getHttpServer()).get('/api/stops/3227').set('X-Forwarded-For', forwardedFor);

      // No proxy (the default): a client naming another address each time is still one client.
      const direct = await webWith(limit);
      for (let i = 1; i <= 3; i++) await stop(direct, `203.0.113.${i}`).expect(200);
      const spoofed = await stop(direct, '198.51.100.77').expect(429);
      expect(spoofed.body.message).toMatch(/Too many requests from your address/);

      // Behind a trusted proxy on loopback, the address it forwards is the client's.
      const proxied = await webWith({ ...limit, TRUST_PROXY: 'loopback' });
      for (let i = 1; i <= 6; i++) await stop(proxied, `203.0.113.${i}`).expect(200);
      for (let i = 0; i < 3; i++) await stop(proxied, '198.51.100.77').expect(200);
      await stop(proxied, '198.51.100.77').expect(429);
    });

    it('answers CORS only for the origins in CORS_ORIGINS', async () => {
      const app = await webWith({ CORS_ORIGINS: 'https://rider.example' });
      const http = () => request(app.getHttpServer());
      const allowed = await http().get('/api/lines').set('Origin', 'https://rider.example').expect(200);
      expect(allowed.headers['access-control-allow-origin']).toBe('https://rider.example');
      const preflight = await http()
        .options('/api/trackings')
        .set('Origin', 'https://rider.example')
        .set('Access-Control-Request-Method', 'POST')
        .expect(204);
      expect(preflight.headers['access-control-allow-methods']).toMatch(/POST/);
      const other = await http().get('/api/lines').set('Origin', 'https://evil.example').expect(200);
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    });
  });
});

import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import Redis from 'ioredis';
import request from 'supertest';
import { AppModule } from '../src/app.module';
import { configureApp } from '../src/http/configure-app';
import { sleep, eventually, startSystem, TestSystem } from './support/system';

/**
 * Operating the queue over HTTP (SPEC §4.1, issue 4): counts and jobs as Redis holds them, retry,
 * remove, clean, pause and resume behind the admin token, and the queue UI closed without it.
 */
const ADMIN = 'queue-admin-test-token-0042';
const STOP = 3227;
const STATES = ['waiting', 'active', 'delayed', 'completed', 'failed', 'paused'] as const;

describe('queue inspection and admin over HTTP', () => {
  let sys: TestSystem;
  let redis: Redis;
  const key = (part: string): string => `${sys.env.QUEUE_PREFIX}:tracking:${part}`;

  /** Job counts read straight from Bull's keys in Redis, in one MULTI. */
  const rawCounts = async (): Promise<Record<string, number>> => {
    const res = (await redis
      .multi()
      .llen(key('wait'))
      .llen(key('active'))
      .zcard(key('delayed'))
      .zcard(key('completed'))
      .zcard(key('failed'))
      .llen(key('paused'))
      .exec())!;
    return Object.fromEntries(STATES.map((s, i) => [s, res[i][1] as number]));
  };
  const members = async (set: string): Promise<string[]> => (await redis.zrange(key(set), 0, -1)).sort();
  const admin = <T extends request.Test>(req: T): T => req.set('Authorization', `Bearer ${ADMIN}`);
  const stopWorker = async (): Promise<void> => {
    await sys.worker?.close();
    sys.worker = undefined;
  };

  beforeAll(async () => {
    sys = await startSystem({ env: { ADMIN_TOKEN: ADMIN } });
    redis = new Redis(sys.env.REDIS_URL);
  });
  afterAll(async () => {
    redis?.disconnect();
    await sys?.close();
  });

  it('admin routes refuse a request without the token or with a wrong one (401), and take the right one', async () => {
    const routes: ['post' | 'delete', string, object?][] = [
      ['post', '/api/queue/pause'],
      ['post', '/api/queue/resume'],
      ['post', '/api/queue/jobs/tick:nope:1/retry'],
      ['delete', '/api/queue/jobs/tick:nope:1'],
      ['post', '/api/queue/clean', { state: 'completed', olderThan: '1d' }],
    ];
    for (const [method, path, body] of routes) {
      const none = await sys.http()[method](path).send(body);
      expect({ path, status: none.status }).toEqual({ path, status: 401 });
      expect(none.body).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'This admin route needs the admin token: send the header "Authorization: Bearer <ADMIN_TOKEN>"',
      });
      expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
      const wrong = await sys.http()[method](path).set('Authorization', 'Bearer not-the-admin-token').send(body);
      expect({ path, status: wrong.status, message: wrong.body.message }).toEqual({
        path,
        status: 401,
        message: 'The admin token is not valid',
      });
      const basic = await sys.http()[method](path).set('Authorization', `Basic ${ADMIN}`).send(body);
      expect(basic.status).toBe(401);
    }
    expect(await sys.queue.isPaused()).toBe(false); // the refused pause changed nothing

    expect((await admin(sys.http().post('/api/queue/pause')).expect(200)).body).toEqual({ paused: true });
    expect(await sys.queue.isPaused()).toBe(true);
    expect((await admin(sys.http().post('/api/queue/resume')).expect(200)).body).toEqual({ paused: false });
    expect(await sys.queue.isPaused()).toBe(false);
    const missing = await admin(sys.http().post('/api/queue/jobs/tick:nope:1/retry')).expect(404);
    expect(missing.body.message).toMatch(/^No job with id tick:nope:1/);
    await admin(sys.http().delete('/api/queue/jobs/tick:nope:1')).expect(404);
    const cleaned = await admin(sys.http().post('/api/queue/clean'))
      .send({ state: 'completed', olderThan: '1d' })
      .expect(200);
    expect(cleaned.body).toEqual({ state: 'completed', olderThan: '1d', removed: 0 });
  });

  it('without ADMIN_TOKEN the admin routes and the queue UI are closed to everyone (403), reading stays open', async () => {
    let closed: INestApplication | undefined;
    try {
      closed = await NestFactory.create(AppModule.register({ ...sys.env, ADMIN_TOKEN: '' }), {
        logger: ['error'],
        abortOnError: false,
      });
      configureApp(closed);
      await closed.init();
      const http = () => request(closed!.getHttpServer());
      const message =
        "Admin routes are disabled: set ADMIN_TOKEN (16 or more characters) in the web app's environment to enable them";
      for (const req of [
        http().post('/api/queue/pause'),
        http().post('/api/queue/pause').set('Authorization', `Bearer ${ADMIN}`),
        http().get('/admin/queues'),
        http().get(`/admin/queues?token=${ADMIN}`),
        http().get('/admin/queues/api/queues').set('Authorization', `Bearer ${ADMIN}`),
      ]) {
        const res = await req;
        expect({ status: res.status, body: res.body }).toEqual({
          status: 403,
          body: { statusCode: 403, error: 'Forbidden', message },
        });
      }
      expect(await sys.queue.isPaused()).toBe(false);
      await http().get('/api/queue').expect(200);
    } finally {
      await closed?.close();
    }
  });

  it('lists jobs by state with data, attempts and failure reason; a retried job runs again', async () => {
    for (const line of ['103', '109']) {
      await sys
        .http()
        .post('/api/trackings')
        .send({ stopId: STOP, lines: [line] })
        .expect(202);
    }
    // A job no worker knows how to run: Bull fails it ("Missing process handler").
    for (let i = 0; i < 2; i++) {
      await sys.queue.add('bogus', { line: 'none', seq: i, scheduledAt: new Date().toISOString() });
    }
    await eventually(async () => {
      const c = await rawCounts();
      return c.completed >= 4 && c.failed >= 2;
    }, 'ticks completed and the bogus jobs failed');

    const overview = (await sys.http().get('/api/queue').expect(200)).body;
    expect(overview.workers).toHaveLength(1);
    expect(overview.workers[0]).toMatchObject({ pid: process.pid, concurrency: 4 });
    expect(Date.now() - Date.parse(overview.workers[0].lastBeatAt)).toBeLessThan(15_000);

    const failed = (await sys.http().get('/api/queue/jobs?state=failed').expect(200)).body;
    expect(failed).toHaveLength(2);
    for (const job of failed) {
      expect(job).toMatchObject({
        name: 'bogus',
        state: 'failed',
        attemptsMade: 1,
        attempts: 1,
        failedReason: 'Missing process handler for job type bogus',
        data: { line: 'none' },
      });
      expect(new Date(job.finishedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    }
    const completed = (await sys.http().get('/api/queue/jobs?state=completed&limit=2').expect(200)).body;
    expect(completed).toHaveLength(2);
    expect(completed[0]).toMatchObject({ name: 'track-buses', state: 'completed', returnValue: { outcome: 'ok' } });
    expect(completed[0].id).toMatch(/^tick:(103|109):\d+$/);
    const delayed = (await sys.http().get('/api/queue/jobs?state=delayed').expect(200)).body;
    for (const job of delayed) expect(Date.parse(job.dueAt)).toBeGreaterThan(Date.parse(job.createdAt));
    const one = (
      await sys
        .http()
        .get(`/api/queue/jobs/${encodeURIComponent(completed[0].id)}`)
        .expect(200)
    ).body;
    expect(one).toEqual(completed[0]);
    const bad = await sys.http().get('/api/queue/jobs?state=stuck-ish&limit=0').expect(400);
    expect(bad.body.message).toMatch(/state must be one of waiting, active, delayed, completed, failed, paused/);
    expect(bad.body.message).toMatch(/limit must be a whole number from 1 to 500/);

    const [first] = failed;
    const retried = await admin(sys.http().post(`/api/queue/jobs/${first.id}/retry`)).expect(200);
    expect(retried.body).toMatchObject({ id: first.id, state: 'waiting' });
    const again = await eventually(async () => {
      const job = (await sys.http().get(`/api/queue/jobs/${first.id}`).expect(200)).body;
      return job.state === 'failed' && Date.parse(job.processedAt) > Date.parse(first.processedAt) ? job : undefined;
    }, 'the retried job to run again');
    expect(Date.parse(again.finishedAt)).toBeGreaterThan(Date.parse(first.finishedAt));
    const notFailed = await admin(sys.http().post(`/api/queue/jobs/${encodeURIComponent(completed[0].id)}/retry`));
    expect(notFailed.status).toBe(409);
    expect(notFailed.body.message).toMatch(/is completed; only failed jobs can be retried/);
  });

  it('counts match the jobs in Redis, and a stopped worker leaves the worker list', async () => {
    await stopWorker();
    const overview = await eventually(async () => {
      const before = await rawCounts();
      const answer = (await sys.http().get('/api/queue').expect(200)).body;
      const after = await rawCounts();
      // Compare only while nothing moves between the two reads.
      return JSON.stringify(before) === JSON.stringify(after) ? { answer, raw: after } : undefined;
    }, 'a stable queue');
    expect(overview.answer.counts).toEqual(overview.raw);
    expect(overview.raw.delayed + overview.raw.waiting).toBeGreaterThanOrEqual(2); // both chains wait
    expect(overview.raw.failed).toBe(2);
    expect(overview.answer.paused).toBe(false);
    expect(overview.answer.workers).toEqual([]);
  });

  it('clean removes only finished jobs of the state asked, older than the duration', async () => {
    // Two batches of completed ticks with a second between them: the cut goes in the gap.
    await sleep(1000);
    await sys.startWorker();
    const firstBatch = await members('completed');
    await eventually(async () => (await members('completed')).length >= firstBatch.length + 2, 'two more ticks');
    await stopWorker();
    const completed = await redis.zrange(key('completed'), 0, -1, 'WITHSCORES');
    const scores = completed.flatMap((v, i) => (i % 2 ? [Number(v)] : []));
    let cut = 0;
    let widest = 0;
    for (let i = 1; i < scores.length; i++) {
      if (scores[i] - scores[i - 1] > widest)
        [widest, cut] = [scores[i] - scores[i - 1], (scores[i] + scores[i - 1]) / 2];
    }
    expect(widest).toBeGreaterThan(500);
    const [failedBefore, delayedBefore, waitingBefore] = [
      await members('failed'),
      await members('delayed'),
      await redis.lrange(key('wait'), 0, -1),
    ];
    const expectedKept = completed.filter((_, i) => i % 2 === 0 && Number(completed[i + 1]) > cut).sort();
    const expectedRemoved = scores.filter((s) => s < cut).length;

    const res = await admin(sys.http().post('/api/queue/clean'))
      .send({ state: 'completed', olderThan: `${Math.round(Date.now() - cut)}ms` })
      .expect(200);
    expect(res.body.removed).toBe(expectedRemoved);
    expect(await members('completed')).toEqual(expectedKept);
    expect(expectedKept.length).toBeGreaterThanOrEqual(2);
    expect(await members('failed')).toEqual(failedBefore);
    expect(await members('delayed')).toEqual(delayedBefore);
    expect(await redis.lrange(key('wait'), 0, -1)).toEqual(waitingBefore);

    const refused = await admin(sys.http().post('/api/queue/clean')).send({ state: 'delayed', olderThan: '0s' });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/state must be completed or failed \(pending ticks are never cleaned/);
    expect(await members('delayed')).toEqual(delayedBefore);

    const failedGone = await admin(sys.http().post('/api/queue/clean'))
      .send({ state: 'failed', olderThan: '0s' })
      .expect(200);
    expect(failedGone.body.removed).toBe(failedBefore.length);
    expect(await members('failed')).toEqual([]);
    expect(await members('completed')).toEqual(expectedKept);
  });

  it('remove takes one job off the queue; pause and resume move the waiting jobs aside and back', async () => {
    const [delayedId] = await members('delayed');
    const removed = await admin(sys.http().delete(`/api/queue/jobs/${delayedId}`)).expect(200);
    expect(removed.body).toMatchObject({ id: delayedId, state: 'delayed' });
    expect(await redis.zscore(key('delayed'), delayedId)).toBeNull();
    expect(await redis.exists(key(delayedId))).toBe(0);
    await sys.http().get(`/api/queue/jobs/${delayedId}`).expect(404);

    await sys.queue.add('bogus', { line: 'none', seq: 9, scheduledAt: new Date().toISOString() });
    const waiting = await redis.llen(key('wait'));
    expect(waiting).toBeGreaterThanOrEqual(1);
    await admin(sys.http().post('/api/queue/pause')).expect(200);
    expect([await redis.llen(key('wait')), await redis.llen(key('paused'))]).toEqual([0, waiting]);
    const paused = (await sys.http().get('/api/queue').expect(200)).body;
    expect(paused).toMatchObject({ paused: true, counts: { waiting: 0, paused: waiting } });
    await admin(sys.http().post('/api/queue/resume')).expect(200);
    expect([await redis.llen(key('wait')), await redis.llen(key('paused'))]).toEqual([waiting, 0]);
    expect((await sys.http().get('/api/queue').expect(200)).body.paused).toBe(false);
  });

  describe('queue UI (/admin/queues)', () => {
    it('is closed without the token, also to its buttons', async () => {
      const page = await sys.http().get('/admin/queues').expect(401);
      expect(page.body.message).toMatch(/open \/admin\/queues\?token=<ADMIN_TOKEN> once/);
      await sys.http().get('/admin/queues/api/queues').expect(401);
      await sys.http().put('/admin/queues/api/queues/tracking/pause').expect(401);
      await sys.http().get('/admin/queues?token=not-the-token').expect(401);
      await sys
        .http()
        .get('/admin/queues')
        .set('Cookie', `bt_admin=${Date.now() + 60_000}.${'0'.repeat(64)}`)
        .expect(401);
      expect(await sys.queue.isPaused()).toBe(false);
    });

    it('takes the token once from the address, sets an HttpOnly cookie and drops the token from the address', async () => {
      const login = await sys.http().get(`/admin/queues?token=${ADMIN}`).expect(303);
      expect(login.headers.location).toBe('/admin/queues');
      const cookie = String(login.headers['set-cookie']);
      expect(cookie).toMatch(/^bt_admin=\d+\.[0-9a-f]{64}; Path=\/admin; HttpOnly; SameSite=Strict; Max-Age=43200/);
      expect(cookie).not.toContain(ADMIN);
      const session = cookie.split(';')[0];

      const page = await sys.http().get('/admin/queues').set('Cookie', session).expect(200);
      expect(page.headers['content-type']).toMatch(/text\/html/);
      expect(page.text).toContain('bus-tracker');
      const api = await sys.http().get('/admin/queues/api/queues').set('Cookie', session).expect(200);
      const board = api.body.queues.find((q: { name: string }) => q.name === 'tracking');
      const counts = await rawCounts();
      for (const state of ['delayed', 'completed', 'failed', 'paused'] as const) {
        expect({ state, n: board.counts[state] }).toEqual({ state, n: counts[state] });
      }
      await admin(sys.http().get('/admin/queues/api/queues')).expect(200);
    });
  });
});

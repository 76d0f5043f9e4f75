import Redis from 'ioredis';
import { In } from 'typeorm';
import { LinePoll } from '../src/buses/entities/line-poll.entity';
import { TRACK_BUSES_JOB, tickJobId } from '../src/queue/queue.constants';
import { Tracking } from '../src/tracking/entities/tracking.entity';
import { redisUrlWithDb } from './support/services';
import { eventually, sleep, startSystem, TestSystem } from './support/system';
import { startWorkerProcess, WorkerProcess } from './support/worker-process';

/**
 * SPEC §3.3's invariant under faults: every line with an active tracking has exactly one pending tick; none
 * is lost, none forked. Workers run as real processes (node test-dist/worker.js, compiled before the run).
 */
const STOP = 3227;
const LINES = [['103'], ['109'], ['110'], ['105'], ['112'], ['113']];
const FAST = {
  TRACKING_INTERVAL_SECONDS: '0.5',
  RECONCILE_SECONDS: '1',
  QUEUE_LOCK_SECONDS: '2',
  QUEUE_STALLED_CHECK_SECONDS: '1',
  STM_TIMEOUT_MS: '400',
};

describe('reliability: nothing lost, nothing forked', () => {
  let sys: TestSystem;
  const workers: WorkerProcess[] = [];
  const worker = async (): Promise<WorkerProcess> => {
    const w = await startWorkerProcess(sys.env);
    workers.push(w);
    return w;
  };

  beforeAll(async () => {
    // A Redis logical database of its own: one test flushes it.
    sys = await startSystem({ worker: false, timeScale: 10, env: { ...FAST, REDIS_URL: redisUrlWithDb(7) } });
  });
  afterEach(async () => {
    for (const w of workers.splice(0)) {
      w.kill('SIGKILL');
      await w.exited;
    }
    // A killed worker's heartbeat would outlive it by its TTL and mislead the next test.
    const redis = new Redis(sys.env.REDIS_URL);
    const stale = await redis.keys(`${sys.env.QUEUE_PREFIX}:workers:*`);
    if (stale.length) await redis.del(...stale);
    redis.disconnect();
    sys.sim.clearFaults();
    await sys.resetWork();
  });
  afterAll(async () => {
    await sys?.close();
  });

  /** Starts a tracking of each group of lines; returns the lines they track. */
  const start = async (lines: string[][] = LINES): Promise<string[]> => {
    for (const l of lines) await sys.http().post('/api/trackings').send({ stopId: STOP, lines: l }).expect(202);
    return [...new Set(lines.flat())];
  };
  /** Ticks each line has completed (its chain's sequence number). */
  const runs = async (lines: string[]): Promise<number[]> => {
    const rows = await sys.dataSource.getRepository(LinePoll).findBy({ line: In(lines) });
    return lines.map((line) => rows.find((r) => r.line === line)?.tickSeq ?? 0);
  };
  const allReach = (ids: string[], targets: number[], what: string, timeoutMs = 20_000): Promise<boolean> =>
    eventually(async () => (await runs(ids)).every((r, i) => r >= targets[i]), what, timeoutMs);
  /**
   * Waiting or delayed ticks, and running ones, per line: read from Bull's lists in one MULTI, so a tick moving
   * from one list to the next (Bull moves them atomically) is seen exactly once.
   */
  const ticks = async (): Promise<Map<string, { pending: string[]; running: string[] }>> => {
    const map = new Map<string, { pending: string[]; running: string[] }>();
    const entry = (line: string) => map.get(line) ?? map.set(line, { pending: [], running: [] }).get(line)!;
    const key = (list: string) => `${sys.env.QUEUE_PREFIX}:tracking:${list}`;
    const redis = new Redis(sys.env.REDIS_URL);
    try {
      const [wait, delayed, paused, active] = (
        (await redis
          .multi()
          .lrange(key('wait'), 0, -1)
          .zrange(key('delayed'), 0, -1)
          .lrange(key('paused'), 0, -1)
          .lrange(key('active'), 0, -1)
          .exec()) ?? []
      ).map(([, ids]) => ids as string[]);
      const lineOf = (id: string) => /^tick:(.+):\d+$/.exec(id)?.[1];
      for (const id of [...wait, ...delayed, ...paused]) if (lineOf(id)) entry(lineOf(id)!).pending.push(id);
      for (const id of active) if (lineOf(id)) entry(lineOf(id)!).running.push(id);
    } finally {
      redis.disconnect();
    }
    return map;
  };
  /** Exactly one chain: never two pending ticks, and never none (one may be running instead). */
  const expectOneChainEach = async (ids: string[]): Promise<void> => {
    const now = await ticks();
    for (const id of ids) {
      const t = now.get(id) ?? { pending: [], running: [] };
      expect({ id, pending: t.pending.length <= 1, some: t.pending.length + t.running.length >= 1 }).toEqual({
        id,
        pending: true,
        some: true,
      });
    }
  };

  it('SIGKILL of a worker in the middle of ticks: another worker carries every tracking on', async () => {
    const first = await worker();
    const ids = await start();
    await allReach(
      ids,
      ids.map(() => 3),
      'three ticks each',
    );
    first.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    const atKill = await runs(ids);
    await sleep(1000);
    expect(await runs(ids)).toEqual(atKill); // nobody is ticking now
    const second = await worker();
    await allReach(
      ids,
      atKill.map((r) => r + 3),
      'three more ticks each after the new worker started',
    ).catch((e: Error) => {
      throw new Error(`${e.message}; the new worker said:\n${second.tail(25)}`);
    });
    await expectOneChainEach(ids);
    expect(await sys.dataSource.getRepository(Tracking).countBy({ status: 'active' })).toBe(LINES.length);
  });

  it('a tick run twice, and stray copies of it and of its successor, never tick a sequence twice or fork', async () => {
    await worker();
    const [line] = await start([['103']]);
    await allReach([line], [3], 'three ticks');
    const poll = await sys.dataSource.getRepository(LinePoll).findOneByOrFail({ line });
    const done = poll.tickSeq;
    const scheduledAt = new Date().toISOString();
    // The completed tick again under its own id, as Bull's stalled-job recovery would run it...
    // The database claims a sequence before Bull marks its job completed, and Bull refuses to remove a job
    // that is still locked: wait for that tick's job to finish first.
    const completed = await sys.queue.getJob(tickJobId(line, done));
    await completed?.finished();
    await completed?.remove();
    await sys.queue.add('track-buses', { line, seq: done, scheduledAt }, { jobId: tickJobId(line, done) });
    // ...and stray copies under other ids, of that tick and of the pending one, as a second chain would be.
    for (const [suffix, seq] of [
      ['a', done],
      ['b', done + 1],
    ] as const) {
      await sys.queue.add('track-buses', { line, seq, scheduledAt }, { jobId: `stray-${suffix}:${line}` });
    }
    let maxAhead = 0;
    const startedAt = Date.now();
    while (Date.now() - startedAt < 3000) {
      // Pending ticks ahead of the last completed one: a fork would show two.
      const seq = (await sys.dataSource.getRepository(LinePoll).findOneByOrFail({ line })).tickSeq;
      const jobs = await sys.queue.getJobs(['waiting', 'delayed']);
      const ahead = jobs.filter((j) => j?.data.line === line && j.data.seq > seq && String(j.id).startsWith('tick:'));
      maxAhead = Math.max(maxAhead, ahead.length);
      await sleep(50);
    }
    const after = await sys.dataSource.getRepository(LinePoll).findOneByOrFail({ line });
    expect(maxAhead).toBeLessThanOrEqual(1);
    // Each sequence number is claimed once, at the chain's pace: 3 s at one tick every 0.5 s is about 6, not
    // twice that.
    expect(after.tickSeq - done).toBeGreaterThanOrEqual(3);
    expect(after.tickSeq - done).toBeLessThanOrEqual(8);
    await sleep(1500); // a reconcile period: the strays are gone
    await expectOneChainEach([line]);
  });

  it('a job stuck in no list holding the next tick’s id is replaced, and the chain goes on', async () => {
    const first = await worker();
    const [line] = await start([['110']]);
    await allReach([line], [2], 'two ticks');
    first.kill('SIGKILL');
    await first.exited;
    await sleep(600); // a tick in flight has finished or died
    // The job holding the next tick's id: the one the killed worker scheduled, or, when it died between
    // claiming a tick and scheduling the next, one made here as a crash could have left it.
    const poll = await sys.dataSource.getRepository(LinePoll).findOneByOrFail({ line });
    const id = tickJobId(line, poll.tickSeq + 1);
    const job =
      (await sys.queue.getJob(id)) ??
      (await sys.queue.add(
        TRACK_BUSES_JOB,
        { line, seq: poll.tickSeq + 1, scheduledAt: new Date().toISOString() },
        { jobId: id, delay: 60_000 },
      ));
    // Out of every list, its hash left behind: what a crash between Bull's own steps can leave.
    const redis = new Redis(sys.env.REDIS_URL);
    const key = (list: string) => `${sys.env.QUEUE_PREFIX}:tracking:${list}`;
    for (const list of ['delayed', 'completed', 'failed']) await redis.zrem(key(list), id);
    for (const list of ['wait', 'active', 'paused']) await redis.lrem(key(list), 0, id);
    redis.disconnect();
    expect(await job.getState()).toBe('stuck');
    await worker();
    await allReach([line], [poll.tickSeq + 3], 'three more ticks after the stuck job was replaced');
    await expectOneChainEach([line]);
  });

  it('Redis losing everything (FLUSHDB): every active tracking has its chain back within one reconcile period', async () => {
    const w = await worker();
    const ids = await start();
    await allReach(
      ids,
      ids.map(() => 2),
      'two ticks each',
    );
    const redis = new Redis(sys.env.REDIS_URL);
    await redis.flushdb();
    redis.disconnect();
    expect((await ticks()).size).toBe(0);
    const atFlush = await runs(ids);
    // Within one reconcile period (1 s, plus a little slack) every tracking has a tick again.
    await eventually(
      async () => {
        const now = await ticks();
        return ids.every((id) => (now.get(id)?.pending.length ?? 0) + (now.get(id)?.running.length ?? 0) >= 1);
      },
      'every chain back',
      2500,
    ).catch((e: Error) => {
      throw new Error(`${e.message}; the worker said:\n${w.tail(20)}`);
    });
    await allReach(
      ids,
      atFlush.map((r) => r + 3),
      'the chains going on',
    );
    await expectOneChainEach(ids);
  });

  it('the simulator failing 30% of requests with 500s and timeouts: trackings keep ticking and stay active', async () => {
    await worker();
    sys.sim.setFaults({ errorRate: 0.3, timeoutRate: 0.1, hangMs: 2000 });
    const ids = await start();
    await allReach(
      ids,
      ids.map(() => 8),
      'eight ticks each',
      30_000,
    );
    const rows = await sys.dataSource.getRepository(LinePoll).findBy({ line: In(ids) });
    for (const p of rows) expect(p.lastSuccessAt).not.toBeNull();
    expect(await sys.dataSource.getRepository(Tracking).countBy({ status: 'active' })).toBe(LINES.length);
    // Shared polling makes few upstream requests (one per interval for all six lines): keep going
    // until the faults have really hit several of them.
    await eventually(
      () => {
        const counts = sys.sim.faultCounts();
        return Promise.resolve(counts.serverError + counts.timeout >= 3);
      },
      'three injected faults',
      30_000,
    );
    await allReach(
      ids,
      (await runs(ids)).map((r) => r + 2),
      'two more ticks each',
    );
    expect(await sys.dataSource.getRepository(Tracking).countBy({ status: 'active' })).toBe(LINES.length);
    await expectOneChainEach(ids);
  });

  it('SIGTERM: the worker finishes its running ticks, leaves the registry and exits 0 within 10 s', async () => {
    const w = await worker();
    const ids = await start();
    await allReach(
      ids,
      ids.map(() => 2),
      'two ticks each',
    );
    const stoppedAt = Date.now();
    w.kill('SIGTERM');
    expect(await w.exited).toBe(0);
    expect(w.output()).toMatch(/SIGTERM received/);
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    expect(w.output()).not.toMatch(/ERROR/);
    // Its heartbeat is gone at once (not after the TTL): a new start warns that no worker runs.
    const res = await sys
      .http()
      .post('/api/trackings')
      .send({ stopId: STOP, lines: ['100'] })
      .expect(202);
    expect(res.body.warning).toBe('no worker is running; start one with `npm run start:worker`');
    // Nothing was lost: the next worker carries every tracking on.
    const atStop = await runs(ids);
    await worker();
    await allReach(
      ids,
      atStop.map((r) => r + 2),
      'two more ticks each',
    );
    await expectOneChainEach(ids);
  });

  it('POST /api/trackings says nothing about workers while one is alive', async () => {
    await worker();
    const res = await sys
      .http()
      .post('/api/trackings')
      .send({ stopId: STOP, lines: ['103'] })
      .expect(202);
    expect(res.body).not.toHaveProperty('warning');
  });

  it('stopping the last tracking of a line ends its chain at its next tick, even with the worker busy', async () => {
    await worker();
    await start([['109']]);
    const [id] = (await sys.dataSource.getRepository(Tracking).findBy({ status: 'active' })).map((t) => t.id);
    await allReach(['109'], [2], 'two ticks');
    await sys.http().post(`/api/trackings/${id}/stop`).expect(200);
    await eventually(
      async () => !(await sys.dataSource.getRepository(LinePoll).findOneByOrFail({ line: '109' })).polling,
      'the chain to end',
    );
    const [seq] = await runs(['109']);
    await sleep(1500);
    expect(await runs(['109'])).toEqual([seq]);
    expect((await ticks()).get('109')?.pending ?? []).toEqual([]);
  });
});

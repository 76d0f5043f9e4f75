import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import Redis from 'ioredis';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { LinePoll } from '../src/buses/entities/line-poll.entity';
import { BusStop } from '../src/catalog/entities/bus-stop.entity';
import { LineVariant } from '../src/catalog/entities/line-variant.entity';
import { tickJobId, TRACK_BUSES_JOB } from '../src/queue/queue.constants';
import { Tracking } from '../src/tracking/entities/tracking.entity';
import { WorkerModule } from '../src/worker.module';
import { CliResult, runCli } from './support/cli-process';
import { eventually, sleep, startSystem, TestSystem } from './support/system';

/**
 * The command line tool as a shell user meets it: `node test-dist/cli.js <command>` as its own
 * process, against the same Redis and database as a running web app and worker.
 */
const STOP = 3227;
const CREDENTIALS = { clientId: 'cli-test-client', clientSecret: 'cli-right-secret-0001' };
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

describe('command line tool', () => {
  let sys: TestSystem;
  let redis: Redis;
  const cli = (...args: string[]): Promise<CliResult> => runCli(args, sys.env);
  const key = (part: string): string => `${sys.env.QUEUE_PREFIX}:tracking:${part}`;
  const trackings = () => sys.dataSource.getRepository(Tracking);
  const linePolls = () => sys.dataSource.getRepository(LinePoll);
  const stopWorker = async (): Promise<void> => {
    await sys.worker?.close();
    sys.worker = undefined;
  };
  const start = async (lines: string[]): Promise<string> =>
    (await sys.http().post('/api/trackings').send({ stopId: STOP, lines }).expect(202)).body.id as string;

  beforeAll(async () => {
    sys = await startSystem({
      simulatorCredentials: CREDENTIALS,
      env: {
        STM_CLIENT_ID: CREDENTIALS.clientId,
        STM_CLIENT_SECRET: CREDENTIALS.clientSecret,
        METRICS_PUSH_SECONDS: '0.5',
      },
    });
    redis = new Redis(sys.env.REDIS_URL);
  });
  afterAll(async () => {
    redis?.disconnect();
    await sys?.close();
  });

  it('answers a wrong command line with exit 2, an unknown stop or id with 3, and help with 0', async () => {
    const cases: [string[], number, RegExp][] = [
      [[], 2, /Usage:/],
      [['nope'], 2, /unknown command 'nope'/],
      [['queue:status', '--bogus'], 2, /unknown option '--bogus'/],
      [['tracking:start', '--lines', '103'], 2, /required option '--stop <stopId>' not specified/],
      [['tracking:start', '--stop', 'abc', '--lines', '103'], 2, /--stop must be an integer id from 1 to 2147483647/],
      [['tracking:start', '--stop', '99999999', '--lines', '103'], 3, /Stop 99999999 is not in the catalogue/],
      [['tracking:start', '--stop', String(STOP), '--lines', 'NOPE1'], 2, /Unknown line\(s\): NOPE1/],
      [['tracking:stop', '00000000-0000-4000-8000-000000000000'], 3, /No tracking with id 00000000-/],
      [['queue:retry', 'tick:nope:1'], 3, /No job with id tick:nope:1/],
      [['queue:clean'], 2, /--older-than is required/],
      [['queue:clean', '--older-than', 'soon'], 2, /--older-than must be a duration/],
      [['queue:failed', '--limit', '0'], 2, /--limit must be a whole number from 1 to 500/],
    ];
    // A few at a time: a dozen Node processes starting at once can take a small machine longer than the
    // runner's limit for each.
    const results: CliResult[] = [];
    for (let i = 0; i < cases.length; i += 3) {
      results.push(...(await Promise.all(cases.slice(i, i + 3).map(([args]) => cli(...args)))));
    }
    cases.forEach(([args, code, message], i) => {
      expect({ args, code: results[i].code }).toEqual({ args, code });
      expect(results[i].stderr).toMatch(message);
    });
    const help = await cli('--help');
    expect(help.code).toBe(0);
    for (const command of [
      'tracking:start',
      'tracking:status',
      'tracking:stop',
      'tracking:cleanup',
      'queue:status',
      'queue:failed',
      'queue:retry',
      'queue:clean',
      'catalog:import',
      'catalog:import-gtfs',
      'sim',
    ]) {
      expect(help.stdout).toContain(command);
    }
  });

  it('tracking:start starts a tracking and returns; tracking:status shows its buses; tracking:stop ends it', async () => {
    const started = await cli('tracking:start', '--stop', String(STOP), '--lines', '103,109');
    expect(started.code).toBe(0);
    const id = new RegExp(
      `Started tracking (${UUID.source}): stop 3227 \\(AV 8 DE OCTUBRE / BV JOSE BATLLE Y ORDOÑEZ\\), lines 103, 109\\.`,
    ).exec(started.stdout)?.[1];
    expect(id).toBeDefined();
    expect(started.stdout).toContain('Its lines are polled every 0.25 s.');
    expect(await trackings().findOneByOrFail({ id })).toMatchObject({ status: 'active', lines: ['103', '109'] });

    await eventually(async () => (await linePolls().findOneByOrFail({ line: '103' })).tickSeq >= 3, 'three ticks');
    const status = await cli('tracking:status', id!);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`Tracking ${id}  ACTIVE`);
    expect(status.stdout).toMatch(/Approaching \(\d+\):/);
    expect(status.stdout).toMatch(/^ {4}10[39] +bus \d+ \([A-Z]+\) +\d+ m +/m);
    const json = await cli('tracking:status', '--json');
    const listed = JSON.parse(json.stdout) as {
      id: string;
      runs: number;
      upstream: { state: string };
      buses: { distanceMeters: number; line: string }[];
    }[];
    expect(listed.map((t) => t.id)).toEqual([id]);
    expect(listed[0].runs).toBeGreaterThanOrEqual(3);
    expect(listed[0].upstream.state).toBe('ok');
    expect(listed[0].buses.length).toBeGreaterThan(0);
    for (const bus of listed[0].buses) expect(['103', '109']).toContain(bus.line);

    const stopped = await cli('tracking:stop', id!);
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toMatch(new RegExp(`^Stopped tracking ${id} after \\d+ tick\\(s\\) of its lines\\.`));
    expect((await trackings().findOneByOrFail({ id })).status).toBe('stopped');
    const twice = await cli('tracking:stop', id!);
    expect(twice.stdout).toContain('had already ended (stopped: stopped by user); nothing changed.');
    const ended = await cli('tracking:status', '--status', 'stopped');
    expect(ended.stdout).toContain(`Tracking ${id}  STOPPED`);
  });

  it('queue:status shows the counts Redis holds and the live worker', async () => {
    await sleep(600); // the stopped tracking's last tick settles; then nothing moves
    const raw = async () => ({
      waiting: await redis.llen(key('wait')),
      delayed: await redis.zcard(key('delayed')),
      completed: await redis.zcard(key('completed')),
      failed: await redis.zcard(key('failed')),
    });
    const before = await raw();
    const json = await cli('queue:status', '--json');
    expect(json.code).toBe(0);
    const overview = JSON.parse(json.stdout);
    expect(await raw()).toEqual(before);
    expect(overview.counts).toMatchObject(before);
    expect(overview.workers).toHaveLength(1);
    expect(overview.workers[0]).toMatchObject({ pid: process.pid, concurrency: 4 });
    expect(overview.workers[0].memory.rssBytes).toBeGreaterThan(10_000_000);

    const text = await cli('queue:status');
    expect(text.stdout).toMatch(new RegExp(`^ {2}completed +${before.completed}$`, 'm'));
    expect(text.stdout).toMatch(new RegExp(`^ {2}failed +${before.failed}$`, 'm'));
    expect(text.stdout).toMatch(/^Workers alive: 1$/m);
    expect(text.stdout).toMatch(new RegExp(` ${process.pid} +4 +`));
  });

  it('a failed job shows in queue:failed, and runs again after queue:retry', async () => {
    await stopWorker();
    // A worker whose database has gone away: the tick throws (the retries are for that), and with one attempt
    // left it fails for good.
    let bad: INestApplicationContext | undefined = await NestFactory.createApplicationContext(
      WorkerModule.register(sys.env),
      { logger: false, abortOnError: false },
    );
    const jobId = tickJobId('110', 1);
    try {
      await bad.get(DataSource).destroy();
      await sys.queue.add(
        TRACK_BUSES_JOB,
        { line: '110', seq: 1, scheduledAt: new Date().toISOString() },
        { jobId, attempts: 1 },
      );
      await eventually(async () => (await redis.zscore(key('failed'), jobId)) !== null, 'the failed job');
    } finally {
      await bad.close().catch(() => undefined);
      bad = undefined;
    }
    const failed = await cli('queue:failed');
    expect(failed.code).toBe(0);
    expect(failed.stdout).toContain(`${jobId}  (tick 1 of line 110)  failed`);
    expect(failed.stdout).toMatch(/after 1 of 1 attempt\(s\)/);
    const listed = JSON.parse((await cli('queue:failed', '--json')).stdout) as { id: string; failedReason: string }[];
    expect(listed.map((j) => j.id)).toContain(jobId);
    const firstRun = (await sys.queue.getJob(jobId))!.processedOn!;

    await sys.startWorker();
    await sleep(500); // its boot-time reconciliation is over
    const retried = await cli('queue:retry', jobId);
    expect(retried.code).toBe(0);
    expect(retried.stdout).toContain(`Retried ${jobId} (tick 1 of line 110): now waiting.`);
    const job = await eventually(async () => {
      const j = await sys.queue.getJob(jobId);
      return j && (await j.isCompleted()) ? j : undefined;
    }, 'the retried job to run again');
    expect(job.processedOn).toBeGreaterThan(firstRun);
    // Line 110 has no tracking: its chain is not running, so the tick ends there and schedules nothing.
    expect(job.returnvalue).toMatchObject({ outcome: 'ended', next: null });
    expect((await cli('queue:failed')).stdout).toContain('No failed jobs.');
    expect((await cli('queue:retry', jobId)).code).toBe(4);
  });

  it('queue:clean removes only finished jobs older than --older-than, of the states asked', async () => {
    await sys.queue.add('bogus', { line: 'none', seq: 1, scheduledAt: new Date().toISOString() });
    await eventually(async () => (await redis.zcard(key('failed'))) === 1, 'a failed job');
    const snapshot = async () => ({
      completed: (await redis.zrange(key('completed'), 0, -1)).sort(),
      failed: await redis.zrange(key('failed'), 0, -1),
      delayed: (await redis.zrange(key('delayed'), 0, -1)).sort(),
    });
    const before = await snapshot();
    expect(before.completed.length).toBeGreaterThan(0);

    const none = await cli('queue:clean', '--older-than', '1d');
    expect(none.code).toBe(0);
    expect(none.stdout).toBe(
      'Removed 0 completed job(s) that finished more than 1d ago.\nRemoved 0 failed job(s) that finished more than 1d ago.\n',
    );
    expect(await snapshot()).toEqual(before);

    const failed = await cli('queue:clean', '--older-than', '0s', '--state', 'failed');
    expect(failed.stdout).toBe('Removed 1 failed job(s) that finished more than 0ms ago.\n');
    expect(await snapshot()).toEqual({ ...before, failed: [] });

    const completed = await cli('queue:clean', '--older-than', '0s', '--state', 'completed');
    expect(completed.stdout).toBe(
      `Removed ${before.completed.length} completed job(s) that finished more than 0ms ago.\n`,
    );
    expect(await snapshot()).toEqual({ completed: [], failed: [], delayed: before.delayed });

    const refused = await cli('queue:clean', '--older-than', '0s', '--state', 'delayed');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--state must be completed, failed or all/);
  });

  it('tracking:cleanup re-chains a lost tick, expires an overdue tracking, drops strays, and says so', async () => {
    await stopWorker();
    await start(['103']);
    const overdue = await start(['109']);
    const seq103 = (await linePolls().findOneByOrFail({ line: '103' })).tickSeq;
    const lost = await eventually(() => sys.queue.getJob(tickJobId('103', seq103 + 1)), 'the pending tick of 103');
    await lost.remove();
    await trackings().update({ id: overdue }, { startedAt: new Date(Date.now() - 3 * 3600_000) });
    // A tick of a line nobody tracks any more.
    await sys.queue.add(
      TRACK_BUSES_JOB,
      { line: '1234', seq: 99, scheduledAt: new Date().toISOString() },
      { jobId: tickJobId('1234', 99), delay: 60_000 },
    );

    const res = await cli('tracking:cleanup');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`trackings expired (past TRACKING_MAX_MINUTES while no tick ran): 1: ${overdue}`);
    expect(res.stdout).toMatch(/Tracked lines checked: \d+/);
    expect(res.stdout).toContain('lines re-chained (their pending tick was missing): 1: 103');
    const removed = /stray ticks removed \(of lines no longer tracked, or duplicates\): (\d+): (.*)$/m.exec(res.stdout);
    expect(removed?.[2].split(', ')).toContain(tickJobId('1234', 99));
    expect(res.stderr).toContain('warning: no worker is alive');

    expect(await sys.queue.getJob(tickJobId('103', seq103 + 1))).not.toBeNull();
    expect(await sys.queue.getJob(tickJobId('1234', 99))).toBeNull();
    expect(await trackings().findOneByOrFail({ id: overdue })).toMatchObject({
      status: 'expired',
      stopReason: 'reached the maximum duration of 120 minutes (found by tracking:cleanup)',
    });
    const quiet = await cli('tracking:cleanup');
    expect(quiet.stdout).toContain('Nothing to repair: every tracked line has exactly one pending tick.');
  });

  it('catalog:import reports stops and variants added, changed and no longer listed, and applies them', async () => {
    const stops = sys.dataSource.getRepository(BusStop);
    const variants = sys.dataSource.getRepository(LineVariant);
    const [gone, renamed] = await stops.find({ order: { id: 'ASC' }, take: 2 });
    await stops.delete({ id: gone.id });
    await stops.update({ id: renamed.id }, { street1: 'CALLE RENOMBRADA' });
    await stops.insert({
      id: 99_999_990,
      street1: 'FANTASMA',
      street2: null,
      searchText: 'fantasma',
      latitude: -34.9,
      longitude: -56.2,
    });
    await variants.insert({
      id: 99_999_990,
      line: 'X1',
      lineId: 1,
      origin: 'A',
      destination: 'B',
      subline: 'S',
      special: false,
    });

    const dry = await cli('catalog:import', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('Catalogue import (dry run: nothing written)');
    expect(dry.stdout).toContain(`Stops: 4910 from the API\n  added 1 (${gone.id})\n  changed 1 (${renamed.id})\n`);
    expect(dry.stdout).toContain('  no longer listed (kept; --prune deletes them) 1 (99999990)\n  unchanged 4908');
    expect(dry.stdout).toMatch(
      /Line variants: 2120 from the API\n {2}added 0\n {2}changed 0\n {2}no longer listed \(kept; --prune deletes them\) 1 \(99999990\)/,
    );
    expect(await stops.findOneBy({ id: gone.id })).toBeNull();

    const applied = await cli('catalog:import');
    expect(applied.code).toBe(0);
    expect(await stops.findOneByOrFail({ id: gone.id })).toMatchObject({
      street1: gone.street1,
      street2: gone.street2,
    });
    expect((await stops.findOneByOrFail({ id: renamed.id })).street1).toBe(renamed.street1);
    expect(await stops.findOneBy({ id: 99_999_990 })).not.toBeNull();

    const pruned = await cli('catalog:import', '--prune', '--json');
    expect(pruned.code).toBe(0);
    expect(JSON.parse(pruned.stdout)).toMatchObject({
      applied: true,
      pruned: true,
      stops: { upstream: 4910, added: 0, changed: 0, removed: 1, unchanged: 4910 },
      variants: { upstream: 2120, added: 0, changed: 0, removed: 1, unchanged: 2120 },
    });
    expect(await stops.findOneBy({ id: 99_999_990 })).toBeNull();
    expect(await variants.findOneBy({ id: 99_999_990 })).toBeNull();
    expect(await stops.count()).toBe(4910);
  });

  it('sim runs the STM simulator alone until it is told to stop', async () => {
    const child = spawn(
      process.execPath,
      [resolve(__dirname, '..', 'test-dist', 'cli.js'), 'sim', '--port', '0', '--seed', '3'],
      {
        env: { PATH: process.env.PATH },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      const url = await eventually(
        () => Promise.resolve(/listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1]),
        'the simulator to listen',
      );
      expect(out).toMatch(/seed 3, time scale 1, 146 lines simulated/);
      const health = (await (await fetch(`${url}/health`)).json()) as Record<string, unknown>;
      expect(health).toMatchObject({ status: 'ok', simulator: true, seed: 3 });
      expect((await fetch(`${url}/api/transportepublico/buses?lines=103`)).status).toBe(401);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(out).toContain('SIGTERM received: closing the simulator');
  });
});

import { getQueueToken } from '@nestjs/bull';
import { INestApplicationContext } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { Queue } from 'bull';
import { Server } from 'node:net';
import { FinishedDetailJanitor } from '../src/buses/finished-detail-janitor';
import { BusTracking } from '../src/buses/entities/bus-tracking.entity';
import { TRACKING_QUEUE } from '../src/queue/queue.constants';
import { TrackBusesProcessor } from '../src/queue/track-buses.processor';
import { eventually, sleep, startSystem, TestSystem } from './support/system';

const STOP = 3227;

const hasProcessor = (ctx: INestApplicationContext): boolean =>
  [...ctx.get(ModulesContainer).values()].some((m) => m.providers.has(TrackBusesProcessor));

async function waitForEnd(sys: TestSystem, id: string): Promise<Record<string, unknown>> {
  return eventually(async () => {
    const t = (await sys.http().get(`/api/trackings/${id}`).expect(200)).body;
    return t.status !== 'active' ? t : undefined;
  }, `tracking ${id} to end`);
}

describe('how trackings end', () => {
  it('expires after TRACKING_MAX_MINUTES', async () => {
    const sys = await startSystem({ env: { TRACKING_MAX_MINUTES: '0.02' } });
    try {
      const id = (
        await sys
          .http()
          .post('/api/trackings')
          .send({ stopId: STOP, lines: ['103'] })
          .expect(202)
      ).body.id;
      const ended = await waitForEnd(sys, id);
      expect(ended).toMatchObject({
        status: 'expired',
        stopReason: 'reached the maximum duration of 0.02 minutes',
        nextTickAt: null,
      });
      expect(ended.runs).toBeGreaterThanOrEqual(1);
      await sleep(600);
      expect((await sys.queue.getJobs(['waiting', 'delayed'])).filter((j) => j?.data.trackingId === id)).toEqual([]);
    } finally {
      await sys.close();
    }
  });

  it('expires when no bus of the lines is seen for TRACKING_IDLE_MINUTES', async () => {
    // 03:30 on a weekday: line 104 runs no trip between 22:30 and 04:30, so no bus of it is out.
    const serviceAt = Date.parse('2026-06-10T03:30:00-03:00');
    const sys = await startSystem({ env: { TRACKING_IDLE_MINUTES: '0.02' }, serviceAt });
    try {
      const silent = '104';
      expect(sys.sim.simulator.vehicles({ lines: [silent] })).toEqual([]);
      const id = (
        await sys
          .http()
          .post('/api/trackings')
          .send({ stopId: STOP, lines: [silent] })
          .expect(202)
      ).body.id;
      const ended = await waitForEnd(sys, id);
      expect(ended).toMatchObject({
        status: 'expired',
        stopReason: 'no bus of the tracked lines seen for 0.02 minutes',
      });
      expect(ended.busesSeen).toBe(0);
      expect(ended.consecutiveFailures).toBe(0);
    } finally {
      await sys.close();
    }
  });

  it('fails with the reason when the STM API rejects the credentials, and the failed job shows it', async () => {
    const sys = await startSystem({
      simulatorCredentials: { clientId: 'the-right-id', clientSecret: 'the-right-secret' },
      env: { STM_CLIENT_ID: 'the-wrong-id', STM_CLIENT_SECRET: 'a-wrong-secret-value' },
    });
    try {
      const id = (
        await sys
          .http()
          .post('/api/trackings')
          .send({ stopId: STOP, lines: ['103'] })
          .expect(202)
      ).body.id;
      const ended = await waitForEnd(sys, id);
      expect(ended.status).toBe('failed');
      expect(ended.stopReason).toBe('STM token endpoint rejected the client credentials (HTTP 401)');
      const failed = await eventually(
        async () => (await sys.queue.getFailed()).find((j) => j.data.trackingId === id),
        'failed job',
      );
      expect(failed.failedReason).toBe('STM token endpoint rejected the client credentials (HTTP 401)');
      expect(JSON.stringify(ended)).not.toContain('a-wrong-secret-value');
    } finally {
      await sys.close();
    }
  });

  it('fails after TRACKING_MAX_FAILURES consecutive failed ticks, counting each', async () => {
    // Nothing listens on port 9 of loopback: every call is a connection error, a transient failure.
    const sys = await startSystem({
      env: { STM_API_URL: 'http://127.0.0.1:9/api', TRACKING_MAX_FAILURES: '3', STM_TIMEOUT_MS: '500' },
    });
    try {
      const id = (
        await sys
          .http()
          .post('/api/trackings')
          .send({ stopId: STOP, lines: ['103'] })
          .expect(202)
      ).body.id;
      const during = await eventually(async () => {
        const t = (await sys.http().get(`/api/trackings/${id}`)).body;
        return t.consecutiveFailures === 1 ? t : undefined;
      }, 'a first failed tick');
      expect(during.status).toBe('active');
      expect(during.lastError).toMatch(/STM \/buses ECONNREFUSED/);
      const ended = await waitForEnd(sys, id);
      expect(ended).toMatchObject({ status: 'failed', consecutiveFailures: 3, runs: 3 });
      expect(ended.stopReason).toMatch(/^3 consecutive failed ticks; last error: STM \/buses ECONNREFUSED/);
    } finally {
      await sys.close();
    }
  });
});

describe('finished trackings', () => {
  it('lose their bus detail after TRACKING_DETAIL_RETENTION_MINUTES; active ones keep theirs', async () => {
    const sys = await startSystem({ env: { TRACKING_DETAIL_RETENTION_MINUTES: '5' } });
    try {
      const ended = (
        await sys
          .http()
          .post('/api/trackings')
          .send({ stopId: STOP, lines: ['103'] })
          .expect(202)
      ).body.id;
      const active = (
        await sys
          .http()
          .post('/api/trackings')
          .send({ stopId: STOP, lines: ['109'] })
          .expect(202)
      ).body.id;
      const busesOf = (id: string) => sys.dataSource.getRepository(BusTracking).countBy({ trackingId: id });
      await eventually(async () => (await busesOf(ended)) > 0 && (await busesOf(active)) > 0, 'buses for both');
      await sys.http().post(`/api/trackings/${ended}/stop`).expect(200);
      const janitor = sys.worker!.get(FinishedDetailJanitor);
      expect(await janitor.prune(new Date(Date.now() + 4 * 60_000))).toBe(0); // not yet five minutes
      expect(await busesOf(ended)).toBeGreaterThan(0);
      expect(await janitor.prune(new Date(Date.now() + 6 * 60_000))).toBe(1);
      expect(await busesOf(ended)).toBe(0);
      expect(await busesOf(active)).toBeGreaterThan(0);
      expect((await sys.http().get(`/api/trackings/${ended}`).expect(200)).body.status).toBe('stopped');
    } finally {
      await sys.close();
    }
  });
});

describe('process roles', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startSystem({ worker: false });
  });
  afterAll(async () => {
    await sys?.close();
  });

  it('the web app has no tick processor: its queue consumes nothing', async () => {
    expect(hasProcessor(sys.web)).toBe(false);
    const id = (
      await sys
        .http()
        .post('/api/trackings')
        .send({ stopId: STOP, lines: ['103'] })
        .expect(202)
    ).body.id;
    await sleep(1000); // four intervals: with a consumer, tick 1 would long have run
    const job = await sys.queue.getJob(`tick:${id}:1`);
    expect(await job?.getState()).toBe('waiting');
    expect((await sys.http().get(`/api/trackings/${id}`)).body.runs).toBe(0);
  });

  it('the worker context opens no HTTP port, and it consumes the waiting tick', async () => {
    const listening = (): number =>
      (process as unknown as { _getActiveHandles(): unknown[] })
        ._getActiveHandles()
        .filter((h) => h instanceof Server && h.listening).length;
    const before = listening();
    const worker = await sys.startWorker();
    expect(listening()).toBe(before);
    expect(hasProcessor(worker)).toBe(true);
    expect('getHttpServer' in worker).toBe(false);
    const queue = worker.get<Queue>(getQueueToken(TRACKING_QUEUE));
    await eventually(async () => (await queue.getWaitingCount()) === 0, 'the worker to take the waiting tick');
  });
});

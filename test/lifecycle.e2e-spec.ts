import { getQueueToken } from '@nestjs/bull';
import { INestApplicationContext } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { Queue } from 'bull';
import { Server } from 'node:net';
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
  const pendingOf = async (sys: TestSystem, line: string) =>
    (await sys.queue.getJobs(['waiting', 'delayed'])).filter((j) => j?.data.line === line);

  it('expires after TRACKING_MAX_MINUTES, and the chain of its line with it', async () => {
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
        upstream: null,
      });
      expect(ended.runs).toBeGreaterThanOrEqual(1);
      await sleep(600);
      expect(await pendingOf(sys, '103')).toEqual([]);
    } finally {
      await sys.close();
    }
  });

  it('expires when no bus of the lines is seen for TRACKING_IDLE_MINUTES', async () => {
    // 03:30 on a weekday: line 104 runs no trip between 22:30 and 04:30, so no bus of it is out.
    const serviceAt = Date.parse('2026-06-10T03:30:00-03:00');
    const sys = await startSystem({ env: { TRACKING_IDLE_MINUTES: '0.02' }, serviceAt });
    try {
      // The polls succeed, and list no bus of the line.
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
      expect(ended.runs).toBeGreaterThanOrEqual(2);
      expect(ended.lastSuccessAt).not.toBeNull();
    } finally {
      await sys.close();
    }
  });

  it('rides out an outage: active throughout, the upstream unavailable, no idle time counted', async () => {
    // Nothing listens on port 9 of loopback: every call is a connection error, a transient failure. The idle
    // limit is a third of the outage: an outage is never idle time.
    const sys = await startSystem({
      env: { STM_API_URL: 'http://127.0.0.1:9/api', STM_TIMEOUT_MS: '500', TRACKING_IDLE_MINUTES: '0.02' },
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
        return t.consecutiveFailures >= 3 ? t : undefined;
      }, 'three failed ticks');
      expect(during.status).toBe('active');
      // Every tick names the refusal: the one that refreshed, and one that waited for it.
      expect(during.lastError).toMatch(/STM \/buses ECONNREFUSED/);
      expect(during.upstream.state).toBe('unavailable');
      expect(Date.parse(during.upstream.since)).toBeGreaterThanOrEqual(Date.parse(during.startedAt));
      expect(during.upstream.nextAttemptAt).not.toBeNull();
      await sleep(3_600); // three times TRACKING_IDLE_MINUTES
      const later = (await sys.http().get(`/api/trackings/${id}`).expect(200)).body;
      expect(later).toMatchObject({
        status: 'active',
        upstream: { state: 'unavailable', since: during.upstream.since },
      });
      // The chain goes on behind the shared backoff: a next attempt is set, not a burst of failing ticks.
      expect(later.consecutiveFailures).toBeGreaterThanOrEqual(during.consecutiveFailures);
      expect(Date.parse(later.upstream.nextAttemptAt)).toBeGreaterThan(Date.parse(during.startedAt));
      expect(later.nextTickAt).not.toBeNull();
      const dashboard = (await sys.http().get(`/api/trackings/${id}/buses`).expect(200)).body;
      expect(dashboard).toMatchObject({ status: 'active', upstream: { state: 'unavailable' }, lastSuccessAt: null });
    } finally {
      await sys.close();
    }
  });

  it('fails with the reason only when the STM API refuses the credentials for STM_CREDENTIALS_REFUSED_SECONDS', async () => {
    const sys = await startSystem({
      simulatorCredentials: { clientId: 'the-right-id', clientSecret: 'the-right-secret' },
      env: {
        STM_CLIENT_ID: 'the-wrong-id',
        STM_CLIENT_SECRET: 'a-wrong-secret-value',
        STM_CREDENTIALS_REFUSED_SECONDS: '2',
      },
    });
    try {
      const id = (
        await sys
          .http()
          .post('/api/trackings')
          .send({ stopId: STOP, lines: ['103'] })
          .expect(202)
      ).body.id;
      const refused = await eventually(async () => {
        const t = (await sys.http().get(`/api/trackings/${id}`)).body;
        return t.consecutiveFailures >= 1 ? t : undefined;
      }, 'a refused poll');
      expect(refused.status).toBe('active');
      expect(refused.lastError).toBe('STM token endpoint rejected the client credentials (HTTP 401)');
      const ended = await waitForEnd(sys, id);
      expect(ended).toMatchObject({ status: 'failed', stopReason: 'STM credentials refused' });
      expect(Date.parse(ended.endedAt as string) - Date.parse(refused.lastRunAt)).toBeGreaterThanOrEqual(1_500);
      expect(JSON.stringify(ended)).not.toContain('a-wrong-secret-value');
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
    const job = await sys.queue.getJob('tick:103:1');
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

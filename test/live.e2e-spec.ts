import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import Redis from 'ioredis';
import { AddressInfo } from 'node:net';
import { AppModule } from '../src/app.module';
import { configureApp } from '../src/http/configure-app';
import { LiveEventsHub } from '../src/live/live-events.hub';
import { liveChannel } from '../src/live/live-message';
import { EventSource } from 'eventsource';
import { TrackingRepository } from '../src/tracking/tracking.repository';
import { SseClient } from './support/sse-client';
import { eventually, startSystem, TestSystem } from './support/system';

/** Stop 3227 (Av 8 de Octubre y Bv Batlle y Ordóñez): lines 103 and 109 have simulated buses there. */
const STOP = 3227;
const INTERVAL_MS = 250;

interface Bus {
  busId: number;
  company: string;
  line: string;
  distanceMeters: number;
  passed: boolean;
}
interface BusList {
  trackingId: string;
  status: string;
  stopId: number;
  lastSuccessAt: string | null;
  generatedAt: string;
  buses: Bus[];
}

const urlOf = (app: INestApplication, path: string): string =>
  `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}${path}`;

describe('live stream of a tracking (SSE over Redis pub/sub, web + worker + simulator)', () => {
  let sys: TestSystem;
  let web2: INestApplication | undefined;
  let redis: Redis;
  const clients: SseClient[] = [];

  const open = async (app: INestApplication, trackingId: string): Promise<SseClient> => {
    const client = await SseClient.open(urlOf(app, `/api/trackings/${trackingId}/events`));
    clients.push(client);
    return client;
  };
  const start = async (lines: string[]): Promise<string> =>
    (await sys.http().post('/api/trackings').send({ stopId: STOP, lines }).expect(202)).body.id as string;
  const hub = (app: INestApplication): LiveEventsHub => app.get(LiveEventsHub);
  const redisSubscribers = async (line: string): Promise<number> => {
    const [, count] = (await redis.pubsub('NUMSUB', liveChannel(sys.env.QUEUE_PREFIX, line))) as [string, number];
    return count;
  };
  beforeAll(async () => {
    sys = await startSystem({
      timeScale: 30,
      env: { LIVE_HEARTBEAT_SECONDS: '0.3', TRACKING_IDLE_MINUTES: '0.05' },
    });
    // A second web process over the same Redis and database, as behind a load balancer.
    web2 = await NestFactory.create(AppModule.register(sys.env), { logger: ['error', 'warn'], abortOnError: false });
    configureApp(web2);
    await web2.listen(0, '127.0.0.1');
    redis = new Redis(sys.env.REDIS_URL);
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    redis?.disconnect();
    await web2?.close();
    await sys?.close();
  });

  it('sends the bus list on connect, as GET …/buses answers it, then a new list after every tick', async () => {
    const id = await start(['103', '109']);
    await eventually(async () => (await sys.http().get(`/api/trackings/${id}/buses`)).body.buses.length > 0, 'buses');

    const client = await open(sys.web, id);
    expect(client.status).toBe(200);
    expect(client.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(client.headers['x-accel-buffering']).toBe('no');
    const first = await client.next('buses');
    expect(first.retry).toBe(2000);
    const initial = JSON.parse(first.data) as BusList;
    // Its id is when the list was computed: a client resuming with Last-Event-ID knows how new its list is.
    expect(first.id).toBe(String(Date.parse(initial.generatedAt)));
    const rest = (await sys.http().get(`/api/trackings/${id}/buses`).expect(200)).body as BusList;
    expect(initial).toMatchObject({ trackingId: id, status: 'active', stopId: STOP });
    expect(Object.keys(initial).sort()).toEqual(Object.keys(rest).sort());
    expect(initial.buses.length).toBeGreaterThan(0);
    expect(Object.keys(initial.buses[0]).sort()).toEqual(Object.keys(rest.buses[0]).sort());
    for (const bus of initial.buses) {
      expect(['103', '109']).toContain(bus.line);
      expect(bus.passed).toBe(false);
    }

    // Ticks every 250 ms: the next list comes within an interval or two, newer than the first.
    const tick = await client.next('buses', 4 * INTERVAL_MS + 1000);
    expect(tick.at - first.at).toBeLessThan(4 * INTERVAL_MS + 1000);
    const later = JSON.parse(tick.data) as BusList;
    expect(later.generatedAt > initial.generatedAt).toBe(true);
    expect(Number(tick.id)).toBeGreaterThan(Number(first.id));
    expect(later.lastSuccessAt! >= initial.lastSuccessAt!).toBe(true);

    // Buses move: within a few ticks some bus's distance has changed.
    const distances = (l: BusList): string => l.buses.map((b) => `${b.company}/${b.busId}:${b.distanceMeters}`).join();
    const seen = new Set([distances(initial), distances(later)]);
    for (let i = 0; i < 10 && seen.size < 2; i++) seen.add(distances(await client.nextJson<BusList>('buses')));
    expect(seen.size).toBeGreaterThan(1);

    // And the connection carries keep-alive comments between events.
    await eventually(() => Promise.resolve(client.comments.includes('keep-alive')), 'a keep-alive comment', 3000);
    client.close();
    await sys.http().post(`/api/trackings/${id}/stop`).expect(200);
  });

  it('delivers the ticks of one worker to viewers on two web processes, one subscription per line and process', async () => {
    const id = await start(['109']);
    const other = await start(['109']);
    const [a, b] = [await open(sys.web, id), await open(web2!, id)];
    const lists = async (c: SseClient): Promise<BusList[]> => {
      const got: BusList[] = [];
      for (let i = 0; i < 6; i++) got.push(await c.nextJson<BusList>('buses', 3000));
      return got;
    };
    const [fromA, fromB] = await Promise.all([lists(a), lists(b)]);
    for (const list of [...fromA, ...fromB]) expect(list).toMatchObject({ trackingId: id, stopId: STOP });
    // Both processes announce the same ticks of the one worker (each reads the database itself).
    const ticksA = new Set(fromA.map((l) => l.lastSuccessAt).filter(Boolean));
    const ticksB = new Set(fromB.map((l) => l.lastSuccessAt).filter(Boolean));
    expect(ticksA.size).toBeGreaterThan(2);
    expect([...ticksB].filter((t) => ticksA.has(t)).length).toBeGreaterThan(1);
    // A viewer of another tracking of the same line shares the line's subscription.
    const c = await open(sys.web, other);
    expect((await c.nextJson<BusList>('buses')).trackingId).toBe(other);
    expect((await c.nextJson<BusList>('buses', 3000)).trackingId).toBe(other);
    // One Redis subscription per process for this line, not one per viewer or per tracking.
    expect(hub(sys.web).subscriptionCount()).toBe(1);
    expect(hub(web2!).subscriptionCount()).toBe(1);
    expect(await redisSubscribers('109')).toBe(2);
    a.close();
    b.close();
    c.close();
    await sys.http().post(`/api/trackings/${id}/stop`).expect(200);
    await sys.http().post(`/api/trackings/${other}/stop`).expect(200);
  });

  it('frees the Redis subscription when the last viewer of a tracking leaves', async () => {
    const id = await start(['103']);
    const [a, b] = [await open(sys.web, id), await open(sys.web, id)];
    await Promise.all([a.next('buses'), b.next('buses')]);
    expect(hub(sys.web).viewerCount()).toBe(2);
    expect(hub(sys.web).subscriptionCount()).toBe(1);
    expect(await redisSubscribers('103')).toBe(1);

    a.close();
    await eventually(() => Promise.resolve(hub(sys.web).viewerCount() === 1), 'one viewer left', 3000);
    expect(hub(sys.web).subscriptionCount()).toBe(1);
    await b.next('buses'); // the remaining viewer still gets ticks

    b.close();
    await eventually(() => Promise.resolve(hub(sys.web).subscriptionCount() === 0), 'no subscription', 3000);
    expect(hub(sys.web).viewerCount()).toBe(0);
    await eventually(async () => (await redisSubscribers('103')) === 0, 'Redis to drop the channel', 3000);
    await sys.http().post(`/api/trackings/${id}/stop`).expect(200);
  });

  it('announces a stop with a status event carrying the reason, then closes the stream', async () => {
    const id = await start(['103', '109']);
    const client = await open(sys.web, id);
    await client.next('buses');
    await sys.http().post(`/api/trackings/${id}/stop`).expect(200);
    const status = await client.nextJson('status');
    expect(status).toMatchObject({ id, status: 'stopped', stopReason: 'stopped by user', nextTickAt: null });
    expect(status.endedAt).not.toBeNull();
    await client.closed;
    expect(client.events.filter((e) => e.type === 'status')).toHaveLength(1);
    await eventually(() => Promise.resolve(hub(sys.web).subscriptionCount() === 0), 'no subscription', 3000);

    // Connecting after the end: 204 No Content, no stream.
    const late = await open(web2!, id);
    await late.closed;
    expect(late.status).toBe(204);
    expect(late.events).toEqual([]);
  });

  it('a standard EventSource client reads the events, and stops reconnecting once the tracking has ended', async () => {
    const id = await start(['103']);
    const url = urlOf(sys.web, `/api/trackings/${id}/events`);
    const source = new EventSource(url);
    const received: { type: string; id: string }[] = [];
    let opened = 0;
    source.onopen = () => (opened += 1);
    const gotBuses = new Promise<void>((resolve) =>
      source.addEventListener('buses', (e) => {
        received.push({ type: 'buses', id: e.lastEventId });
        resolve();
      }),
    );
    source.addEventListener('status', (e) => received.push({ type: 'status', id: e.lastEventId }));
    const closedForGood = new Promise<void>((resolve) => (source.onerror = () => source.readyState === 2 && resolve()));
    await gotBuses;
    await sys.http().post(`/api/trackings/${id}/stop`).expect(200);
    // The stream closes after `status`; the client reconnects once (retry: 2 s), gets 204 and gives up.
    await closedForGood;
    expect(source.readyState).toBe(2); // CLOSED
    expect(received.map((e) => e.type)).toContain('status');
    expect(opened).toBe(1);
    const before = received.length;
    await new Promise((r) => setTimeout(r, 2500));
    expect(received.length).toBe(before); // no reconnection loop
    source.close();
  });

  it('announces an expiry decided by the worker', async () => {
    // The feed answers, but with no bus at all (as the real one does at times): idle after 3 s.
    sys.sim.setFaults({ emptyLists: true });
    try {
      const id = await start(['21']);
      const client = await open(sys.web, id);
      const initial = await client.nextJson<BusList>('buses');
      expect(initial).toMatchObject({ trackingId: id, status: 'active', buses: [] });
      const status = await client.nextJson('status', 10_000);
      expect(status).toMatchObject({ id, status: 'expired' });
      expect(status.stopReason).toMatch(/no bus of the tracked lines seen for 0.05 minutes/);
      await client.closed;
    } finally {
      sys.sim.clearFaults();
    }
  });

  it('answers 404 (JSON, before any event) for an unknown tracking and 400 for a malformed id', async () => {
    const unknown = await open(sys.web, '7b0a4b8e-2f5c-4d6e-9a1b-3c4d5e6f7a8b');
    await unknown.closed;
    expect(unknown.status).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(unknown.body)).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'No tracking with id 7b0a4b8e-2f5c-4d6e-9a1b-3c4d5e6f7a8b',
    });
    const malformed = await open(sys.web, 'not-a-uuid');
    await malformed.closed;
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.body).message).toMatch(/uuid/i);
    expect(hub(sys.web).subscriptionCount()).toBe(0);
  });

  it('announces an end it was never told about (a lost message), from its periodic check', async () => {
    // No worker from here on: nothing ticks, nothing publishes; only the web process's check can tell.
    await sys.worker?.close();
    sys.worker = undefined;
    const id = await start(['112']);
    const client = await open(sys.web, id);
    expect(await client.nextJson<BusList>('buses')).toMatchObject({ trackingId: id, lastSuccessAt: null });
    await sys.web
      .get(TrackingRepository)
      .end([id], { status: 'failed', reason: 'ended without a word on Redis' }, new Date());
    const status = await client.nextJson('status', 3000);
    expect(status).toMatchObject({ id, status: 'failed', stopReason: 'ended without a word on Redis' });
    await client.closed;
  });

  it('ends its open streams when a web process shuts down, so the browser reconnects to another', async () => {
    const id = await start(['110']);
    const client = await open(web2!, id);
    await client.next('buses');
    const closing = web2!.close();
    web2 = undefined;
    let timer: NodeJS.Timeout | undefined;
    const tooLong = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error('the web process did not close within 3 s')), 3000);
    });
    await Promise.race([closing, tooLong]).finally(() => clearTimeout(timer));
    await client.closed;
    expect(client.events.some((e) => e.type === 'status')).toBe(false);
    await sys.http().post(`/api/trackings/${id}/stop`).expect(200);
  });
});

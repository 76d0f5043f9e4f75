import { LineStateStore } from '../src/buses/line-state.store';
import { AppConfig } from '../src/config/app-config';
import { LiveEventsHub } from '../src/live/live-events.hub';
import { LiveEventsReader } from '../src/live/live-events.reader';
import { Tracking } from '../src/tracking/entities/tracking.entity';
import { requireRedis, TEST_REDIS_URL } from './support/services';

/**
 * The live hub's subscriber connection against real Redis, as a web process meets it when many riders open
 * the page at once: the first viewer makes the connection, and the next ones arrive, one per event-loop turn,
 * while it is still connecting. Every one of them must be subscribed; none may get an error (the benchmark
 * saw 3–5 of 500 streams answer 500 "Connection in subscriber mode" before this was mended).
 */
describe('live hub: viewers arriving while its Redis connection is made', () => {
  beforeAll(() => requireRedis());

  it('subscribes every viewer of 60 lines that came one event-loop turn apart', async () => {
    const config = {
      redisUrl: TEST_REDIS_URL,
      queuePrefix: `bt-test-hub-${process.pid}`,
      live: { heartbeatSeconds: 3600 },
    } as unknown as AppConfig;
    // Neither is called: no message is published on these channels.
    const hub = new LiveEventsHub(config, {} as LiveEventsReader, {} as LineStateStore);
    const results: Promise<string>[] = [];
    const streams: { unsubscribe(): void }[] = [];
    try {
      for (let i = 0; i < 60; i++) {
        const tracking = { id: `t${i}`, lines: [`L${i}`], status: 'active' } as unknown as Tracking;
        streams.push(hub.watch(tracking).subscribe({ error: () => undefined }));
        results.push(
          hub.whenSubscribed(tracking).then(
            () => 'subscribed',
            (error: Error) => error.message,
          ),
        );
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(await Promise.all(results)).toEqual(results.map(() => 'subscribed'));
      expect(hub.subscriptionCount()).toBe(60);
    } finally {
      for (const s of streams) s.unsubscribe();
      await hub.beforeApplicationShutdown();
      await hub.onApplicationShutdown();
    }
  });
});

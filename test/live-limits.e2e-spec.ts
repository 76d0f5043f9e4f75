import { AddressInfo } from 'node:net';
import { LiveStreamLimiter } from '../src/live/live-stream-limiter';
import { SseClient } from './support/sse-client';
import { eventually, startSystem, TestSystem } from './support/system';

const STOP = 3227;

/**
 * Live streams are capped per client address (LIVE_MAX_STREAMS_PER_CLIENT, 429) and per web process
 * (LIVE_MAX_STREAMS, 503), answered as JSON before a stream starts; an ended stream frees its slot.
 * Clients are told apart by X-Forwarded-For behind a trusted (loopback) proxy, as in production
 * behind nginx.
 */
describe('live stream limits', () => {
  let sys: TestSystem;
  const clients: SseClient[] = [];
  let trackingId: string;

  const open = async (address: string, id = trackingId): Promise<SseClient> => {
    const { port } = sys.web.getHttpServer().address() as AddressInfo;
    const client = await SseClient.open(`http://127.0.0.1:${port}/api/trackings/${id}/events`, {
      'x-forwarded-for': address,
    });
    clients.push(client);
    return client;
  };
  /** A refused stream is a JSON answer: read it whole. */
  const refusal = async (client: SseClient): Promise<unknown> => {
    await client.closed;
    return JSON.parse(client.body);
  };
  const limiter = (): LiveStreamLimiter => sys.web.get(LiveStreamLimiter);

  beforeAll(async () => {
    sys = await startSystem({
      worker: false,
      env: { LIVE_MAX_STREAMS_PER_CLIENT: '2', LIVE_MAX_STREAMS: '3', TRUST_PROXY: 'loopback' },
    });
    trackingId = (
      await sys
        .http()
        .post('/api/trackings')
        .send({ stopId: STOP, lines: ['103'] })
        .expect(202)
    ).body.id;
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await sys?.close();
  });

  it('refuses one stream more than a client may hold with a JSON 429, and one more than the process holds with a 503', async () => {
    const a1 = await open('203.0.113.1');
    const a2 = await open('203.0.113.1');
    for (const stream of [a1, a2]) {
      expect(stream.status).toBe(200);
      await stream.next('buses');
    }
    const a3 = await open('203.0.113.1');
    expect(a3.status).toBe(429);
    expect(a3.headers['content-type']).toMatch(/^application\/json/);
    expect(a3.headers['retry-after']).toBe('10');
    await expect(refusal(a3)).resolves.toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      message: expect.stringMatching(/Too many live streams from your address: at most 2 at once/),
    });

    const b1 = await open('203.0.113.2');
    expect(b1.status).toBe(200);
    expect(limiter().open()).toBe(3);
    const c1 = await open('203.0.113.3');
    expect(c1.status).toBe(503);
    await expect(refusal(c1)).resolves.toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: expect.stringMatching(/maximum of 3 live streams/),
    });

    // A viewer closing its page frees its slot: the same address gets a stream again.
    a1.close();
    await eventually(() => Promise.resolve(limiter().open('203.0.113.1') === 1), 'the closed stream to be released');
    const again = await open('203.0.113.1');
    expect(again.status).toBe(200);
    await again.next('buses');

    for (const stream of [a2, b1, again]) stream.close();
    await eventually(() => Promise.resolve(limiter().open() === 0), 'every slot to be released');
  });

  it('frees the slot of a stream that ends with its tracking, and of one refused as unknown', async () => {
    const viewer = await open('198.51.100.9');
    await viewer.next('buses');
    expect(limiter().open('198.51.100.9')).toBe(1);
    await sys.http().post(`/api/trackings/${trackingId}/stop`).expect(200);
    await viewer.next('status');
    await viewer.closed;
    await eventually(() => Promise.resolve(limiter().open() === 0), 'the ended stream to be released');

    const unknown = await open('198.51.100.9', '0b9e2f7c-3d1a-4c2e-9a4b-1f2e3d4c5b6a');
    expect(unknown.status).toBe(404);
    await unknown.closed;
    expect(limiter().open()).toBe(0);
  });
});

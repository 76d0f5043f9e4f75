import { LinePoll } from '../src/buses/entities/line-poll.entity';
import { Tracking } from '../src/tracking/entities/tracking.entity';
import { TEST_REDIS_URL } from './support/services';
import { eventually, startSystem, TestSystem } from './support/system';
import { TcpProxy } from './support/tcp-proxy';

/**
 * The web app with Redis gone away (connections refused) or hung (accepting, never answering): a rider's
 * start and stop answer within a couple of seconds, what they change is saved in the database, nothing answers
 * a 500 or hangs; once Redis is back, a worker starts the polling the start could not queue.
 */
const STOP = 3227;
/** What "at once" means here: the web's own Redis deadline is 1.5 s; a hang used to be 40 s and more. */
const PROMPTLY_MS = 4_000;

const timed = async <T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> => {
  const startedAt = Date.now();
  const value = await work();
  return { value, ms: Date.now() - startedAt };
};

describe.each(['down', 'hung'] as const)('the web app while Redis is %s', (mode) => {
  let sys: TestSystem;
  let proxy: TcpProxy;

  beforeAll(async () => {
    const target = new URL(TEST_REDIS_URL);
    proxy = await new TcpProxy(target.hostname, Number(target.port) || 6379).start();
    const proxied = new URL(target.toString());
    proxied.host = `127.0.0.1:${proxy.port}`;
    sys = await startSystem({ worker: false, env: { REDIS_URL: proxied.toString(), RECONCILE_SECONDS: '1' } });
  });
  afterAll(async () => {
    proxy?.restore();
    await sys?.close();
    await proxy?.close();
  });

  it('starts and stops trackings at once, saved in the database, and says what Redis missed', async () => {
    if (mode === 'down') proxy.cut();
    else proxy.hang();

    const started = await timed(() =>
      sys
        .http()
        .post('/api/trackings')
        .send({ stopId: STOP, lines: ['103'] }),
    );
    expect(started.ms).toBeLessThan(PROMPTLY_MS);
    expect(started.value.status).toBe(202);
    expect(started.value.body.warning).toMatch(/Redis.*did not answer: the tracking is saved/);
    const id = started.value.body.id as string;
    expect(await sys.dataSource.getRepository(Tracking).findOneByOrFail({ id })).toMatchObject({ status: 'active' });

    // Reading the tracking needs only the database; its buses are the lines' live state, in Redis: a 503.
    const read = await timed(() => sys.http().get(`/api/trackings/${id}`));
    expect(read.value.status).toBe(200);
    const dashboard = await timed(() => sys.http().get(`/api/trackings/${id}/buses`));
    expect(dashboard.ms).toBeLessThan(PROMPTLY_MS);
    expect(dashboard.value.status).toBe(503);
    expect(dashboard.value.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    const stream = await timed(() => sys.http().get(`/api/trackings/${id}/events`));
    expect(stream.ms).toBeLessThan(PROMPTLY_MS);
    expect(stream.value.status).toBe(503);
    const ready = await timed(() => sys.http().get('/health/ready'));
    expect(ready.ms).toBeLessThan(PROMPTLY_MS);
    expect(ready.value.status).toBe(503);

    const other = (
      await sys
        .http()
        .post('/api/trackings')
        .send({ stopId: STOP, lines: ['109'] })
        .expect(202)
    ).body.id;
    const stopped = await timed(() => sys.http().post(`/api/trackings/${other}/stop`));
    expect(stopped.ms).toBeLessThan(PROMPTLY_MS);
    expect(stopped.value.status).toBe(200);
    expect(stopped.value.body.status).toBe('stopped');

    // Redis back: a worker's reconciler starts the polling of line 103, and its tracking ticks.
    proxy.restore();
    await sys.startWorker();
    await eventually(
      async () => (await sys.http().get(`/api/trackings/${id}`).expect(200)).body.runs >= 2,
      'the tracking to tick once Redis is back',
      30_000,
    );
    expect((await sys.dataSource.getRepository(LinePoll).findOneByOrFail({ line: '103' })).polling).toBe(true);
    await sys.http().get(`/api/trackings/${id}/buses`).expect(200);
    await sys.http().post(`/api/trackings/${id}/stop`).expect(200);
  });
});

import { In } from 'typeorm';
import { Tracking } from '../src/tracking/entities/tracking.entity';
import { stopsOf } from './support/stops';
import { eventually, sleep, startSystem, TestSystem } from './support/system';
import { startWorkerProcess, WorkerProcess } from './support/worker-process';

/**
 * A good citizen of the city's API (SPEC §3.2, §3.5): two real worker processes, 10 trackings of one line at
 * a 1 s interval, against the simulator over HTTP, driven through a Retry-After, an outage, a token expiry, a
 * credentials rotation and bad values. Requests are counted at the simulator.
 */
const INTERVAL_S = 1;
const LINE = '109';
const OLD_SECRET = 'the-old-secret-1234';
const NEW_SECRET = 'the-new-secret-5678';

interface Upstream {
  state: 'ok' | 'stale' | 'unavailable';
  since: string | null;
  nextAttemptAt: string | null;
}

describe('the STM API misbehaving', () => {
  let sys: TestSystem;
  let workers: WorkerProcess[] = [];
  let ids: string[] = [];

  const busRequests = (from: number, to = Date.now()): number =>
    sys.sim.busRequests().filter((r) => r.at >= from && r.at <= to).length;
  const dashboards = async (): Promise<{ status: string; upstream: Upstream; buses: unknown[] }[]> =>
    Promise.all(ids.map(async (id) => (await sys.http().get(`/api/trackings/${id}/buses`).expect(200)).body));
  const statuses = async (): Promise<string[]> =>
    (await sys.dataSource.getRepository(Tracking).findBy({ id: In(ids) })).map((t) => t.status);
  /** Every dashboard ok again; answers how long that took from `from`. */
  const recovered = async (from: number, what: string): Promise<number> => {
    await eventually(async () => (await dashboards()).every((d) => d.upstream.state === 'ok'), what, 15_000);
    return Date.now() - from;
  };

  beforeAll(async () => {
    sys = await startSystem({
      worker: false,
      timeScale: 10,
      simulatorCredentials: { clientId: 'bus-tracker', clientSecret: OLD_SECRET },
      env: {
        TRACKING_INTERVAL_SECONDS: String(INTERVAL_S),
        STM_CLIENT_ID: 'bus-tracker',
        STM_CLIENT_SECRET: OLD_SECRET,
        STM_TIMEOUT_MS: '1000',
        METRICS_PUSH_SECONDS: '1',
        MAX_ACTIVE_TRACKINGS_PER_CLIENT: '0',
        THROTTLE_LIMIT: '0',
      },
    });
    workers = [await startWorkerProcess(sys.env), await startWorkerProcess(sys.env)];
    ids = await Promise.all(
      stopsOf(LINE, 10).map(
        async (stopId) =>
          (
            await sys
              .http()
              .post('/api/trackings')
              .send({ stopId, lines: [LINE] })
              .expect(202)
          ).body.id as string,
      ),
    );
    expect(ids).toHaveLength(10);
    await eventually(
      async () => (await dashboards()).every((d) => d.upstream.state === 'ok' && d.buses.length > 0),
      'buses on every dashboard',
      20_000,
    );
  }, 60_000);
  afterEach(() => sys.sim.clearFaults());
  afterAll(async () => {
    for (const w of workers) {
      w.kill('SIGTERM');
      await w.exited;
    }
    await sys?.close();
  });

  it('two workers share one token, and a 401 leads to exactly one refresh across them', async () => {
    expect(sys.sim.requestCount('/token')).toBe(1);
    const before = busRequests(0);
    sys.sim.expireTokens();
    await eventually(() => Promise.resolve(busRequests(0) >= before + 3), 'polls after the token expired');
    await recovered(Date.now(), 'data again after the 401');
    expect(sys.sim.requestCount('/token')).toBe(2);
  });

  it('a Retry-After seen by one worker holds back both: one request in 6 s of 429, then data again', async () => {
    sys.sim.setFaults({ rateLimitRate: 1, rateLimit: { retryAfterSeconds: 6 } });
    const from = Date.now();
    const during = await eventually(async () => {
      const all = await dashboards();
      return all.every((d) => d.upstream.state === 'unavailable') ? all : undefined;
    }, 'every dashboard unavailable');
    expect(during.every((d) => d.status === 'active' && d.buses.length > 0)).toBe(true);
    // The next attempt is the first tick after the Retry-After, not the next tick.
    expect(Date.parse(during[0].upstream.nextAttemptAt!)).toBeGreaterThanOrEqual(from + 5_000);
    await sleep(from + 5_500 - Date.now());
    expect(busRequests(from)).toBe(1);
    const until = Date.now();
    sys.sim.clearFaults();
    await sleep(Math.max(0, from + 6_000 - Date.now()));
    const recovery = await recovered(from + 6_000, 'data after the Retry-After');
    console.log(`Retry-After 6 s: ${busRequests(from, until)} request(s); fresh data ${recovery} ms after it ended`);
    expect(await statuses()).toEqual(ids.map(() => 'active'));
  }, 30_000);

  it('an outage of 5xx then timeouts: every tracking active and unavailable, requests on the backoff schedule', async () => {
    sys.sim.setFaults({ errorRate: 1 });
    const from = Date.now();
    await sleep(10_000);
    sys.sim.setFaults({ errorRate: 0, timeoutRate: 1, hangMs: 5_000 });
    await sleep(8_000);
    const dashboardsDuring = await dashboards();
    const requests = busRequests(from);
    const end = Date.now();
    sys.sim.clearFaults();
    const recovery = await recovered(end, 'data after the outage');
    console.log(`18 s outage at a 1 s interval: ${requests} request(s); fresh data ${recovery} ms after it ended`);
    expect(dashboardsDuring.every((d) => d.status === 'active' && d.upstream.state === 'unavailable')).toBe(true);
    expect(requests).toBeLessThan(18 / 2); // fewer than one request per two intervals
    expect(recovery).toBeLessThan(8 * INTERVAL_S * 1000 + 3_000); // the backoff's cap, and a tick
    expect(await statuses()).toEqual(ids.map(() => 'active'));
  }, 40_000);

  it('a credentials rotation in the middle of the run fails nothing', async () => {
    sys.sim.acceptSecrets([OLD_SECRET, NEW_SECRET]);
    for (let i = 0; i < workers.length; i++) {
      workers[i].kill('SIGTERM');
      await workers[i].exited;
      workers[i] = await startWorkerProcess({ ...sys.env, STM_CLIENT_SECRET: NEW_SECRET });
    }
    sys.sim.acceptSecrets([NEW_SECRET]);
    sys.sim.expireTokens();
    const from = Date.now();
    await sleep(3_000);
    await recovered(from, 'data with the new secret');
    expect(sys.sim.faultCounts().tokenRejected).toBe(0);
    expect(await statuses()).toEqual(ids.map(() => 'active'));
    const ready = (await sys.http().get('/health/ready')).body;
    expect(ready.details.upstream.status).toBe('up');
  }, 60_000);

  it('values our columns cannot hold and fixes from the future are skipped and counted, the rest kept', async () => {
    sys.sim.setFaults({ badValues: true });
    const reasons = await eventually(async () => {
      const text = (await sys.http().get('/metrics').expect(200)).text;
      const count = (reason: string): number =>
        [
          ...text.matchAll(
            new RegExp(`bus_tracker_upstream_items_skipped_total\\{[^}]*reason="${reason}"[^}]*\\} (\\d+)`, 'g'),
          ),
        ]
          .map((m) => Number(m[1]))
          .reduce((a, b) => a + b, 0);
      const found = {
        out_of_range: count('out_of_range'),
        too_long: count('too_long'),
        future_fix: count('future_fix'),
      };
      return Object.values(found).every((n) => n >= 2) ? found : undefined;
    }, 'skipped items counted by reason');
    expect(reasons.out_of_range).toBeGreaterThanOrEqual(2);
    // The good buses of the same answers keep flowing: nothing failed the polls.
    let seen = '';
    await eventually(async () => {
      const all = await dashboards();
      seen = JSON.stringify(all.map((d) => [d.upstream.state, d.buses.length]));
      return all.every((d) => d.upstream.state === 'ok' && d.buses.length > 0) ? all : undefined;
    }, 'dashboards fed while bad values arrive').catch((e: Error) => {
      throw new Error(`${e.message}: ${seen}\n${workers[0].tail(20)}`);
    });
    const failures = busRequests(0);
    await sleep(2_000);
    expect(busRequests(0)).toBeGreaterThan(failures);
    expect((await dashboards()).map((d) => d.upstream.state)).toEqual(ids.map(() => 'ok'));
    expect(await statuses()).toEqual(ids.map(() => 'active'));
  }, 30_000);
});

import { In } from 'typeorm';
import { LinePoll } from '../src/buses/entities/line-poll.entity';
import { eventually, sleep, startSystem, TestSystem } from './support/system';
import { stopsOf } from './support/stops';
import { startWorkerProcess, WorkerProcess } from './support/worker-process';

/**
 * Shared polling: what the city's API sees depends on the distinct lines tracked, not on the
 * number of trackings; several workers never fetch a line twice in one interval.
 * Requests are counted at the simulator.
 */
const INTERVAL_S = 0.5;

describe('shared polling', () => {
  let sys: TestSystem;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    sys = await startSystem({
      worker: false,
      timeScale: 10,
      // Every tracking here is started, and read often, from one address.
      env: {
        TRACKING_INTERVAL_SECONDS: String(INTERVAL_S),
        STM_BATCH_SIZE: '3',
        MAX_ACTIVE_TRACKINGS_PER_CLIENT: '0',
        THROTTLE_LIMIT: '0',
      },
    });
  });
  afterEach(async () => {
    for (const w of workers.splice(0)) {
      w.kill('SIGTERM');
      await w.exited;
    }
    await sys.resetWork();
  });
  afterAll(async () => {
    await sys?.close();
  });

  const start = async (stopId: number, lines: string[]): Promise<string> =>
    (await sys.http().post('/api/trackings').send({ stopId, lines }).expect(202)).body.id;
  /** The ticks the trackings have seen, in all, as their riders read them. */
  const runsOf = async (ids: string[]): Promise<number> => {
    const bodies = await Promise.all(
      ids.map(async (id) => (await sys.http().get(`/api/trackings/${id}`).expect(200)).body),
    );
    return bodies.reduce((n, t: { runs: number }) => n + t.runs, 0);
  };
  /** Ticks the lines' chains have run, in all. */
  const lineTicks = async (lines: string[]): Promise<number> =>
    (await sys.dataSource.getRepository(LinePoll).findBy({ line: In(lines) })).reduce((n, p) => n + p.tickSeq, 0);

  /** /buses requests for a line received since `from`. */
  const requestsFor = (line: string, from: number): number =>
    sys.sim.busRequests().filter((r) => r.at >= from && r.lines.includes(line)).length;

  it('20 trackings of one line cost one tick and one upstream request per interval, not one per tracking', async () => {
    workers.push(await startWorkerProcess(sys.env));
    const ids = await Promise.all(stopsOf('109', 20).map((stop) => start(stop, ['109'])));
    expect(ids).toHaveLength(20);
    await eventually(async () => (await runsOf(ids)) >= 40, 'two ticks per tracking');
    const from = Date.now();
    const [runsBefore, lineBefore] = [await runsOf(ids), await lineTicks(['109'])];
    await sleep(4000); // eight intervals
    const requests = requestsFor('109', from);
    const ticks = (await lineTicks(['109'])) - lineBefore;
    const seen = (await runsOf(ids)) - runsBefore;
    expect(seen).toBeGreaterThanOrEqual(100); // every one of the 20 trackings saw ~8 ticks...
    expect(ticks).toBeLessThanOrEqual(9); // ...of one chain of line ticks, one an interval (8, +1 at the edges)...
    expect(ticks).toBeGreaterThanOrEqual(6);
    expect(requests).toBeLessThanOrEqual(9); // ...on at most one request per interval
    expect(requests).toBeGreaterThanOrEqual(6);
  });

  it('asks for lines in batches: requests per interval ≤ ceil(distinct lines / STM_BATCH_SIZE)', async () => {
    workers.push(await startWorkerProcess(sys.env));
    const lines = ['103', '105', '109', '110', '112', '113', '100'];
    const ids = await Promise.all(lines.flatMap((line) => stopsOf(line, 2).map((stop) => start(stop, [line]))));
    await eventually(async () => (await runsOf(ids)) >= ids.length * 2, 'two ticks per tracking');
    const from = Date.now();
    await sleep(4000);
    const requests = sys.sim.busRequests().filter((r) => r.at >= from);
    // 7 lines in batches of 3 → 3 requests an interval; 8 intervals (+1 at the edges).
    expect(requests.length).toBeLessThanOrEqual(3 * 9);
    expect(Math.max(...requests.map((r) => r.lines.length))).toBeLessThanOrEqual(3);
    expect(requests.some((r) => r.lines.length === 3)).toBe(true);
    for (const line of lines) expect(requestsFor(line, from)).toBeLessThanOrEqual(9);
  });

  it('two worker processes never fetch the same line twice in one interval', async () => {
    workers.push(await startWorkerProcess(sys.env), await startWorkerProcess(sys.env));
    const lines = ['103', '109', '110'];
    const ids = await Promise.all(lines.flatMap((line) => stopsOf(line, 6).map((stop) => start(stop, [line]))));
    await eventually(async () => (await runsOf(ids)) >= ids.length * 2, 'two ticks per tracking', 40_000);
    const from = Date.now();
    const runsBefore = await runsOf(ids);
    // Ten more ticks each, however long a busy machine takes to run them...
    await eventually(async () => (await runsOf(ids)) - runsBefore >= ids.length * 10, 'ten more ticks each', 30_000);
    const intervals = Math.ceil((Date.now() - from) / (INTERVAL_S * 1000));
    // ...and each line fetched once an interval at most (+1 at the edges), whichever worker asked.
    for (const line of lines) expect(requestsFor(line, from)).toBeLessThanOrEqual(intervals + 1);
  });
});

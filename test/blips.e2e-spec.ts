import { In } from 'typeorm';
import { LinePoll } from '../src/buses/entities/line-poll.entity';
import { Tracking } from '../src/tracking/entities/tracking.entity';
import { TEST_REDIS_URL } from './support/services';
import { eventually, sleep, startSystem, TestSystem } from './support/system';
import { TcpProxy } from './support/tcp-proxy';
import { startWorkerProcess, WorkerProcess } from './support/worker-process';

/**
 * The worker survives its database or Redis going away for 30 s and carries on when they come
 * back: no crash, no crash loop, no lost tracking. The worker process reaches PostgreSQL and Redis
 * through a TCP proxy that the test cuts (every connection dropped, new ones refused) and restores.
 * Runs against PostgreSQL whatever TEST_DATABASE says: a SQLite file cannot go away like a server.
 */
const BLIP_MS = 30_000;
const STOP = 3227;
const FAST = {
  TRACKING_INTERVAL_SECONDS: '0.5',
  RECONCILE_SECONDS: '2',
  QUEUE_LOCK_SECONDS: '2',
  QUEUE_STALLED_CHECK_SECONDS: '1',
};

jest.setTimeout(120_000);

describe.each(['database', 'redis'] as const)('the worker when its %s goes away for 30 s', (what) => {
  let sys: TestSystem;
  let proxy: TcpProxy;
  let worker: WorkerProcess;

  beforeAll(async () => {
    sys = await startSystem({ worker: false, database: 'postgres', timeScale: 10, env: FAST });
    const target = new URL(what === 'database' ? sys.env.DATABASE_URL : TEST_REDIS_URL);
    proxy = await new TcpProxy(target.hostname, Number(target.port) || (what === 'database' ? 5432 : 6379)).start();
    const proxied = new URL(target.toString());
    proxied.host = `127.0.0.1:${proxy.port}`;
    worker = await startWorkerProcess({
      ...sys.env,
      [what === 'database' ? 'DATABASE_URL' : 'REDIS_URL']: proxied.toString(),
    });
  });
  afterAll(async () => {
    worker?.kill('SIGKILL');
    await worker?.exited;
    await proxy?.close();
    await sys?.close();
  });

  it('keeps running, and every tracking goes on ticking once it is back', async () => {
    const ids: string[] = [];
    const lines = ['103', '109', '110', '105'];
    for (const line of lines) {
      ids.push(
        (
          await sys
            .http()
            .post('/api/trackings')
            .send({ stopId: STOP, lines: [line] })
            .expect(202)
        ).body.id,
      );
    }
    /** Ticks completed by each line's chain. */
    const runs = async (): Promise<number[]> => {
      const rows = await sys.dataSource.getRepository(LinePoll).findBy({ line: In(lines) });
      return lines.map((line) => rows.find((r) => r.line === line)?.tickSeq ?? 0);
    };
    await eventually(async () => (await runs()).every((r) => r >= 3), 'three ticks each');

    proxy.cut();
    const atCut = await runs();
    await sleep(BLIP_MS);
    expect(worker.child.exitCode).toBeNull(); // still alive, not crashed or restarting
    const duringBlip = await runs();
    // The outage was real: no tick got through it (one already running may have finished).
    duringBlip.forEach((r, i) => expect(r).toBeLessThanOrEqual(atCut[i] + 1));
    proxy.restore();

    const back = await eventually(
      async () => {
        const now = await runs();
        return now.every((r, i) => r >= duringBlip[i] + 3) && now;
      },
      'three more ticks each after the blip',
      40_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}; the worker said:\n${worker.tail(30)}`);
    });
    expect(back.length).toBe(ids.length);
    const rows = await sys.dataSource.getRepository(Tracking).findBy(ids.map((id) => ({ id })));
    expect(rows.map((r) => r.status)).toEqual(ids.map(() => 'active'));
    expect(worker.child.exitCode).toBeNull();
    // One chain each afterwards: never two pending ticks for a line.
    await sleep(1000);
    const pending = (await sys.queue.getJobs(['waiting', 'delayed'])).filter((j) => j && lines.includes(j.data.line));
    const perLine = new Map<string, number>();
    for (const j of pending) perLine.set(j.data.line, (perLine.get(j.data.line) ?? 0) + 1);
    expect(Math.max(0, ...perLine.values())).toBeLessThanOrEqual(1);
  });
});

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { startSystem, sleep, TestSystem } from './support/system';
import { startWorkerProcess, WorkerProcess } from './support/worker-process';

/** Prometheus's own checker (Debian's `prometheus` package); TEST_PROMTOOL points elsewhere. */
const PROMTOOL = process.env.TEST_PROMTOOL ?? '/usr/bin/promtool';

/** `promtool check metrics` on an exposition: its exit code and what it said. */
function promtoolCheck(text: string): { code: number | null; output: string } {
  if (!existsSync(PROMTOOL)) {
    throw new Error(
      `promtool is required at ${PROMTOOL} (TEST_PROMTOOL): install it with \`apt-get install prometheus\``,
    );
  }
  const result = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { code: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

/**
 * The web's /metrics, scraped while two real worker processes (and an in-process one) run ticks,
 * passes Prometheus's own lint; worker series use the standard names with process/worker labels.
 */
describe('/metrics passes promtool check metrics with workers running', () => {
  let sys: TestSystem;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    sys = await startSystem({ env: { METRICS_PUSH_SECONDS: '0.5' } });
    for (let i = 0; i < 2; i++) workers.push(await startWorkerProcess(sys.env));
  });
  afterAll(async () => {
    for (const w of workers) {
      w.kill();
      await w.exited;
    }
    await sys?.close();
  });

  it('promtool accepts the checker’s inputs only when they are right (it can fail)', () => {
    expect(promtoolCheck('# HELP ok_total x\n# TYPE ok_total counter\nok_total 1\n')).toEqual({ code: 0, output: '' });
    const bad = promtoolCheck('# HELP handles_total x\n# TYPE handles_total gauge\nhandles_total 1\n');
    expect(bad.code).not.toBe(0);
    expect(bad.output).toMatch(/non-counter metrics should not have "_total" suffix/);
  });

  it('exits 0 on a real scrape, with every worker’s standard series labelled', async () => {
    await sys
      .http()
      .post('/api/trackings')
      .send({ stopId: 3227, lines: ['103', '109'] })
      .expect(202);
    const pids = workers.map((w) => w.pid);
    let text = '';
    for (let i = 0; i < 100; i++) {
      text = (await sys.http().get('/metrics').expect(200)).text;
      const ticking = /^bus_tracker_ticks_total\{outcome="ok",process="worker",worker="[^"]+"\} [1-9]/m.test(text);
      if (ticking && pids.every((pid) => text.includes(`:${pid}"`))) break;
      await sleep(200);
    }
    for (const pid of pids) {
      expect(text).toMatch(
        new RegExp(`^process_start_time_seconds\\{process="worker",worker="[^"]+:${pid}"\\} \\d`, 'm'),
      );
      expect(text).toMatch(new RegExp(`^process_cpu_seconds_total\\{process="worker",worker="[^"]+:${pid}"\\} `, 'm'));
      expect(text).toMatch(
        new RegExp(`^nodejs_heap_size_used_bytes\\{process="worker",worker="[^"]+:${pid}"\\} `, 'm'),
      );
    }
    expect(text).toMatch(/^process_start_time_seconds\{process="web"\} \d/m);
    expect(text).toMatch(/^bus_tracker_ticks_total\{outcome="ok",process="worker",worker="[^"]+"\} [1-9]/m);
    expect(text).not.toMatch(/bus_tracker_worker_/);
    expect(text).not.toMatch(/^nodejs_active_\w+_total/m);

    expect(promtoolCheck(text)).toEqual({ code: 0, output: '' });
  });
});

import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { exposition } from './merge-metrics';
import type { WorkerSnapshot } from './worker-snapshots';

async function snapshot(worker: string, ticks: number, defaults = false): Promise<WorkerSnapshot> {
  const registry = new Registry();
  const counter = new Counter({
    name: 'bus_tracker_ticks_total',
    help: 'ticks',
    labelNames: ['outcome'],
    registers: [registry],
  });
  counter.inc({ outcome: 'ok' }, ticks);
  const histogram = new Histogram({
    name: 'bus_tracker_tick_duration_seconds',
    help: 'd',
    buckets: [0.1, 1],
    registers: [registry],
  });
  histogram.observe(0.05);
  if (defaults) collectDefaultMetrics({ register: registry });
  const [host, pid] = worker.split(':');
  return {
    instance: worker,
    worker,
    host,
    pid: Number(pid),
    publishedAt: new Date().toISOString(),
    memory: { rssBytes: 1, heapUsedBytes: 1 },
    metrics: await registry.getMetricsAsJSON(),
  };
}

describe('exposition', () => {
  it('serves the web registry and each worker’s series with its process and worker labels', async () => {
    const web = new Registry();
    new Counter({ name: 'bus_tracker_web_thing_total', help: 'x', registers: [web] }).inc(2);
    const text = await exposition(web, [await snapshot('a:1', 3), await snapshot('b:2', 5)]);
    expect(text).toContain('bus_tracker_web_thing_total{process="web"} 2');
    expect(text).toContain('bus_tracker_ticks_total{outcome="ok",process="worker",worker="a:1"} 3');
    expect(text).toContain('bus_tracker_ticks_total{outcome="ok",process="worker",worker="b:2"} 5');
    expect(text).toContain('bus_tracker_tick_duration_seconds_bucket{le="0.1",process="worker",worker="a:1"} 1');
    expect(text).toContain('bus_tracker_tick_duration_seconds_count{process="worker",worker="b:2"} 1');
    // One HELP/TYPE header per metric, however many workers.
    expect(text.match(/# TYPE bus_tracker_ticks_total counter/g)).toHaveLength(1);
  });

  it('serves the web registry alone when no worker published', async () => {
    const web = new Registry();
    new Counter({ name: 'bus_tracker_web_thing_total', help: 'x', registers: [web] });
    const text = await exposition(web, []);
    expect(text).toContain('bus_tracker_web_thing_total{process="web"} 0');
    expect(text).not.toContain('bus_tracker_ticks_total');
  });

  it('keeps the standard process metrics of web and workers under their own names, start times included', async () => {
    const web = new Registry();
    collectDefaultMetrics({ register: web });
    const text = await exposition(web, [await snapshot('a:1', 1, true), await snapshot('b:2', 1, true)]);
    for (const labels of ['process="web"', 'process="worker",worker="a:1"', 'process="worker",worker="b:2"']) {
      expect(text).toMatch(new RegExp(`^process_start_time_seconds\\{${labels}\\} \\d+`, 'm'));
      expect(text).toMatch(new RegExp(`^process_resident_memory_bytes\\{${labels}\\} \\d+`, 'm'));
      expect(text).toMatch(new RegExp(`^nodejs_version_info\\{[^}]*${labels}\\} 1`, 'm'));
    }
    expect(text.match(/^# TYPE process_start_time_seconds gauge$/gm)).toHaveLength(1);
  });

  it('leaves out the gauges named like counters (nodejs_active_*_total)', async () => {
    const web = new Registry();
    collectDefaultMetrics({ register: web });
    const text = await exposition(web, [await snapshot('a:1', 1, true)]);
    expect(text).not.toMatch(/^nodejs_active_(handles|requests|resources)_total/m);
    expect(text).toMatch(/^# TYPE nodejs_active_handles gauge$/m);
  });
});

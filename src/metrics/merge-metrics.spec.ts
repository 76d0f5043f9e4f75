import { Counter, Histogram, Registry } from 'prom-client';
import { exposition } from './merge-metrics';
import type { WorkerSnapshot } from './worker-snapshots';

async function snapshot(worker: string, ticks: number): Promise<WorkerSnapshot> {
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
  it('serves the web registry and each worker’s series with its worker label', async () => {
    const web = new Registry();
    new Counter({ name: 'bus_tracker_web_thing_total', help: 'x', registers: [web] }).inc(2);
    const text = await exposition(web, [await snapshot('a:1', 3), await snapshot('b:2', 5)]);
    expect(text).toContain('bus_tracker_web_thing_total 2');
    expect(text).toContain('bus_tracker_ticks_total{outcome="ok",worker="a:1"} 3');
    expect(text).toContain('bus_tracker_ticks_total{outcome="ok",worker="b:2"} 5');
    expect(text).toContain('bus_tracker_tick_duration_seconds_bucket{le="0.1",worker="a:1"} 1');
    expect(text).toContain('bus_tracker_tick_duration_seconds_count{worker="b:2"} 1');
    // One HELP/TYPE header per metric, however many workers.
    expect(text.match(/# TYPE bus_tracker_ticks_total counter/g)).toHaveLength(1);
  });

  it('serves the web registry alone when no worker published', async () => {
    const web = new Registry();
    new Counter({ name: 'bus_tracker_web_thing_total', help: 'x', registers: [web] });
    const text = await exposition(web, []);
    expect(text).toContain('bus_tracker_web_thing_total 0');
    expect(text).not.toContain('bus_tracker_ticks_total');
  });
});

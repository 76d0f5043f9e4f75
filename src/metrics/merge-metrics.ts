import { AggregatorRegistry, Registry } from 'prom-client';
import type { WorkerSnapshot } from './worker-snapshots';

/**
 * One registry from the workers' snapshots, each value labelled with its worker (host:pid). Series
 * of different workers stay apart (sum them in PromQL: `sum by (outcome) (rate(bus_tracker_ticks_total[5m]))`),
 * so a worker that stops does not make a cluster-wide counter jump backwards.
 */
export function workersRegistry(snapshots: readonly WorkerSnapshot[]): Registry {
  const labelled = snapshots.map((s) =>
    s.metrics.map((metric) => ({
      ...metric,
      values: metric.values.map((v) => ({ ...v, labels: { ...v.labels, worker: s.worker } })),
    })),
  );
  return AggregatorRegistry.aggregate(labelled);
}

/** The web app's own metrics and every live worker's, as one Prometheus text exposition. */
export async function exposition(web: Registry, snapshots: readonly WorkerSnapshot[]): Promise<string> {
  return Registry.merge([web, workersRegistry(snapshots)]).metrics();
}

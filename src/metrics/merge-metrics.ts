import { AggregatorRegistry, MetricObjectWithValues, MetricValue, Registry } from 'prom-client';
import type { WorkerSnapshot } from './worker-snapshots';

type MetricJson = MetricObjectWithValues<MetricValue<string>>;

/**
 * prom-client's default metrics include gauges named like counters (a `_total` suffix), which
 * Prometheus's own checks refuse; the per-type gauges of the same names without `_total` stay, and
 * their sum is the same figure (`sum without (type) (nodejs_active_handles)`).
 */
const MISNAMED = new Set([
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
]);

function labelled(metrics: MetricJson[], labels: Record<string, string>): MetricJson[] {
  return metrics
    .filter((metric) => !MISNAMED.has(metric.name))
    .map((metric) => ({
      ...metric,
      // Every series is labelled with its process, so no two sources share a label set and "sum"
      // only ever sees one value: it keeps each as it is (prom-client's own choices, such as
      // omitting process_start_time_seconds, are for merging copies of one process).
      aggregator: 'sum',
      values: metric.values.map((v) => ({ ...v, labels: { ...v.labels, ...labels } })),
    }));
}

/**
 * The web app's metrics and every live worker's as one Prometheus text exposition, under the standard names:
 * `process="web"` on the web's series, `process="worker"` and `worker="<host>:<pid>"` on a
 * worker's. Series of different workers stay apart (sum them in PromQL:
 * `sum by (outcome) (rate(bus_tracker_ticks_total[5m]))`), so a worker that stops does not make a
 * cluster-wide counter jump backwards.
 */
export async function exposition(web: Registry, snapshots: readonly WorkerSnapshot[]): Promise<string> {
  return AggregatorRegistry.aggregate([
    labelled(await web.getMetricsAsJSON(), { process: 'web' }),
    ...snapshots.map((s) => labelled(s.metrics, { process: 'worker', worker: s.worker })),
  ]).metrics();
}

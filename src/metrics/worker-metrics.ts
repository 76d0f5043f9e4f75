import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * A worker's own metrics, in a registry of its own (the web app and tests may share the process).
 * The worker has no HTTP server: MetricsPublisher copies this registry to Redis, and the web
 * app's /metrics serves every live worker's copy labelled `process="worker"`, `worker="<host>:<pid>"`.
 */
@Injectable()
export class WorkerMetrics {
  readonly registry = new Registry();

  readonly ticks = new Counter({
    name: 'bus_tracker_ticks_total',
    help: 'Ticks run, by outcome: ok, upstream_error (recorded, the chain goes on), ended, duplicate, failed (threw)',
    labelNames: ['outcome'],
    registers: [this.registry],
  });

  readonly tickDuration = new Histogram({
    name: 'bus_tracker_tick_duration_seconds',
    help: 'Time one tick took, from start to finish, by outcome',
    labelNames: ['outcome'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly tickLateness = new Histogram({
    name: 'bus_tracker_tick_lateness_seconds',
    help: 'How late a tick started: its start minus the time it was scheduled for',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300],
    registers: [this.registry],
  });

  readonly jobFailures = new Counter({
    name: 'bus_tracker_job_failures_total',
    help: 'Jobs that threw, by job name; final="true" when no attempt is left (the job went to failed)',
    labelNames: ['job', 'final'],
    registers: [this.registry],
  });

  readonly upstreamRequests = new Counter({
    name: 'bus_tracker_upstream_requests_total',
    help: 'Requests to the STM API (or simulator), each retry counted, by endpoint and outcome',
    labelNames: ['endpoint', 'outcome'],
    registers: [this.registry],
  });

  readonly upstreamDuration = new Histogram({
    name: 'bus_tracker_upstream_request_duration_seconds',
    help: 'Latency of requests to the STM API (or simulator), by endpoint',
    labelNames: ['endpoint'],
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly upstreamItemsSkipped = new Counter({
    name: 'bus_tracker_upstream_items_skipped_total',
    help: 'Items of STM answers skipped, by reason: malformed, out_of_range, too_long, future_fix',
    labelNames: ['reason'],
    registers: [this.registry],
  });

  constructor() {
    // Memory, CPU, event loop lag and GC of the worker process itself: "is a worker leaking?". The
    // standard names, as every Node exporter has them; the labels say which process they are of.
    collectDefaultMetrics({ register: this.registry });
  }
}

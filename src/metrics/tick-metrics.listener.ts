import { InjectQueue } from '@nestjs/bull';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Job, Queue } from 'bull';
import { TRACK_BUSES_JOB, TrackBusesJobData, TRACKING_QUEUE } from '../queue/queue.constants';
import { WorkerMetrics } from './worker-metrics';

/**
 * Tick metrics from the queue's local events ('active', 'completed', 'failed' are emitted by the
 * queue object of the process that ran the job), so the processor stays a thin edge.
 */
@Injectable()
export class TickMetricsListener implements OnApplicationBootstrap {
  private readonly started = new Map<string, number>();

  constructor(
    @InjectQueue(TRACKING_QUEUE) private readonly queue: Queue<TrackBusesJobData>,
    private readonly metrics: WorkerMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.queue.on('active', (job: Job<TrackBusesJobData>) => this.onActive(job));
    this.queue.on('completed', (job: Job<TrackBusesJobData>, result: unknown) => this.onCompleted(job, result));
    this.queue.on('failed', (job: Job<TrackBusesJobData>) => this.onFailed(job));
  }

  private onActive(job: Job<TrackBusesJobData>): void {
    const now = Date.now();
    this.started.set(String(job.id), now);
    if (job.name !== TRACK_BUSES_JOB) return;
    const scheduledAt = Date.parse(job.data?.scheduledAt);
    if (Number.isFinite(scheduledAt)) this.metrics.tickLateness.observe(Math.max(0, now - scheduledAt) / 1000);
  }

  private onCompleted(job: Job<TrackBusesJobData>, result: unknown): void {
    const outcome = (result as { outcome?: unknown } | undefined)?.outcome;
    this.finish(job, typeof outcome === 'string' ? outcome : 'ok');
  }

  private onFailed(job: Job<TrackBusesJobData>): void {
    // Bull sets finishedOn only when it moves a job to failed for good; an older value is from a
    // previous run (before an operator's retry), older than this run's processedOn.
    const final = Boolean(job.finishedOn && job.finishedOn >= (job.processedOn ?? 0));
    this.metrics.jobFailures.inc({ job: job.name, final: String(final) });
    this.finish(job, 'failed');
  }

  private finish(job: Job<TrackBusesJobData>, outcome: string): void {
    const startedAt = this.started.get(String(job.id));
    this.started.delete(String(job.id));
    if (job.name !== TRACK_BUSES_JOB) return;
    this.metrics.ticks.inc({ outcome });
    if (startedAt !== undefined) this.metrics.tickDuration.observe({ outcome }, (Date.now() - startedAt) / 1000);
  }
}

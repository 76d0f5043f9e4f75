import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job, Queue } from 'bull';
import { AppConfig } from '../config/app-config';
import { QueryCounter } from '../database/query-counter';
import { TrackBusesJobData, TRACKING_QUEUE } from './queue.constants';

/** Millisecond buckets up to a minute; later than that is counted in the last one. */
const BUCKETS = 60_000;

/** Counts per whole millisecond, sparse: a benchmark merges the windows it wants exactly. */
class Histogram {
  readonly counts = new Map<number, number>();

  add(ms: number): void {
    const v = Math.min(BUCKETS, Math.max(0, Math.round(ms)));
    this.counts.set(v, (this.counts.get(v) ?? 0) + 1);
  }

  toJSON(): Record<number, number> {
    return Object.fromEntries(this.counts);
  }
}

/**
 * Tick timing for benchmarks (TICK_STATS_SECONDS > 0): lateness (start minus scheduled time) and
 * duration of every tick this worker ran in the last window, with the database statements it
 * issued, written as one JSON log line every TICK_STATS_SECONDS (then reset). Off by default:
 * operators have /metrics; this is the benchmark's exact view from inside the worker. Fed by the
 * queue's own events, so the processor stays one call deep.
 */
@Injectable()
export class TickStats implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('TickStats');
  private lateness = new Histogram();
  private duration = new Histogram();
  private outcomes: Record<string, number> = {};
  private statementsAtLastReport = 0;
  private timer?: NodeJS.Timeout;
  private readonly started = new Map<string, number>();

  constructor(
    @InjectQueue(TRACKING_QUEUE) private readonly queue: Queue<TrackBusesJobData>,
    private readonly config: AppConfig,
    private readonly queries: QueryCounter,
  ) {}

  get enabled(): boolean {
    return this.config.tickStatsSeconds > 0;
  }

  record(latenessMs: number, durationMs: number, outcome: string): void {
    if (!this.enabled) return;
    this.lateness.add(latenessMs);
    this.duration.add(durationMs);
    this.outcomes[outcome] = (this.outcomes[outcome] ?? 0) + 1;
  }

  onApplicationBootstrap(): void {
    if (!this.enabled) return;
    this.queue.on('active', (job: Job<TrackBusesJobData>) => this.started.set(String(job.id), Date.now()));
    this.queue.on('completed', (job: Job<TrackBusesJobData>, result: { outcome?: string } | undefined) =>
      this.finished(job, result?.outcome ?? 'ok'),
    );
    this.queue.on('failed', (job: Job<TrackBusesJobData>) => this.finished(job, 'failed'));
    this.timer = setInterval(() => this.report(), this.config.tickStatsSeconds * 1000);
    this.timer.unref();
  }

  private finished(job: Job<TrackBusesJobData>, outcome: string): void {
    const startedAt = this.started.get(String(job.id));
    this.started.delete(String(job.id));
    const scheduledAt = Date.parse(job.data?.scheduledAt);
    if (startedAt === undefined || !Number.isFinite(scheduledAt)) return;
    this.record(startedAt - scheduledAt, Date.now() - startedAt, outcome);
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  report(): void {
    const window = {
      at: Date.now(),
      pid: process.pid,
      outcomes: this.outcomes,
      latenessMs: this.lateness,
      durationMs: this.duration,
      dbStatements: this.queries.count - this.statementsAtLastReport,
    };
    this.logger.log(`tick-stats ${JSON.stringify(window)}`);
    this.lateness = new Histogram();
    this.duration = new Histogram();
    this.outcomes = {};
    this.statementsAtLastReport = this.queries.count;
  }
}

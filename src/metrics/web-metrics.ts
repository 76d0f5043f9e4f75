import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Queue } from 'bull';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { Repository } from 'typeorm';
import { TRACKING_QUEUE } from '../queue/queue.constants';
import { WorkerRegistry } from '../queue/worker-registry';
import { Tracking } from '../tracking/entities/tracking.entity';
import { JOB_STATES } from '../queue/queue-admin.service';
import { AccuracyFigures, EtaAccuracyStore } from '../accuracy/eta-accuracy.store';
import { Clock } from '../shared/clock';

/**
 * The web app's metrics: its own process and requests, and the figures of the whole system that
 * are read at scrape time (active trackings, queue depth per state, workers alive), so they are
 * right however many workers there are and whichever web process is scraped.
 */
@Injectable()
export class WebMetrics {
  private readonly logger = new Logger(WebMetrics.name);
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'bus_tracker_http_request_duration_seconds',
    help: 'HTTP requests served by the web app, by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  constructor(
    @InjectRepository(Tracking) private readonly trackings: Repository<Tracking>,
    @InjectQueue(TRACKING_QUEUE) private readonly queue: Queue,
    private readonly workers: WorkerRegistry,
    private readonly accuracy: EtaAccuracyStore,
    private readonly clock: Clock,
  ) {
    collectDefaultMetrics({ register: this.registry });
    // Read at scrape time (prom-client awaits collect), so every web process reports the same truth.
    const active: Gauge = new Gauge({
      name: 'bus_tracker_active_trackings',
      help: 'Trackings with status active (from the database)',
      registers: [this.registry],
      collect: () =>
        this.guard('active trackings', async () => active.set(await this.trackings.countBy({ status: 'active' }))),
    });
    const depth: Gauge<'state'> = new Gauge({
      name: 'bus_tracker_queue_jobs',
      help: 'Jobs in the tracking queue by state (from Redis)',
      labelNames: ['state'],
      registers: [this.registry],
      collect: () =>
        this.guard('queue depth', async () => {
          const counts = (await this.queue.getJobCounts()) as unknown as Record<string, number>;
          for (const state of JOB_STATES) depth.set({ state }, Number(counts[state] ?? 0));
        }),
    });
    const alive: Gauge = new Gauge({
      name: 'bus_tracker_workers_alive',
      help: 'Worker processes with a fresh heartbeat (from Redis)',
      registers: [this.registry],
      collect: () => this.guard('workers alive', async () => alive.set((await this.workers.liveWorkers()).length)),
    });
    this.accuracyMetrics();
  }

  /**
   * The live feed's ETA accuracy (EtaAccuracyStore), read at scrape time: counters of the ETAs scored and of the
   * accurate ones by bucket since the tallies began (a rate over any window is theirs to take), and today's
   * accuracy by bucket and score as gauges.
   */
  private accuracyMetrics(): void {
    // One read of Redis per scrape serves the four series (a scrape collects them together).
    let cached: { at: number; figures: Promise<AccuracyFigures> } | undefined;
    const once = (): Promise<AccuracyFigures> => {
      if (!cached || Date.now() - cached.at > 1_000) {
        cached = { at: Date.now(), figures: this.accuracy.figures(this.clock.now()) };
      }
      return cached.figures;
    };
    const scored: Counter<'bucket'> = new Counter({
      name: 'bus_tracker_eta_scored_total',
      help: 'ETAs shown for tracked stops and scored against the arrival seen later, by bucket (from Redis)',
      labelNames: ['bucket'],
      registers: [this.registry],
      collect: () =>
        this.guard('ETAs scored', async () => {
          scored.reset();
          for (const b of (await once()).total.buckets) scored.inc({ bucket: b.bucket }, b.scored);
        }),
    });
    const accurate: Counter<'bucket'> = new Counter({
      name: 'bus_tracker_eta_accurate_total',
      help: 'Of the ETAs scored, those the bus met within its bucket window (ETA Accuracy Benchmark), by bucket',
      labelNames: ['bucket'],
      registers: [this.registry],
      collect: () =>
        this.guard('ETAs accurate', async () => {
          accurate.reset();
          for (const b of (await once()).total.buckets) accurate.inc({ bucket: b.bucket }, b.accurate);
        }),
    });
    const today: Gauge<'bucket'> = new Gauge({
      name: 'bus_tracker_eta_accuracy_today_ratio',
      help: 'Share of the ETAs scored since Montevideo midnight that were accurate, by bucket (absent while none is)',
      labelNames: ['bucket'],
      registers: [this.registry],
      collect: () =>
        this.guard('ETA accuracy today', async () => {
          today.reset();
          for (const b of (await once()).today.buckets)
            if (b.accuracy !== null) today.set({ bucket: b.bucket }, b.accuracy);
        }),
    });
    const score: Gauge = new Gauge({
      name: 'bus_tracker_eta_accuracy_today_score',
      help: "ETA Accuracy Benchmark score since Montevideo midnight: the mean of the buckets' accuracy (NaN while none)",
      registers: [this.registry],
      collect: () =>
        this.guard('ETA accuracy score', async () => {
          score.set((await once()).today.score ?? NaN);
        }),
    });
  }

  /** A figure that cannot be read is left out of this scrape rather than failing all of it. */
  private async guard(what: string, read: () => Promise<void>): Promise<void> {
    try {
      await read();
    } catch (error) {
      this.logger.warn(`Metric "${what}" not read: ${(error as Error).message}`);
    }
  }
}

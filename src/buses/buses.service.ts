import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { DatabaseWriteLock } from '../database/write-lock';
import { TrackBusesJobData } from '../queue/queue.constants';
import { Clock } from '../shared/clock';
import { Tracking } from '../tracking/entities/tracking.entity';
import { endTracking, EndStatus } from '../tracking/tracking-lifecycle';
import { BusStateStore } from './bus-state.store';
import { CatalogService } from './catalog.service';
import { applyReports } from './domain/bus-update';
import { BusStop } from './entities/bus-stop.entity';
import { StmCredentialsError } from './stm/stm.errors';
import { LineSnapshots } from './line-snapshots';
import { VariantPaths } from './variant-paths';
import { BusReport } from './stm/stm.types';

const STOP_CACHE_MS = 10 * 60_000;

export type TickOutcome = 'ok' | 'upstream_error' | 'ended' | 'duplicate';

export interface TickResult {
  outcome: TickOutcome;
  busesSeen: number;
  /** The tick to schedule next, or null when the chain ends here. */
  next: { seq: number; dueAt: Date } | null;
  /** Why the tracking ended during this tick, if it did. */
  ended?: { status: EndStatus; reason: string };
}

/**
 * The tracker: one tick of one tracking (SPEC §3.3). Reads positions through the STM client,
 * updates every bus's distance, speed, pass flag and ETA, and records the outcome on the tracking.
 */
@Injectable()
export class BusesService {
  private readonly logger = new Logger(BusesService.name);
  private readonly stops = new Map<number, { stop: BusStop | null; at: number }>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly snapshots: LineSnapshots,
    private readonly catalog: CatalogService,
    private readonly states: BusStateStore,
    private readonly paths: VariantPaths,
    private readonly writes: DatabaseWriteLock,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /**
   * Stops barely change (a catalogue import at most); every tick needs its stop's position, so it
   * is remembered for a while instead of read each time.
   */
  private async stopOf(stopId: number): Promise<BusStop | null> {
    const cached = this.stops.get(stopId);
    if (cached && Date.now() - cached.at < STOP_CACHE_MS) return cached.stop;
    const stop = await this.catalog.findStop(stopId);
    if (this.stops.size > 50_000) this.stops.clear();
    this.stops.set(stopId, { stop, at: Date.now() });
    return stop;
  }

  private get isPostgres(): boolean {
    return this.dataSource.options.type === 'postgres';
  }

  async trackBuses(job: TrackBusesJobData): Promise<TickResult> {
    const now = this.clock.now();
    const tracking = await this.dataSource.getRepository(Tracking).findOneBy({ id: job.trackingId });
    if (!tracking || tracking.status !== 'active') return { outcome: 'ended', busesSeen: 0, next: null };
    if (tracking.tickSeq >= job.seq) return this.alreadyDone(tracking, job);

    const maxMs = this.config.tracking.maxMinutes * 60_000;
    if (now.getTime() - tracking.startedAt.getTime() >= maxMs) {
      return this.end(
        tracking,
        'expired',
        `reached the maximum duration of ${this.config.tracking.maxMinutes} minutes`,
      );
    }
    const stop = await this.stopOf(tracking.stopId);
    if (!stop) return this.end(tracking, 'failed', `stop ${tracking.stopId} no longer exists in the catalogue`);

    let reports: BusReport[];
    try {
      const wanted = new Set(tracking.variantIds);
      const buses = await this.snapshots.busesOf(tracking.lines);
      // Variant filtering happens here, not upstream: one snapshot per line serves every variant.
      reports = buses.filter((b) => tracking.lines.includes(b.line) && (!wanted.size || wanted.has(b.variantId)));
    } catch (error) {
      if (error instanceof StmCredentialsError) {
        await this.end(tracking, 'failed', error.message);
        throw error; // the job fails too, so the queue shows why
      }
      return this.recordFailure(tracking, job, now, error as Error);
    }

    const next = this.nextTick(job, now);
    const idleMs = this.config.tracking.idleMinutes * 60_000;
    const lastBusSeenAt = reports.length ? now : tracking.lastBusSeenAt;
    const idle = now.getTime() - lastBusSeenAt.getTime() >= idleMs;
    // Read before the transaction: it then starts with a write, which SQLite lets wait for the
    // lock (busy timeout) instead of failing when another process wrote in between.
    const previous = await this.states.load(this.dataSource.manager, tracking.id);
    const paths = await this.paths.pathsOf([...reports, ...previous].map((b) => b.variantId));
    const update = applyReports(previous, reports, stop, now, {
      stopId: tracking.stopId,
      pathOf: (variantId) => paths.get(variantId),
      dwellSeconds: this.config.tracking.stopDwellSeconds,
    });
    const claimed = await this.writes.run(() =>
      this.dataSource.transaction(async (manager) => {
        // A tick's writes are recomputed by the next tick anyway: not waiting for the WAL flush
        // of every commit lifts PostgreSQL's ceiling from disk flushes per second to CPU. A crash
        // may forget the last few hundred ms of ticks; the reconciler re-chains what that leaves.
        if (this.isPostgres) await manager.query('SET LOCAL synchronous_commit TO OFF');
        // The claim comes first: a second run of this tick waits here for the first, then finds
        // the sequence taken and rolls back without having written anything.
        const claim = await manager
          .createQueryBuilder()
          .update(Tracking)
          .set({
            tickSeq: job.seq,
            nextTickAt: next.dueAt,
            lastRunAt: now,
            lastSuccessAt: now,
            lastBusSeenAt,
            runs: () => 'runs + 1',
            busesSeen: update.kept.filter((b) => b.missingCount === 0).length,
            consecutiveFailures: 0,
            lastError: null,
          })
          .where('id = :id AND status = :active AND "tickSeq" = :previous', {
            id: tracking.id,
            active: 'active',
            previous: job.seq - 1,
          })
          .execute();
        if (!claim.affected) return false;
        await this.states.save(manager, tracking.id, update);
        return true;
      }),
    );
    if (!claimed) return this.afterLostClaim(job);
    this.logger.log(
      `Tick ${job.seq} of tracking ${tracking.id} (stop ${tracking.stopId}, lines ${tracking.lines.join(',')}): ` +
        `${reports.length} bus(es), ${Date.now() - now.getTime()} ms`,
    );
    if (idle) {
      const minutes = this.config.tracking.idleMinutes;
      return {
        ...(await this.end(tracking, 'expired', `no bus of the tracked lines seen for ${minutes} minutes`)),
        outcome: 'ok',
      };
    }
    return { outcome: 'ok', busesSeen: reports.length, next };
  }

  /**
   * This tick already ran to completion (Bull ran it again after a stall, or a retry after the
   * claim). If it is the latest one, make sure its successor exists: the first run may have died
   * between its claim and scheduling it. The successor's job id makes that idempotent.
   */
  private alreadyDone(tracking: Tracking, job: TrackBusesJobData): TickResult {
    const next = tracking.tickSeq === job.seq ? { seq: job.seq + 1, dueAt: tracking.nextTickAt } : null;
    return { outcome: 'duplicate', busesSeen: 0, next };
  }

  /** Another run claimed this tick while we worked: answer as that run would be seen now. */
  private async afterLostClaim(job: TrackBusesJobData): Promise<TickResult> {
    const tracking = await this.dataSource.getRepository(Tracking).findOneBy({ id: job.trackingId });
    if (!tracking || tracking.status !== 'active') return { outcome: 'ended', busesSeen: 0, next: null };
    return this.alreadyDone(tracking, job);
  }

  /** Fixed rate: due one interval after this tick was due, or now if we are already later than that. */
  private nextTick(job: TrackBusesJobData, now: Date): { seq: number; dueAt: Date } {
    const due = new Date(job.scheduledAt).getTime() + this.config.tracking.intervalSeconds * 1000;
    return { seq: job.seq + 1, dueAt: new Date(Math.max(due, now.getTime())) };
  }

  private async recordFailure(
    tracking: Tracking,
    job: TrackBusesJobData,
    now: Date,
    error: Error,
  ): Promise<TickResult> {
    const failures = tracking.consecutiveFailures + 1;
    const next = this.nextTick(job, now);
    const message = error.message.slice(0, 500);
    const claimed = await this.writes.run(() =>
      this.dataSource
        .createQueryBuilder()
        .update(Tracking)
        .set({
          tickSeq: job.seq,
          nextTickAt: next.dueAt,
          lastRunAt: now,
          runs: () => 'runs + 1',
          consecutiveFailures: failures,
          lastError: message,
        })
        .where('id = :id AND status = :active AND "tickSeq" = :previous', {
          id: tracking.id,
          active: 'active',
          previous: job.seq - 1,
        })
        .execute(),
    );
    if (!claimed.affected) return this.afterLostClaim(job);
    this.logger.warn(`Tick ${job.seq} of tracking ${tracking.id} failed (${failures} in a row): ${message}`);
    if (failures >= this.config.tracking.maxFailures) {
      const ended = await this.end(tracking, 'failed', `${failures} consecutive failed ticks; last error: ${message}`);
      return { ...ended, outcome: 'upstream_error' };
    }
    return { outcome: 'upstream_error', busesSeen: 0, next };
  }

  private async end(tracking: Tracking, status: EndStatus, reason: string): Promise<TickResult> {
    await this.writes.run(() => endTracking(this.dataSource.manager, tracking.id, status, reason, this.clock.now()));
    this.logger.log(`Tracking ${tracking.id} ${status}: ${reason}`);
    return { outcome: 'ended', busesSeen: 0, next: null, ended: { status, reason } };
  }
}

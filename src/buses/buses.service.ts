import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { DatabaseWriteLock } from '../database/write-lock';
import { TrackBusesJobData } from '../queue/queue.constants';
import { Clock } from '../shared/clock';
import { Tracking } from '../tracking/entities/tracking.entity';
import { endTracking, EndStatus } from '../tracking/tracking-lifecycle';
import { BusStateStore } from './bus-state.store';
import { CatalogService } from '../catalog/catalog.service';
import { BusState, BusTrack, estimateBus } from './domain/bus-update';
import { BusStop } from '../catalog/entities/bus-stop.entity';
import { StmCredentialsError } from './stm/stm.errors';
import { LineTracks } from './line-tracks';
import { claimTicks } from './tick-claims';
import { MicroBatcher } from '../shared/micro-batcher';
import { VariantPaths } from '../catalog/variant-paths';

const STOP_CACHE_MS = 10 * 60_000;

/** A tick computed and ready to claim its sequence number and write. */
interface PreparedTick {
  job: TrackBusesJobData;
  tracking: Tracking;
  buses: BusState[];
  /** Buses the last poll listed (the others are missing, counting down to leaving the list). */
  listed: number;
  lastBusSeenAt: Date;
  idle: boolean;
  next: { seq: number; dueAt: Date };
}

/**
 * Ticks a batch takes at most: far above what the worker's concurrency lets arrive together. Two batches
 * may run at once: the next one reads and computes while the previous one writes.
 */
const BATCH = { maxSize: 500, maxConcurrent: 2 };

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
 * The tracker: one tick of one tracking (SPEC §3.3). Reads its lines' buses and their recent positions
 * (shared by every tracking of the line, see LineTracks), works out every bus's distance, speed, pass flag
 * and ETA from its stop, and records them and the outcome on the tracking.
 */
@Injectable()
export class BusesService {
  private readonly logger = new Logger(BusesService.name);
  private readonly stops = new Map<number, { stop: BusStop | null; at: number }>();
  private readonly batcher = new MicroBatcher<TrackBusesJobData, TickResult>((jobs) => this.runBatch(jobs), BATCH);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tracks: LineTracks,
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

  /**
   * Runs one tick. Ticks that reach the worker at about the same time run as one batch (see runBatch):
   * each still gets its own outcome, but they share their database statements.
   */
  trackBuses(job: TrackBusesJobData): Promise<TickResult> {
    return this.batcher.submit(job);
  }

  /**
   * A batch of ticks: one read of their trackings, then each tick's buses from its lines' shared history
   * (in memory, from Redis), then one transaction that claims every tick's sequence number and writes every
   * tick's buses. A tick whose claim fails (another run got there first) writes nothing.
   */
  private async runBatch(jobs: TrackBusesJobData[]): Promise<PromiseSettledResult<TickResult>[]> {
    const now = this.clock.now();
    const ids = [...new Set(jobs.map((j) => j.trackingId))];
    const trackings = new Map(
      (await this.dataSource.getRepository(Tracking).findBy({ id: In(ids) })).map((t) => [t.id, t]),
    );
    const prepared = await Promise.allSettled(jobs.map((job) => this.prepare(job, trackings.get(job.trackingId), now)));
    const ticks = prepared.flatMap((p) => (p.status === 'fulfilled' && 'buses' in p.value ? [p.value] : []));
    const claimed = ticks.length ? await this.writes.run(() => this.commit(ticks, now)) : new Set<PreparedTick>();
    return Promise.allSettled(
      prepared.map(async (p, i) => {
        if (p.status === 'rejected') throw p.reason;
        if (!('buses' in p.value)) return p.value;
        return claimed.has(p.value) ? this.finish(p.value, now) : this.afterLostClaim(jobs[i]);
      }),
    );
  }

  /** Everything a tick does before it writes: its final result instead when it ends here. */
  private async prepare(
    job: TrackBusesJobData,
    tracking: Tracking | undefined,
    now: Date,
  ): Promise<PreparedTick | TickResult> {
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

    let tracks: BusTrack[];
    try {
      const wanted = new Set(tracking.variantIds);
      // Variant filtering happens here, not upstream: one snapshot per line serves every variant.
      tracks = (await this.tracks.of(tracking.lines)).filter((b) => !wanted.size || wanted.has(b.variantId));
    } catch (error) {
      if (error instanceof StmCredentialsError) {
        await this.end(tracking, 'failed', error.message);
        throw error; // the job fails too, so the queue shows why
      }
      return this.recordFailure(tracking, job, now, error as Error);
    }

    const paths = await this.paths.pathsOf(tracks.map((b) => b.variantId));
    const routes = {
      stopId: tracking.stopId,
      pathOf: (variantId: number) => paths.get(variantId),
      dwellSeconds: this.config.tracking.stopDwellSeconds,
    };
    const buses = tracks.map((track) => estimateBus(track, stop, now, routes));
    const listed = buses.filter((b) => b.missingCount === 0).length;
    const lastBusSeenAt = listed ? now : tracking.lastBusSeenAt;
    const idleMs = this.config.tracking.idleMinutes * 60_000;
    return {
      job,
      tracking,
      buses,
      listed,
      lastBusSeenAt,
      idle: now.getTime() - lastBusSeenAt.getTime() >= idleMs,
      next: this.nextTick(job, now),
    };
  }

  /** The batch's one transaction: claims first, then the buses of the ticks that claimed. */
  private commit(ticks: PreparedTick[], now: Date): Promise<Set<PreparedTick>> {
    return this.dataSource.transaction(async (manager) => {
      // A tick's writes are recomputed by the next tick anyway: not waiting for the WAL flush
      // of every commit lifts PostgreSQL's ceiling from disk flushes per second to CPU. A crash
      // may forget the last few hundred ms of ticks; the reconciler re-chains what that leaves.
      if (this.isPostgres) await manager.query('SET LOCAL synchronous_commit TO OFF');
      // The claims come first: a second run of a tick waits here for the first, then finds the
      // sequence taken and writes nothing.
      const ids = await claimTicks(
        manager,
        ticks.map((t) => ({
          trackingId: t.tracking.id,
          seq: t.job.seq,
          nextTickAt: t.next.dueAt,
          lastBusSeenAt: t.lastBusSeenAt,
          busesSeen: t.listed,
        })),
        now,
      );
      // The same tick twice in one batch claims once: the first copy gets it.
      const claimed = new Set<PreparedTick>();
      for (const tick of ticks) {
        if (ids.delete(tick.tracking.id)) claimed.add(tick);
      }
      await this.states.save(
        manager,
        [...claimed].map((t) => ({ trackingId: t.tracking.id, buses: t.buses })),
        now,
      );
      return claimed;
    });
  }

  private async finish(tick: PreparedTick, now: Date): Promise<TickResult> {
    const { job, tracking } = tick;
    this.logger.log(
      `Tick ${job.seq} of tracking ${tracking.id} (stop ${tracking.stopId}, lines ${tracking.lines.join(',')}): ` +
        `${tick.listed} bus(es), ${Date.now() - now.getTime()} ms`,
    );
    if (tick.idle) {
      const minutes = this.config.tracking.idleMinutes;
      return {
        ...(await this.end(tracking, 'expired', `no bus of the tracked lines seen for ${minutes} minutes`)),
        outcome: 'ok',
      };
    }
    return { outcome: 'ok', busesSeen: tick.listed, next: tick.next };
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

import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { DatabaseWriteLock } from '../database/write-lock';
import { LiveEventsPublisher } from '../live/live-events.publisher';
import { TrackBusesJobData } from '../queue/queue.constants';
import { TickScheduler } from '../queue/tick-scheduler';
import { Clock } from '../shared/clock';
import { LineBus, lineBusOf } from './domain/bus-estimate';
import { advanceTracks, BusTrack } from './domain/bus-track';
import { LinePoll } from './entities/line-poll.entity';
import { LineLifecycle, EndedTracking } from './line-lifecycle';
import { LinePollsRepository } from './line-polls.repository';
import { LineSnapshots } from './line-snapshots';
import { LineStateStore } from './line-state.store';
import { StmCredentialsError, StmUnavailableError } from './stm/stm.errors';
import { BusReport } from './stm/stm.types';
import { VariantPaths } from '../catalog/variant-paths';
import { EtaAccuracyRecorder } from '../accuracy/eta-accuracy.recorder';

export type TickOutcome = 'ok' | 'upstream_error' | 'ended' | 'duplicate';

export interface TickResult {
  outcome: TickOutcome;
  busesSeen: number;
  /** The tick scheduled next, or null when the chain ends here. */
  next: { seq: number; dueAt: Date } | null;
  /** Trackings of the line this tick ended. */
  ended: EndedTracking[];
}

/**
 * When the line's next request can go out: its next tick, or, while the shared backoff holds requests back,
 * the first of its ticks (one interval apart from the next) at or after the backoff's end.
 */
export function nextAttempt(nextTickAt: Date, error: Error, intervalMs: number): Date {
  const notBefore = error instanceof StmUnavailableError ? error.notBefore : undefined;
  const next = nextTickAt.getTime();
  if (notBefore === undefined || notBefore <= next) return nextTickAt;
  return new Date(next + Math.ceil((notBefore - next) / intervalMs) * intervalMs);
}

type Poll = { ok: true; reports: BusReport[] } | { ok: false; error: StmUnavailableError | StmCredentialsError };

/**
 * The tracker (SPEC §3.3): one tick of one line, serving every tracking of that line however many there are.
 * It polls the line (shared with every other line of its batch, see LineSnapshots), advances each of its buses
 * once (history, progress along its route), publishes the line's state, ends the line's trackings whose time
 * has come, and schedules the next tick at a fixed rate. Nothing is written per tracking per tick: a rider's
 * view is computed from the line's state when it is read.
 */
@Injectable()
export class BusesService {
  private readonly logger = new Logger(BusesService.name);

  constructor(
    private readonly linePolls: LinePollsRepository,
    private readonly lineStates: LineStateStore,
    private readonly snapshots: LineSnapshots,
    private readonly paths: VariantPaths,
    private readonly lifecycle: LineLifecycle,
    private readonly scheduler: TickScheduler,
    private readonly live: LiveEventsPublisher,
    private readonly writes: DatabaseWriteLock,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly accuracy: EtaAccuracyRecorder,
  ) {}

  private get intervalMs(): number {
    return this.config.tracking.intervalSeconds * 1000;
  }

  /** Runs tick `job.seq` of its line, and everything that follows from it. */
  async runTick(job: TrackBusesJobData): Promise<TickResult> {
    const poll = await this.linePolls.find(job.line);
    if (!poll?.polling) return { outcome: 'ended', busesSeen: 0, next: null, ended: [] };
    if (poll.tickSeq !== job.seq - 1) return this.alreadyDone(poll, job);

    const now = this.clock.now();
    const fetched = await this.poll(job.line);
    const previous = await this.lineStates.history(job.line);
    // An outage is not a miss: the buses stay as the last poll left them, shown as stale as their fixes age.
    const tracks = fetched.ok ? advanceTracks(previous, fetched.reports, now) : previous;
    const listed = fetched.ok ? tracks.filter((t) => t.missingCount === 0).length : 0;
    const next = this.nextTick(job, now);
    const claimed = await this.writes.run(() =>
      this.linePolls.claim(job.line, {
        seq: job.seq,
        nextTickAt: next.dueAt,
        ranAt: now,
        success: fetched.ok ? { busesSeen: listed } : null,
        failure: fetched.ok
          ? null
          : {
              message: fetched.error.message,
              credentials: fetched.error instanceof StmCredentialsError,
              outageMs: now.getTime() - (poll.lastRunAt ?? now).getTime(),
            },
      }),
    );
    // Another run of this tick got there first (Bull ran it twice after a stall): it does the rest.
    if (!claimed) return this.alreadyDone((await this.linePolls.find(job.line)) ?? poll, job);

    const attempt = fetched.ok ? null : nextAttempt(next.dueAt, fetched.error, this.intervalMs);
    const buses = await this.publishState(
      job,
      tracks,
      now,
      fetched.ok ? null : (poll.unavailableSince ?? now),
      poll,
      next.dueAt,
      attempt,
    );
    if (fetched.ok) await this.accuracy.afterTick(job.line, buses, now);
    const ended = await this.lifecycle.endDue(job.line, job.seq, now);
    const chainEnds = await this.writes.run(() => this.linePolls.endChainIfUnused(job.line, job.seq));
    if (!chainEnds) await this.scheduler.schedule(job.line, next.seq, next.dueAt);
    await this.live.lineTicked(job.line, job.seq, ended);
    if (!fetched.ok) this.logger.warn(`Tick ${job.seq} of line ${job.line}: ${fetched.error.message}`);
    this.logger.log(`Tick ${job.seq} of line ${job.line}: ${listed} bus(es), ${Date.now() - now.getTime()} ms`);
    return {
      outcome: fetched.ok ? 'ok' : 'upstream_error',
      busesSeen: listed,
      next: chainEnds ? null : next,
      ended,
    };
  }

  /** The line's buses of this window, fetched once for every line of its batch and every process. */
  private async poll(line: string): Promise<Poll> {
    try {
      const window = await this.snapshots.ensure([line]);
      const snapshot = await this.snapshots.snapshotOf(line, window);
      return { ok: true, reports: snapshot?.buses ?? [] };
    } catch (error) {
      if (error instanceof StmUnavailableError || error instanceof StmCredentialsError) return { ok: false, error };
      throw error; // our own infrastructure (Redis): the job's retries are for that
    }
  }

  /** What the line publishes after this tick: every bus with its progress along its route, computed once. */
  private async publishState(
    job: TrackBusesJobData,
    tracks: BusTrack[],
    now: Date,
    unavailableSince: Date | null,
    before: LinePoll,
    nextTickAt: Date,
    nextAttemptAt: Date | null,
  ): Promise<LineBus[]> {
    const paths = await this.paths.pathsOf(tracks.map((t) => t.variantId));
    const settings = { dwellSeconds: this.config.tracking.stopDwellSeconds };
    const buses: LineBus[] = tracks.map((t) => lineBusOf(t, paths.get(t.variantId), settings));
    await this.lineStates.save(
      {
        line: job.line,
        seq: job.seq,
        lastRunAt: now,
        lastSuccessAt: unavailableSince ? before.lastSuccessAt : now,
        unavailableSince,
        nextTickAt,
        nextAttemptAt,
        buses,
      },
      tracks,
    );
    return buses;
  }

  /**
   * This tick already ran to completion (Bull ran it again after a stall, or a retry after the claim). If it is
   * the latest one and the chain goes on, make sure its successor exists: the first run may have died between
   * its claim and scheduling it. The successor's job id makes that idempotent.
   */
  private async alreadyDone(poll: LinePoll, job: TrackBusesJobData): Promise<TickResult> {
    const next =
      poll.polling && poll.tickSeq === job.seq
        ? { seq: job.seq + 1, dueAt: poll.nextTickAt ?? this.clock.now() }
        : null;
    if (next) await this.scheduler.schedule(job.line, next.seq, next.dueAt);
    return { outcome: 'duplicate', busesSeen: 0, next, ended: [] };
  }

  /** Fixed rate: due one interval after this tick was due, or now if we are already later than that. */
  private nextTick(job: TrackBusesJobData, now: Date): { seq: number; dueAt: Date } {
    const due = new Date(job.scheduledAt).getTime() + this.intervalMs;
    return { seq: job.seq + 1, dueAt: new Date(Math.max(due, now.getTime())) };
  }
}

import { Injectable, Logger } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { CatalogService } from '../catalog/catalog.service';
import { LinePollsRepository } from '../buses/line-polls.repository';
import { AppConfig } from '../config/app-config';
import { LiveEventsPublisher } from '../live/live-events.publisher';
import { TickScheduler } from '../queue/tick-scheduler';
import { WorkerRegistry } from '../queue/worker-registry';
import { Clock } from '../shared/clock';
import { withDeadline } from '../shared/deadline';
import { normaliseLines, normaliseVariantIds, StartTrackingDto } from './dto/start-tracking.dto';
import { Tracking, TrackingStatus } from './entities/tracking.entity';
import { lifecycleRules, trackingEnd } from './tracking-lifecycle';
import { TrackingBuses, TrackingFigures, TrackingViews } from './tracking-views';
import { CapReachedError, IdempotencyKeyTakenError, TrackingRepository } from './tracking.repository';
import {
  IdempotencyKeyReusedError,
  InvalidTrackingRequestError,
  TrackingCapReachedError,
  TrackingNotFoundError,
  UnknownStopError,
} from './tracking.errors';

/**
 * How long a request waits on Redis (the job queue, the worker registry, live notices) before it answers
 * without it: the database holds what matters, and the workers' reconciler creates what Redis missed.
 */
export const EDGE_REDIS_DEADLINE_MS = 1_500;

/** Who asks to start a tracking, as the HTTP layer knows it. */
export interface StartRequest {
  /** The client's address (as Express sees it, proxies per TRUST_PROXY). */
  clientAddress?: string;
  idempotencyKey?: string;
}

export interface StartResult {
  tracking: Tracking;
  figures: TrackingFigures;
  /** false when the Idempotency-Key named a tracking started by an earlier request: the first answer again. */
  created: boolean;
  warning?: string;
}

/** Starting, stopping and reading trackings: what the web side does. It never calls the STM API. */
@Injectable()
export class TrackingService {
  private readonly logger = new Logger(TrackingService.name);

  constructor(
    private readonly repository: TrackingRepository,
    private readonly linePolls: LinePollsRepository,
    private readonly views: TrackingViews,
    private readonly catalog: CatalogService,
    private readonly scheduler: TickScheduler,
    private readonly workers: WorkerRegistry,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly live: LiveEventsPublisher,
  ) {}

  /** Starts the rider's own tracking, or answers a retried request with the tracking it started. */
  async start(dto: StartTrackingDto, request: StartRequest = {}): Promise<StartResult> {
    const lines = normaliseLines(dto.lines);
    const variantIds = normaliseVariantIds(dto.variantIds);
    const key = request.idempotencyKey;
    const earlier = key ? await this.repository.findByIdempotencyKey(key) : null;
    if (earlier) return this.replay(earlier, dto.stopId, lines, variantIds);
    await this.validate(dto.stopId, lines, variantIds);

    const now = this.clock.now();
    let tracking: Tracking;
    try {
      tracking = await this.repository.insert(
        {
          id: randomUUID(),
          stopId: dto.stopId,
          lines,
          variantIds,
          startedAt: now,
          clientKey: request.clientAddress ? clientKeyOf(request.clientAddress) : null,
          idempotencyKey: key ?? null,
        },
        { maxActive: this.config.tracking.maxActive, maxActivePerClient: this.config.tracking.maxActivePerClient },
      );
    } catch (error) {
      if (error instanceof CapReachedError) throw new TrackingCapReachedError(error.scope, error.cap);
      if (error instanceof IdempotencyKeyTakenError && key) {
        const winner = await this.repository.findByIdempotencyKey(key);
        if (winner) return this.replay(winner, dto.stopId, lines, variantIds);
      }
      throw error;
    }
    const [scheduled, workers] = await Promise.all([this.startPolling(lines, now), this.workerWarning()]);
    this.logger.log(`Tracking ${tracking.id} started: stop ${tracking.stopId}, lines ${lines.join(',')}`);
    const warning = [scheduled, workers].filter(Boolean).join('; ');
    return {
      tracking,
      figures: await this.views.figures(tracking, now),
      created: true,
      ...(warning ? { warning } : {}),
    };
  }

  /** The answer to a retry: the tracking the key started, if the request is the same one. */
  private async replay(
    tracking: Tracking,
    stopId: number,
    lines: string[],
    variantIds: number[],
  ): Promise<StartResult> {
    const same =
      tracking.stopId === stopId &&
      tracking.lines.join(',') === lines.join(',') &&
      tracking.variantIds.join(',') === variantIds.join(',');
    if (!same) throw new IdempotencyKeyReusedError();
    return { tracking, figures: await this.views.figures(tracking, this.clock.now()), created: false };
  }

  /**
   * Starts the chains of the lines that had none (a line already polled serves the new tracking at its next
   * tick). Redis away or hung costs a warning, not the answer: the reconciler starts what is missing.
   */
  private async startPolling(lines: string[], now: Date): Promise<string | undefined> {
    const revived = await this.linePolls.activate(lines);
    try {
      await Promise.all(
        revived.map(({ line, seq }) => this.scheduler.schedule(line, seq, now, EDGE_REDIS_DEADLINE_MS)),
      );
      return undefined;
    } catch (error) {
      this.logger.warn(
        `Polling of line(s) ${revived.map((r) => r.line).join(', ')} not queued: ${(error as Error).message}`,
      );
      const seconds = this.config.worker.reconcileSeconds;
      return `the job queue (Redis) did not answer: the tracking is saved, and a worker starts polling its lines within ${seconds} s of Redis answering again`;
    }
  }

  /** A tracking with no worker alive would sit still: say so, and how to fix it. */
  private async workerWarning(): Promise<string | undefined> {
    const live = await withDeadline(this.workers.liveWorkers(), EDGE_REDIS_DEADLINE_MS, 'Redis').catch(() => undefined);
    if (live === undefined) return 'could not check for a running worker (Redis did not answer)';
    return live.length ? undefined : 'no worker is running; start one with `npm run start:worker`';
  }

  async get(id: string): Promise<Tracking> {
    const tracking = await this.repository.findById(id);
    if (!tracking) throw new TrackingNotFoundError(id);
    return tracking;
  }

  /** One tracking with its lines' figures. */
  async summary(id: string): Promise<{ tracking: Tracking; figures: TrackingFigures }> {
    const tracking = await this.get(id);
    return { tracking, figures: await this.views.figures(tracking, this.clock.now()) };
  }

  /** Every rider's trackings, newest first, with their figures (an operator's view). */
  async list(
    status: TrackingStatus | undefined,
    limit = 100,
  ): Promise<{ tracking: Tracking; figures: TrackingFigures }[]> {
    const trackings = await this.repository.list(status, limit);
    const figures = await this.views.figuresOf(trackings, this.clock.now());
    return trackings.map((tracking, i) => ({ tracking, figures: figures[i] }));
  }

  /** Stops a rider's tracking (and only it). Stopping an ended tracking changes nothing. */
  async stop(id: string): Promise<{ tracking: Tracking; figures: TrackingFigures }> {
    const tracking = await this.get(id);
    if (tracking.status === 'active') {
      const now = this.clock.now();
      const end = trackingEnd(
        {
          startedAt: tracking.startedAt,
          stopRequested: true,
          stopId: tracking.stopId,
          stopKnown: true,
          anyLineKnown: true,
          lines: [],
        },
        now,
        lifecycleRules(this.config),
      )!;
      if ((await this.repository.end([id], end, now)).length) {
        await withDeadline(this.live.trackingEnded(tracking, end.status), EDGE_REDIS_DEADLINE_MS, 'Redis').catch(
          () => undefined,
        );
        this.logger.log(`Tracking ${id} stopped`);
      }
    }
    return this.summary(id);
  }

  /** The dashboard (SPEC §4.1). */
  async buses(id: string, includePassed: boolean): Promise<TrackingBuses> {
    return this.views.buses(await this.get(id), this.clock.now(), includePassed);
  }

  private async validate(stopId: number, lines: string[], variantIds: number[]): Promise<void> {
    if (!(await this.catalog.findStop(stopId))) throw new UnknownStopError(stopId);
    const variants = await this.catalog.variantsOfLines(lines);
    const knownLines = new Set(variants.map((v) => v.line));
    const unknownLines = lines.filter((l) => !knownLines.has(l));
    if (unknownLines.length) {
      throw new InvalidTrackingRequestError(
        `Unknown line(s): ${unknownLines.join(', ')}; see GET /api/lines or GET /api/stops/${stopId} for the lines at this stop`,
      );
    }
    const variantIdsOfLines = new Set(variants.map((v) => v.id));
    const foreign = variantIds.filter((v) => !variantIdsOfLines.has(v));
    if (foreign.length) {
      throw new InvalidTrackingRequestError(
        `Variant(s) ${foreign.join(', ')} do not belong to line(s) ${lines.join(', ')}`,
      );
    }
  }
}

/** The per-client cap needs to know who started what, not the address itself: a hash of it is kept instead. */
function clientKeyOf(address: string): string {
  return createHash('sha256').update(`bus-tracker:${address}`).digest('hex').slice(0, 32);
}

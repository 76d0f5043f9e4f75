import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, MoreThanOrEqual, Not, QueryFailedError } from 'typeorm';
import { CatalogService } from '../catalog/catalog.service';
import { BusTracking } from '../buses/entities/bus-tracking.entity';
import { AppConfig } from '../config/app-config';
import { LiveEventsPublisher } from '../live/live-events.publisher';
import { TickScheduler } from '../queue/tick-scheduler';
import { WorkerRegistry } from '../queue/worker-registry';
import { Clock } from '../shared/clock';
import { normaliseLines, normaliseVariantIds, StartTrackingDto } from './dto/start-tracking.dto';
import { Tracking, TrackingStatus } from './entities/tracking.entity';
import { endTracking, trackingKey } from './tracking-lifecycle';
import {
  InvalidTrackingRequestError,
  TrackingCapReachedError,
  TrackingNotFoundError,
  UnknownStopError,
} from './tracking.errors';

/** Buses not seen for this long drop off the dashboard even before the 3-miss rule removes them. */
const DASHBOARD_WINDOW_MS = 5 * 60_000;

/** Starting, stopping and reading trackings: what the web side does. It never calls the STM API. */
@Injectable()
export class TrackingService {
  private readonly logger = new Logger(TrackingService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalog: CatalogService,
    private readonly scheduler: TickScheduler,
    private readonly workers: WorkerRegistry,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly live: LiveEventsPublisher,
  ) {}

  private get trackings() {
    return this.dataSource.getRepository(Tracking);
  }

  /** Starts a tracking, or returns the identical active one (created: false). */
  async start(dto: StartTrackingDto): Promise<{ tracking: Tracking; created: boolean; warning?: string }> {
    const [result, warning] = await Promise.all([this.startOrFind(dto), this.workerWarning()]);
    return warning ? { ...result, warning } : result;
  }

  /** A tracking with no worker alive would sit still: say so, and how to fix it. */
  private async workerWarning(): Promise<string | undefined> {
    const live = await this.workers.liveWorkers().catch(() => undefined);
    if (live === undefined) return 'could not check for a running worker (Redis did not answer)';
    return live.length ? undefined : 'no worker is running; start one with `npm run start:worker`';
  }

  private async startOrFind(dto: StartTrackingDto): Promise<{ tracking: Tracking; created: boolean }> {
    const lines = normaliseLines(dto.lines);
    const variantIds = normaliseVariantIds(dto.variantIds);
    const key = trackingKey(dto.stopId, lines, variantIds);
    const existing = await this.trackings.findOneBy({ activeKey: key });
    if (existing) return { tracking: existing, created: false };

    await this.validate(dto.stopId, lines, variantIds);
    const active = await this.trackings.countBy({ status: 'active' });
    if (active >= this.config.tracking.maxActive) throw new TrackingCapReachedError(this.config.tracking.maxActive);

    const now = this.clock.now();
    const tracking = this.trackings.create({
      id: randomUUID(),
      stopId: dto.stopId,
      lines,
      variantIds,
      activeKey: key,
      status: 'active',
      startedAt: now,
      nextTickAt: now,
      lastBusSeenAt: now,
      tickSeq: 0,
    });
    try {
      await this.trackings.insert(tracking);
    } catch (error) {
      // A concurrent identical start won the unique index on activeKey: return its tracking.
      if (isUniqueViolation(error)) {
        const winner = await this.trackings.findOneBy({ activeKey: key });
        if (winner) return { tracking: winner, created: false };
      }
      throw error;
    }
    await this.scheduler.schedule(tracking.id, 1, now);
    this.logger.log(`Tracking ${tracking.id} started: stop ${tracking.stopId}, lines ${lines.join(',')}`);
    return { tracking: await this.get(tracking.id), created: true };
  }

  async get(id: string): Promise<Tracking> {
    const tracking = await this.trackings.findOneBy({ id });
    if (!tracking) throw new TrackingNotFoundError(id);
    return tracking;
  }

  list(status: TrackingStatus | undefined, limit = 100): Promise<Tracking[]> {
    return this.trackings.find({ where: status ? { status } : {}, order: { startedAt: 'DESC' }, take: limit });
  }

  /** Stops a tracking and takes its pending tick off the queue. Stopping an ended tracking changes nothing. */
  async stop(id: string): Promise<Tracking> {
    const tracking = await this.get(id);
    if (tracking.status === 'active') {
      await endTracking(this.dataSource.manager, id, 'stopped', 'stopped by user', this.clock.now());
      const stopped = await this.get(id);
      await this.scheduler.cancel(id, stopped.tickSeq + 1);
      await this.live.trackingEnded(id, 'stopped');
      this.logger.log(`Tracking ${id} stopped`);
      return stopped;
    }
    return tracking;
  }

  /**
   * The dashboard: buses seen in the last five minutes, nearest first; those that passed, and those whose
   * variant does not serve the stop, only on request.
   */
  async buses(id: string, includePassed: boolean): Promise<{ tracking: Tracking; buses: BusTracking[]; now: Date }> {
    const tracking = await this.get(id);
    const now = this.clock.now();
    const buses = await this.dataSource.getRepository(BusTracking).find({
      where: {
        trackingId: id,
        lastSeenAt: MoreThanOrEqual(new Date(now.getTime() - DASHBOARD_WINDOW_MS)),
        ...(includePassed ? {} : { passed: false, status: Not('not_coming') }),
      },
      order: { distanceMeters: 'ASC', id: 'ASC' },
    });
    return { tracking, buses, now };
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

function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string };
  return driverError.code === '23505' || driverError.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

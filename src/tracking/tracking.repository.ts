import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, LessThan, QueryFailedError } from 'typeorm';
import { LinePollsRepository } from '../buses/line-polls.repository';
import { DatabaseWriteLock } from '../database/write-lock';
import { readDate, SqlStatement } from '../database/sql-statement';
import { Tracking, TrackingStatus } from './entities/tracking.entity';
import { TrackingLine } from './entities/tracking-line.entity';
import type { LineFacts, TrackingEnd } from './tracking-lifecycle';

/** Caps a new tracking must fit under (0 = no cap). */
export interface TrackingCaps {
  maxActive: number;
  maxActivePerClient: number;
}

export type NewTracking = Pick<Tracking, 'id' | 'stopId' | 'lines' | 'variantIds' | 'startedAt'> &
  Pick<Tracking, 'clientKey' | 'idempotencyKey'>;

/** A cap was full when the tracking was to be inserted. */
export class CapReachedError extends Error {
  constructor(
    readonly scope: 'service' | 'client',
    readonly cap: number,
  ) {
    super(`${scope} cap of ${cap} active trackings reached`);
  }
}

/** Another start with the same Idempotency-Key got there first. */
export class IdempotencyKeyTakenError extends Error {}

/** An active tracking, as a line's tick looks at it. */
export type ActiveTracking = Pick<Tracking, 'id' | 'stopId' | 'startedAt'>;

/** A tracking's subscription to a line, with the line's figures as its last tick left them. */
export interface Subscription extends LineFacts {
  trackingId: string;
  line: string;
  fromSeq: number;
  tickSeq: number;
  polling: boolean;
  nextTickAt: Date | null;
  lastRunAt: Date | null;
  lastSuccessAt: Date | null;
  busesSeen: number;
  consecutiveFailures: number;
  lastError: string | null;
  unavailableSince: Date | null;
}

/** SQLite binds at most 32,766 parameters a statement; PostgreSQL 65,535. Chunks stay far below. */
const CHUNK = 500;
const chunks = <T>(items: readonly T[]): T[][] =>
  Array.from({ length: Math.ceil(items.length / CHUNK) }, (_, i) => items.slice(i * CHUNK, (i + 1) * CHUNK));

/**
 * Every write to `trackings` and to their subscriptions (`tracking_lines`), and the reads the tick and the
 * reader need. A start subscribes to its lines in the transaction that inserts it, under the caps; an end
 * (any end: the rules are trackingEnd's) unsubscribes in the transaction that ends it. So a line's
 * subscription count is always the number of its active trackings.
 */
@Injectable()
export class TrackingRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly linePolls: LinePollsRepository,
    private readonly writes: DatabaseWriteLock,
  ) {}

  private get postgres(): boolean {
    return this.dataSource.options.type === 'postgres';
  }

  findById(id: string): Promise<Tracking | null> {
    return this.dataSource.getRepository(Tracking).findOneBy({ id });
  }

  findByIdempotencyKey(key: string): Promise<Tracking | null> {
    return this.dataSource.getRepository(Tracking).findOneBy({ idempotencyKey: key });
  }

  list(status: TrackingStatus | undefined, limit: number): Promise<Tracking[]> {
    return this.dataSource
      .getRepository(Tracking)
      .find({ where: status ? { status } : {}, order: { startedAt: 'DESC' }, take: limit });
  }

  /** Inserts a tracking and its subscriptions, if the caps let it in; atomic however many start at once. */
  insert(tracking: NewTracking, caps: TrackingCaps): Promise<Tracking> {
    return this.writes.run(() =>
      this.dataSource.transaction(async (manager) => {
        await this.checkCaps(manager, tracking.clientKey, caps);
        const row = manager.create(Tracking, {
          ...tracking,
          status: 'active' as const,
          endedAt: null,
          stopReason: null,
          runs: 0,
          lastRunAt: null,
          lastSuccessAt: null,
        });
        try {
          await manager.insert(Tracking, row);
        } catch (error) {
          if (isUniqueViolation(error)) throw new IdempotencyKeyTakenError('idempotency key already used');
          throw error;
        }
        const lines = await this.linePolls.subscribe(manager, tracking.lines);
        await manager.insert(
          TrackingLine,
          tracking.lines.map((line) => ({
            trackingId: tracking.id,
            line,
            fromSeq: lines.get(line)?.tickSeq ?? 0,
            fromOutageMs: lines.get(line)?.outageMs ?? 0,
          })),
        );
        return row;
      }),
    );
  }

  /**
   * Counting and inserting must not interleave between two starts: PostgreSQL takes a transaction-scoped
   * advisory lock (every start that has a cap to check queues on it); SQLite has one writer at a time anyway.
   */
  private async checkCaps(manager: EntityManager, clientKey: string | null, caps: TrackingCaps): Promise<void> {
    if (!caps.maxActive && !(caps.maxActivePerClient && clientKey)) return;
    if (this.postgres) await manager.query(`SELECT pg_advisory_xact_lock(hashtext('bus-tracker:tracking-caps'))`);
    const repository = manager.getRepository(Tracking);
    if (caps.maxActive && (await repository.countBy({ status: 'active' })) >= caps.maxActive) {
      throw new CapReachedError('service', caps.maxActive);
    }
    if (
      caps.maxActivePerClient &&
      clientKey &&
      (await repository.countBy({ status: 'active', clientKey })) >= caps.maxActivePerClient
    ) {
      throw new CapReachedError('client', caps.maxActivePerClient);
    }
  }

  /**
   * Ends these trackings (those still active) for one reason, in a few statements however many: their last
   * figures are kept on them, their subscriptions go, and their lines' subscription counts with them.
   * Returns the ids it ended (another path may have ended some first).
   */
  async end(ids: readonly string[], end: TrackingEnd, now: Date): Promise<string[]> {
    const ended: string[] = [];
    for (const part of chunks([...new Set(ids)])) {
      ended.push(
        ...(await this.writes.run(() => this.dataSource.transaction((m) => this.endChunk(m, part, end, now)))),
      );
    }
    return ended;
  }

  private async endChunk(manager: EntityManager, ids: string[], end: TrackingEnd, now: Date): Promise<string[]> {
    const figures = new Map<string, { runs: number; lastRunAt: Date | null; lastSuccessAt: Date | null }>();
    for (const s of await this.subscriptionsOf(ids, manager)) {
      const f = figures.get(s.trackingId) ?? { runs: 0, lastRunAt: null, lastSuccessAt: null };
      f.runs = Math.max(f.runs, s.tickSeq - s.fromSeq);
      f.lastRunAt = latest(f.lastRunAt, s.lastRunAt);
      f.lastSuccessAt = latest(f.lastSuccessAt, s.lastSuccessAt);
      figures.set(s.trackingId, f);
    }
    const sql = new SqlStatement(manager);
    const values = ids
      .map((id) => {
        const f = figures.get(id) ?? { runs: 0, lastRunAt: null, lastSuccessAt: null };
        return `(${sql.bind(id, 'varchar')}, ${sql.bind(f.runs, 'integer')}, ${sql.date(f.lastRunAt)}, ${sql.date(f.lastSuccessAt)})`;
      })
      .join(', ');
    const cast = (v: string): string => (sql.postgres ? `CAST(${v} AS timestamptz)` : v);
    const rows = await sql.rows<{ id: string }>(
      `WITH v (id, runs, ran, ok) AS (VALUES ${values}) UPDATE "trackings" SET "status" = ${sql.bind(end.status)}, ` +
        `"endedAt" = ${sql.date(now)}, "stopReason" = ${sql.bind(end.reason.slice(0, 500))}, "runs" = v.runs, ` +
        `"lastRunAt" = ${cast('v.ran')}, "lastSuccessAt" = ${cast('v.ok')} ` +
        `FROM v WHERE "trackings"."id" = v.id AND "trackings"."status" = 'active' RETURNING "trackings"."id" AS id`,
    );
    const endedIds = rows.map((r) => r.id);
    if (!endedIds.length) return [];
    const del = new SqlStatement(manager);
    const gone = await del.rows<{ line: string }>(
      `DELETE FROM "tracking_lines" WHERE "trackingId" IN (${del.list(endedIds)}) RETURNING "line"`,
    );
    const counts = new Map<string, number>();
    for (const { line } of gone) counts.set(line, (counts.get(line) ?? 0) + 1);
    await this.linePolls.unsubscribe(manager, counts);
    return endedIds;
  }

  /**
   * The active trackings of a line a tick must look at: those past `startedBefore` (the maximum duration), or
   * all of them when `all` (the line is idle, the catalogue is due a check, credentials are refused).
   */
  async activeOfLine(line: string, startedBefore: Date, all: boolean): Promise<ActiveTracking[]> {
    const query = this.dataSource
      .getRepository(Tracking)
      .createQueryBuilder('t')
      .select(['t.id', 't.stopId', 't.startedAt'])
      .where('t.status = :active', { active: 'active' })
      .andWhere('t.id IN (SELECT tl."trackingId" FROM "tracking_lines" tl WHERE tl."line" = :line)', { line });
    if (!all) query.andWhere('t.startedAt < :startedBefore', { startedBefore });
    return query.getMany();
  }

  /** The stops the active trackings of a line watch, at most `limit` of them. */
  async trackedStopsOfLine(line: string, limit: number): Promise<number[]> {
    const rows = await this.dataSource
      .getRepository(Tracking)
      .createQueryBuilder('t')
      .select('DISTINCT t.stopId', 'stopId')
      .where('t.status = :active', { active: 'active' })
      .andWhere('t.id IN (SELECT tl."trackingId" FROM "tracking_lines" tl WHERE tl."line" = :line)', { line })
      .orderBy('t.stopId')
      .limit(limit)
      .getRawMany<{ stopId: number | string }>();
    return rows.map((r) => Number(r.stopId));
  }

  /** Active trackings started before a time, across all lines (the operator's cleanup). */
  activeStartedBefore(before: Date): Promise<ActiveTracking[]> {
    return this.dataSource.getRepository(Tracking).find({
      select: { id: true, stopId: true, startedAt: true },
      where: { status: 'active', startedAt: LessThan(before) },
    });
  }

  /**
   * Deletes up to `limit` trackings that ended before `before` (never an active one), in one transaction;
   * their subscriptions went when they ended. Returns how many it deleted.
   */
  deleteEndedBefore(before: Date, limit: number): Promise<number> {
    return this.writes.run(async () => {
      const ids = (
        await this.dataSource
          .getRepository(Tracking)
          .createQueryBuilder('t')
          .select('t.id', 'id')
          .where('t.status <> :active AND t."endedAt" < :before', { active: 'active', before })
          .limit(limit)
          .getRawMany<{ id: string }>()
      ).map((r) => r.id);
      if (!ids.length) return 0;
      const result = await this.dataSource
        .createQueryBuilder()
        .delete()
        .from(Tracking)
        .where('id IN (:...ids) AND status <> :active', { ids, active: 'active' })
        .execute();
      return result.affected ?? 0;
    });
  }

  /** Which of these trackings are no longer active (one query, however many). */
  async endedAmong(ids: readonly string[]): Promise<string[]> {
    if (!ids.length) return [];
    const active = new Set(
      (
        await this.dataSource
          .getRepository(Tracking)
          .find({ select: { id: true }, where: { id: In([...ids]), status: 'active' } })
      ).map((t) => t.id),
    );
    return ids.filter((id) => !active.has(id));
  }

  /** The subscriptions of these trackings, each with its line's figures. */
  async subscriptionsOf(
    ids: readonly string[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Subscription[]> {
    const found: Subscription[] = [];
    for (const part of chunks([...ids])) {
      const sql = new SqlStatement(manager);
      const rows = await sql.rows<Record<string, unknown>>(
        `SELECT tl."trackingId", tl."line", tl."fromSeq", tl."fromOutageMs", p."tickSeq", p."polling", ` +
          `p."nextTickAt", p."lastRunAt", p."lastSuccessAt", p."lastBusSeenAt", p."busesSeen", ` +
          `p."consecutiveFailures", p."lastError", p."unavailableSince", p."credentialsRefusedSince", ` +
          `p."outageMs", p."outageMsAtLastBus" ` +
          `FROM "tracking_lines" tl JOIN "line_polls" p ON p."line" = tl."line" WHERE tl."trackingId" IN (${sql.list(part)})`,
      );
      found.push(...rows.map(toSubscription));
    }
    return found;
  }
}

function toSubscription(r: Record<string, unknown>): Subscription {
  return {
    trackingId: String(r.trackingId),
    line: String(r.line),
    fromSeq: Number(r.fromSeq),
    fromOutageMs: Number(r.fromOutageMs),
    tickSeq: Number(r.tickSeq),
    polling: r.polling === true || r.polling === 1,
    nextTickAt: readDate(r.nextTickAt),
    lastRunAt: readDate(r.lastRunAt),
    lastSuccessAt: readDate(r.lastSuccessAt),
    lastBusSeenAt: readDate(r.lastBusSeenAt),
    busesSeen: Number(r.busesSeen),
    consecutiveFailures: Number(r.consecutiveFailures),
    lastError: (r.lastError as string | null) ?? null,
    unavailableSince: readDate(r.unavailableSince),
    credentialsRefusedSince: readDate(r.credentialsRefusedSince),
    outageMs: Number(r.outageMs),
    outageMsAtLastBus: Number(r.outageMsAtLastBus),
  };
}

const latest = (a: Date | null, b: Date | null): Date | null => (!a ? b : !b ? a : a > b ? a : b);

function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string };
  return driverError.code === '23505' || driverError.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

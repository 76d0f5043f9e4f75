import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { SqlStatement } from '../database/sql-statement';
import { LinePoll } from './entities/line-poll.entity';

/** What a tick records on its line as it claims its sequence number. */
export interface LineTickRecord {
  seq: number;
  nextTickAt: Date;
  ranAt: Date;
  /** Set when the poll brought data; null when the upstream failed. */
  success: { busesSeen: number } | null;
  /** Set when the poll failed: its message, and the time since the previous tick, which counts as outage. */
  failure: { message: string; credentials: boolean; outageMs: number } | null;
}

/**
 * Every write to `line_polls`: the chains of line ticks. The rules that make a chain exactly one live in
 * the conditions of these statements: a tick is claimed by moving `tickSeq` from n − 1 to n while the line
 * is polling; a chain ends only on the row itself, when it has no subscription left, so a start that
 * subscribes at the same moment either keeps it alive or finds it ended and starts it again (`activate`).
 */
@Injectable()
export class LinePollsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  find(line: string, manager: EntityManager = this.dataSource.manager): Promise<LinePoll | null> {
    return manager.findOneBy(LinePoll, { line });
  }

  findMany(lines: readonly string[], manager: EntityManager = this.dataSource.manager): Promise<LinePoll[]> {
    return lines.length ? manager.findBy(LinePoll, { line: In([...lines]) }) : Promise.resolve([]);
  }

  /** Lines whose chain runs or should run: polling, or with subscriptions. */
  async withWork(): Promise<LinePoll[]> {
    return this.dataSource
      .getRepository(LinePoll)
      .createQueryBuilder('p')
      .where('p.polling = :on OR p.subscriptions > 0', { on: true })
      .getMany();
  }

  /**
   * Adds one subscription to each line (creating its row the first time), inside the start's transaction;
   * returns each line's current tick sequence and outage time, from which the new tracking counts the ticks it
   * sees and its idle time.
   */
  async subscribe(
    manager: EntityManager,
    lines: readonly string[],
  ): Promise<Map<string, { tickSeq: number; outageMs: number }>> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(LinePoll)
      .values([...lines].sort().map((line) => ({ line })))
      .orIgnore()
      .execute();
    // One line at a time, in name order: concurrent starts and ends then lock the rows in the same order
    // and never deadlock.
    const found = new Map<string, { tickSeq: number; outageMs: number }>();
    for (const line of [...lines].sort()) {
      const sql = new SqlStatement(manager);
      const [row] = await sql.rows<{ tickSeq: number; outageMs: number }>(
        `UPDATE "line_polls" SET "subscriptions" = "subscriptions" + 1 WHERE "line" = ${sql.bind(line)} ` +
          `RETURNING "tickSeq", "outageMs"`,
      );
      if (row) found.set(line, { tickSeq: Number(row.tickSeq), outageMs: Number(row.outageMs) });
    }
    return found;
  }

  /** Takes away the subscriptions of ended trackings: `count` per line. */
  async unsubscribe(manager: EntityManager, counts: ReadonlyMap<string, number>): Promise<void> {
    for (const [line, n] of [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const sql = new SqlStatement(manager);
      await sql.rows(
        `UPDATE "line_polls" SET "subscriptions" = ${sql.greatest(`"subscriptions" - ${sql.bind(n, 'integer')}`, '0')} ` +
          `WHERE "line" = ${sql.bind(line)}`,
      );
    }
  }

  /**
   * Starts the chains of lines that have subscriptions and no chain: returns them with the tick to schedule
   * (the one after the last completed). A line whose chain runs is left alone: its next tick serves the new
   * subscription.
   */
  async activate(lines: readonly string[]): Promise<{ line: string; seq: number }[]> {
    if (!lines.length) return [];
    const sql = new SqlStatement(this.dataSource.manager);
    const rows = await sql.rows<{ line: string; tickSeq: number }>(
      `UPDATE "line_polls" SET "polling" = ${sql.bind(true, 'boolean')} WHERE "line" IN (${sql.list(lines)}) ` +
        `AND "polling" = ${sql.bind(false, 'boolean')} AND "subscriptions" > 0 RETURNING "line", "tickSeq"`,
    );
    return rows.map((r) => ({ line: r.line, seq: Number(r.tickSeq) + 1 }));
  }

  /** Claims tick `seq` of a polling line and records its outcome; false when it was not this tick's to take. */
  async claim(line: string, record: LineTickRecord): Promise<boolean> {
    const { success, failure } = record;
    const fields: Partial<LinePoll> = { tickSeq: record.seq, nextTickAt: record.nextTickAt, lastRunAt: record.ranAt };
    if (success) {
      Object.assign(fields, {
        lastSuccessAt: record.ranAt,
        busesSeen: success.busesSeen,
        consecutiveFailures: 0,
        lastError: null,
        unavailableSince: null,
        credentialsRefusedSince: null,
      });
    }
    const query = this.dataSource.createQueryBuilder().update(LinePoll);
    if (success?.busesSeen) {
      query.set({ ...fields, lastBusSeenAt: record.ranAt, outageMsAtLastBus: () => '"outageMs"' });
    } else if (failure) {
      query.set({
        ...fields,
        outageMs: () => `"outageMs" + ${Math.max(0, Math.round(failure.outageMs))}`,
        consecutiveFailures: () => '"consecutiveFailures" + 1',
        lastError: failure.message.slice(0, 500),
        unavailableSince: () => `COALESCE("unavailableSince", :ranAt)`,
        credentialsRefusedSince: failure.credentials ? () => `COALESCE("credentialsRefusedSince", :ranAt)` : null,
      });
    } else {
      query.set(fields);
    }
    const result = await query
      .where('line = :line AND "tickSeq" = :previous AND polling = :on', {
        line,
        previous: record.seq - 1,
        on: true,
        ranAt: record.ranAt,
      })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Ends the chain after tick `seq` if the line has no subscription left; true when it did. */
  async endChainIfUnused(line: string, seq: number): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(LinePoll)
      .set({ polling: false, nextTickAt: null })
      .where('line = :line AND "tickSeq" = :seq AND polling = :on AND subscriptions <= 0', { line, seq, on: true })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Stops a chain that has no subscription and no pending tick (the reconciler found it so). */
  async stopIdle(line: string): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(LinePoll)
      .set({ polling: false, nextTickAt: null })
      .where('line = :line AND polling = :on AND subscriptions <= 0', { line, on: true })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /**
   * Sets right the subscription count of every line whose count differs from its subscriptions (it cannot drift
   * through this repository's statements, which run in the transactions that add and remove subscriptions; a
   * hand-edited database can). Returns those lines.
   */
  async recountDrifted(): Promise<string[]> {
    const rows: { line: string }[] = await this.dataSource.query(
      `SELECT p."line" AS line FROM "line_polls" p LEFT JOIN (SELECT "line", COUNT(*) AS n FROM "tracking_lines" ` +
        `GROUP BY "line") c ON c."line" = p."line" WHERE p."subscriptions" <> COALESCE(c.n, 0) ` +
        `UNION SELECT c."line" FROM (SELECT DISTINCT "line" FROM "tracking_lines") c ` +
        `WHERE NOT EXISTS (SELECT 1 FROM "line_polls" p WHERE p."line" = c."line")`,
    );
    const lines = rows.map((r) => r.line);
    if (!lines.length) return [];
    await this.dataSource.manager
      .createQueryBuilder()
      .insert()
      .into(LinePoll)
      .values(lines.map((line) => ({ line })))
      .orIgnore()
      .execute();
    const sql = new SqlStatement(this.dataSource.manager);
    await sql.rows(
      `UPDATE "line_polls" SET "subscriptions" = (SELECT COUNT(*) FROM "tracking_lines" tl ` +
        `WHERE tl."line" = "line_polls"."line") WHERE "line" IN (${sql.list(lines)})`,
    );
    return lines;
  }
}

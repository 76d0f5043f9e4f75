import { EntityManager } from 'typeorm';
import { Tracking } from '../tracking/entities/tracking.entity';

/** A successful tick's outcome, recorded on its tracking as it claims its sequence number. */
export interface TickClaim {
  trackingId: string;
  seq: number;
  nextTickAt: Date;
  lastBusSeenAt: Date;
  busesSeen: number;
}

/**
 * Claims the sequence numbers of a batch of ticks in one statement: each tracking moves from tick seq − 1
 * to seq only if it is still active and nobody claimed seq before (a second run of a tick, a stray copy).
 * The same statement records the tick's outcome. Returns the trackings whose claim succeeded.
 *
 * One `UPDATE … FROM (VALUES …)` on both databases (SQLite ≥ 3.33 has UPDATE FROM, ≥ 3.35 RETURNING);
 * PostgreSQL needs the values' types spelled out.
 */
export async function claimTicks(manager: EntityManager, claims: TickClaim[], now: Date): Promise<Set<string>> {
  if (!claims.length) return new Set();
  const driver = manager.connection.driver;
  const metadata = manager.connection.getMetadata(Tracking);
  const column = (name: keyof Tracking) => metadata.findColumnWithPropertyName(name)!;
  const postgres = driver.options.type === 'postgres';
  const parameters: unknown[] = [];
  const bind = (value: unknown, type: string): string => {
    parameters.push(value);
    return postgres ? `CAST($${parameters.length} AS ${type})` : '?';
  };
  const date = (value: Date, name: keyof Tracking): string =>
    bind(driver.preparePersistentValue(value, column(name)), 'timestamptz');
  // SQLite binds `?` in the order they appear in the text: build the text in that order.
  const values = claims
    .map(
      (c) =>
        `(${bind(c.trackingId, 'varchar')}, ${bind(c.seq, 'integer')}, ${date(c.nextTickAt, 'nextTickAt')}, ` +
        `${date(c.lastBusSeenAt, 'lastBusSeenAt')}, ${bind(c.busesSeen, 'integer')})`,
    )
    .join(', ');
  const [ran, succeeded] = [date(now, 'lastRunAt'), date(now, 'lastSuccessAt')];
  const t = metadata.tableName;
  const raw: unknown = await manager.query(
    `WITH v (id, seq, next, seen, buses) AS (VALUES ${values}) ` +
      `UPDATE "${t}" SET "tickSeq" = v.seq, "nextTickAt" = v.next, "lastRunAt" = ${ran}, ` +
      `"lastSuccessAt" = ${succeeded}, "lastBusSeenAt" = v.seen, "runs" = "${t}"."runs" + 1, "busesSeen" = v.buses, ` +
      `"consecutiveFailures" = 0, "lastError" = NULL ` +
      `FROM v WHERE "${t}"."id" = v.id AND "${t}"."status" = 'active' AND "${t}"."tickSeq" = v.seq - 1 ` +
      `RETURNING "${t}"."id" AS id`,
    parameters,
  );
  // TypeORM hands back an UPDATE's rows as [rows, count] on PostgreSQL, as the rows on SQLite.
  const rows = (postgres ? (raw as [unknown[], number])[0] : raw) as { id: string }[];
  return new Set(rows.map((r) => r.id));
}

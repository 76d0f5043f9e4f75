import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { BusState } from './domain/bus-update';
import { BusTracking } from './entities/bus-tracking.entity';

/** What one tick writes: every bus its tracking shows now. */
export interface TrackingBuses {
  trackingId: string;
  buses: BusState[];
}

/** Rows per statement on SQLite: 19 parameters a row stays under its 32,766. */
const CHUNK = 1000;

/** Upsert target: a bus is one row per tracking. */
const BUS_IDENTITY = ['trackingId', 'company', 'busId'] as const;
/** Written on every tick (firstSeenAt only on insert, see STAMPED). */
const BUS_COLUMNS = [
  'line',
  'variantId',
  'destination',
  'latitude',
  'longitude',
  'distanceMeters',
  'speedKmh',
  'etaSeconds',
  'status',
  'passed',
  'missingCount',
  'positionsCount',
  'lastSeenAt',
  'lastFixAt',
] as const;
/** Set from the tick's time: refreshedAt on every write, firstSeenAt only when the row is new. */
const STAMPED = ['refreshedAt', 'firstSeenAt'] as const;
type Stored = (typeof BUS_IDENTITY)[number] | (typeof BUS_COLUMNS)[number];

/**
 * A bus's row, keyed by column, dates as ISO strings. Written out, not looped over column names: it runs
 * for every bus of every tick, and was the worker's costliest line when it copied objects and looked up
 * properties by name.
 */
function rowOf(trackingId: string, b: BusState): Record<Stored, unknown> {
  return {
    trackingId,
    company: b.company,
    busId: b.busId,
    line: b.line,
    variantId: b.variantId,
    destination: b.destination,
    latitude: b.latitude,
    longitude: b.longitude,
    distanceMeters: b.distanceMeters,
    speedKmh: b.speedKmh,
    etaSeconds: b.etaSeconds,
    status: b.status,
    passed: b.passed,
    missingCount: b.missingCount,
    positionsCount: b.positionsCount,
    lastSeenAt: b.lastSeenAt.toISOString(),
    lastFixAt: b.lastFixAt.toISOString(),
  };
}

/**
 * Stores what ticks computed, as the dashboard reads it: one row per bus and tracking. The statements do
 * not grow with the ticks or the buses: one multi-row upsert for every bus of every tracking in the batch
 * (per thousand rows on SQLite), then one delete of the rows those ticks no longer show (the buses that
 * left the list). Nothing is read: the history behind the figures lives with the line (LineTracks).
 */
@Injectable()
export class BusStateStore {
  async save(manager: EntityManager, ticks: TrackingBuses[], now: Date): Promise<void> {
    if (!ticks.length) return;
    const metadata = manager.connection.getMetadata(BusTracking);
    const column = (name: Stored | (typeof STAMPED)[number]): ColumnMetadata =>
      metadata.findColumnWithPropertyName(name)!;
    const stored = [...BUS_IDENTITY, ...BUS_COLUMNS].map(column);
    const driver = manager.connection.driver;
    const table = metadata.tableName;
    const postgres = driver.options.type === 'postgres';
    const quote = (name: string): string => `"${name}"`;
    const list = [...stored.map((c) => c.databaseName), ...STAMPED].map(quote).join(', ');
    const updates = [...BUS_COLUMNS, 'refreshedAt']
      .map((name) => `${quote(name)} = excluded.${quote(name)}`)
      .join(', ');
    const upsert = `ON CONFLICT (${BUS_IDENTITY.map(quote).join(', ')}) DO UPDATE SET ${updates}`;
    const rows = ticks.flatMap((t) => t.buses.map((bus) => rowOf(t.trackingId, bus)));
    const stamp: unknown = driver.preparePersistentValue(now, column('refreshedAt'));
    if (postgres) {
      // PostgreSQL: the rows travel as one JSON document that the server unpacks (json_to_recordset): far
      // less work for the worker than binding twenty parameters a row, and one statement whatever the number
      // of rows. The table's dates are timestamptz (see the migrations), whatever TypeORM calls a Date column.
      const type = (c: ColumnMetadata): string => (c.type === Date ? 'timestamptz' : driver.normalizeType(c));
      const fields = stored.map((c) => quote(c.databaseName)).join(', ');
      const types = stored.map((c) => `${quote(c.databaseName)} ${type(c)}`).join(', ');
      if (rows.length) {
        await manager.query(
          `INSERT INTO "${table}" (${list}) SELECT ${fields}, CAST($2 AS timestamptz), CAST($2 AS timestamptz) ` +
            `FROM json_to_recordset($1::json) AS x(${types}) ${upsert}`,
          [JSON.stringify(rows), now.toISOString()],
        );
      }
    } else {
      for (let start = 0; start < rows.length; start += CHUNK) {
        const chunk = rows.slice(start, start + CHUNK);
        const parameters: unknown[] = [];
        const tuples = chunk.map((row) => {
          for (const c of stored) {
            const value = row[c.propertyName as Stored];
            parameters.push(driver.preparePersistentValue(c.type === Date ? new Date(value as string) : value, c));
          }
          parameters.push(stamp, stamp);
          return `(${Array.from({ length: stored.length + 2 }, () => '?').join(', ')})`;
        });
        await manager.query(`INSERT INTO "${table}" (${list}) VALUES ${tuples.join(', ')} ${upsert}`, parameters);
      }
    }
    // Every row these ticks still show was just stamped with `now`; the others are buses that left.
    const ids = ticks.map((t) => t.trackingId);
    const placeholder = (i: number): string => (postgres ? `$${i + 1}` : '?');
    await manager.query(
      `DELETE FROM "${table}" WHERE "trackingId" IN (${ids.map((_, i) => placeholder(i)).join(', ')}) ` +
        `AND ("refreshedAt" IS NULL OR "refreshedAt" <> ${placeholder(ids.length)})`,
      [...ids, stamp],
    );
  }
}

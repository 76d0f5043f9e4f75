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

/**
 * The row's values under the columns' database names, dates as ISO strings: JSON.stringify turning Dates
 * into strings itself (toJSON) costs it three times as long, and it runs for every bus of every tick.
 */
function pick(row: object, columns: ColumnMetadata[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of columns) {
    const value = (row as Record<string, unknown>)[c.propertyName];
    out[c.databaseName] = value instanceof Date ? value.toISOString() : value;
  }
  return out;
}

/** Upsert target: a bus is one row per tracking. */
const BUS_IDENTITY = ['trackingId', 'company', 'busId'];
/** Written on every tick; firstSeenAt only when the row is new. */
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
  'refreshedAt',
] as const;
const INSERTED = [...BUS_IDENTITY, 'firstSeenAt', ...BUS_COLUMNS];

/**
 * Stores what ticks computed, as the dashboard reads it: one row per bus and tracking. The statements do
 * not grow with the ticks or the buses: one multi-row upsert for every bus of every tracking in the batch
 * (per thousand rows on SQLite), then one delete of the rows those ticks no longer show (the buses that left the
 * list). Nothing is read: the history behind the figures lives with the line (LineTracks).
 */
@Injectable()
export class BusStateStore {
  async save(manager: EntityManager, ticks: TrackingBuses[], now: Date): Promise<void> {
    if (!ticks.length) return;
    const metadata = manager.connection.getMetadata(BusTracking);
    const columns = INSERTED.map((name) => metadata.findColumnWithPropertyName(name)!);
    const driver = manager.connection.driver;
    const table = metadata.tableName;
    const postgres = driver.options.type === 'postgres';
    const quote = (c: ColumnMetadata): string => `"${c.databaseName}"`;
    const rows = ticks.flatMap((t) =>
      t.buses.map((bus) => ({ ...bus, trackingId: t.trackingId, firstSeenAt: now, refreshedAt: now })),
    );
    const placeholder = (i: number): string => (postgres ? `$${i + 1}` : '?');
    const conflict = BUS_IDENTITY.map((name) => `"${name}"`).join(', ');
    const updates = columns
      .filter((c) => (BUS_COLUMNS as readonly string[]).includes(c.propertyName))
      .map((c) => `${quote(c)} = excluded.${quote(c)}`)
      .join(', ');
    const upsert = `ON CONFLICT (${conflict}) DO UPDATE SET ${updates}`;
    const list = columns.map(quote).join(', ');
    if (postgres) {
      // PostgreSQL: the rows travel as one JSON document that the server unpacks (json_to_recordset).
      // Far less work for the worker than binding twenty parameters a row, and one statement whatever
      // the number of rows.
      // The table's dates are timestamptz (see the migrations), whatever TypeORM would call a Date column.
      const type = (c: ColumnMetadata): string => (c.type === Date ? 'timestamptz' : driver.normalizeType(c));
      const types = columns.map((c) => `${quote(c)} ${type(c)}`).join(', ');
      await manager.query(
        `INSERT INTO "${table}" (${list}) SELECT ${list} FROM json_to_recordset($1::json) AS x(${types}) ${upsert}`,
        [JSON.stringify(rows.map((row) => pick(row, columns)))],
      );
    } else {
      for (let start = 0; start < rows.length; start += CHUNK) {
        const chunk = rows.slice(start, start + CHUNK);
        const parameters: unknown[] = [];
        const tuples = chunk.map((row) => {
          const marks = columns.map((column) => {
            parameters.push(
              driver.preparePersistentValue((row as Record<string, unknown>)[column.propertyName], column),
            );
            return '?';
          });
          return `(${marks.join(', ')})`;
        });
        await manager.query(`INSERT INTO "${table}" (${list}) VALUES ${tuples.join(', ')} ${upsert}`, parameters);
      }
    }
    // Every row these ticks still show was just stamped with `now`; the others are buses that left.
    const refreshed = metadata.findColumnWithPropertyName('refreshedAt')!;
    const ids = ticks.map((t) => t.trackingId);
    const stamp: unknown = driver.preparePersistentValue(now, refreshed);
    await manager.query(
      `DELETE FROM "${table}" WHERE "trackingId" IN (${ids.map((_, i) => placeholder(i)).join(', ')}) ` +
        `AND ("refreshedAt" IS NULL OR "refreshedAt" <> ${placeholder(ids.length)})`,
      [...ids, stamp],
    );
  }
}

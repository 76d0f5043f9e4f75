import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableForeignKey } from 'typeorm';

/**
 * The first schema: catalogue (stops, variants, variant stop sequences) and tracking state
 * (trackings, the buses each one sees, their last positions). Written once for both databases;
 * only the timestamp type differs (timestamptz keeps instants exact on PostgreSQL).
 */
export class InitialSchema1764200000000 implements MigrationInterface {
  name = 'InitialSchema1764200000000';

  async up(q: QueryRunner): Promise<void> {
    const isPostgres = q.connection.options.type === 'postgres';
    const ts = (name: string, nullable = false): TableColumnOptions => ({
      name,
      type: isPostgres ? 'timestamptz' : 'datetime',
      isNullable: nullable,
    });
    const real = (name: string, nullable = false): TableColumnOptions => ({
      name,
      type: 'double precision',
      isNullable: nullable,
    });
    const int = (name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
      name,
      type: 'integer',
      ...extra,
    });
    const str = (name: string, length: number, nullable = false): TableColumnOptions => ({
      name,
      type: 'varchar',
      length: String(length),
      isNullable: nullable,
    });
    const serial: TableColumnOptions = {
      name: 'id',
      type: 'integer',
      isPrimary: true,
      isGenerated: true,
      generationStrategy: 'increment',
    };

    await q.createTable(
      new Table({
        name: 'bus_stops',
        columns: [
          int('id', { isPrimary: true }),
          str('street1', 120, true),
          str('street2', 120, true),
          str('searchText', 260),
          real('latitude'),
          real('longitude'),
        ],
        indices: [{ name: 'idx_bus_stops_lat_lon', columnNames: ['latitude', 'longitude'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'line_variants',
        columns: [
          int('id', { isPrimary: true }),
          str('line', 20),
          int('lineId'),
          str('origin', 120),
          str('destination', 120),
          str('subline', 200),
          { name: 'special', type: 'boolean' },
        ],
        indices: [{ name: 'idx_line_variants_line', columnNames: ['line'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'variant_stops',
        columns: [int('variantId', { isPrimary: true }), int('position', { isPrimary: true }), int('stopId')],
        indices: [{ name: 'idx_variant_stops_stop', columnNames: ['stopId'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'trackings',
        columns: [
          { ...str('id', 36), isPrimary: true },
          int('stopId'),
          { name: 'lines', type: 'text' },
          { name: 'variantIds', type: 'text' },
          str('activeKey', 400, true),
          str('status', 16),
          ts('startedAt'),
          ts('endedAt', true),
          str('stopReason', 500, true),
          int('tickSeq', { default: 0 }),
          ts('nextTickAt'),
          ts('lastRunAt', true),
          ts('lastSuccessAt', true),
          ts('lastBusSeenAt'),
          int('runs', { default: 0 }),
          int('busesSeen', { default: 0 }),
          int('consecutiveFailures', { default: 0 }),
          str('lastError', 500, true),
        ],
        indices: [
          { name: 'idx_trackings_status', columnNames: ['status'] },
          { name: 'uq_trackings_active_key', columnNames: ['activeKey'], isUnique: true },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'bus_trackings',
        columns: [
          serial,
          str('trackingId', 36),
          str('company', 40),
          int('busId'),
          str('line', 20),
          int('variantId'),
          str('destination', 120),
          real('latitude'),
          real('longitude'),
          real('distanceMeters'),
          real('speedKmh', true),
          real('etaSeconds', true),
          str('status', 16),
          { name: 'passed', type: 'boolean', default: false },
          int('missingCount', { default: 0 }),
          int('positionsCount', { default: 0 }),
          ts('firstSeenAt'),
          ts('lastSeenAt'),
          ts('lastFixAt'),
        ],
        indices: [{ name: 'uq_bus_trackings_bus', columnNames: ['trackingId', 'company', 'busId'], isUnique: true }],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_bus_trackings_tracking',
            columnNames: ['trackingId'],
            referencedTableName: 'trackings',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'bus_positions',
        columns: [
          serial,
          int('busTrackingId'),
          real('latitude'),
          real('longitude'),
          real('distanceMeters'),
          ts('fixAt'),
        ],
        indices: [{ name: 'idx_bus_positions_bus_fix', columnNames: ['busTrackingId', 'fixAt'] }],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_bus_positions_bus_tracking',
            columnNames: ['busTrackingId'],
            referencedTableName: 'bus_trackings',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'bus_positions',
      'bus_trackings',
      'trackings',
      'variant_stops',
      'line_variants',
      'bus_stops',
    ]) {
      await q.dropTable(table);
    }
  }
}

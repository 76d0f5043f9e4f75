import { MigrationInterface, QueryRunner, Table, TableForeignKey } from 'typeorm';

/**
 * Positions keyed by tracking + bus instead of by bus row, so a tick writes all its fixes in one
 * statement. Positions are a rolling 30-fix history rebuilt within a minute of ticking, so the old
 * table is dropped rather than converted.
 */
export class PositionsKeyedByBus1764300000000 implements MigrationInterface {
  name = 'PositionsKeyedByBus1764300000000';

  async up(q: QueryRunner): Promise<void> {
    const isPostgres = q.connection.options.type === 'postgres';
    await q.dropTable('bus_positions');
    await q.createTable(
      new Table({
        name: 'bus_positions',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'trackingId', type: 'varchar', length: '36' },
          { name: 'busKey', type: 'varchar', length: '60' },
          { name: 'latitude', type: 'double precision' },
          { name: 'longitude', type: 'double precision' },
          { name: 'distanceMeters', type: 'double precision' },
          { name: 'fixAt', type: isPostgres ? 'timestamptz' : 'datetime' },
        ],
        indices: [{ name: 'idx_bus_positions_tracking_bus_fix', columnNames: ['trackingId', 'busKey', 'fixAt'] }],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_bus_positions_tracking',
            columnNames: ['trackingId'],
            referencedTableName: 'trackings',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
    // The dashboard reads a tracking's buses seen lately, nearest first.
    await q.query(`CREATE INDEX "idx_bus_trackings_dashboard" ON "bus_trackings" ("trackingId", "lastSeenAt")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "idx_bus_trackings_dashboard"`);
    await q.dropTable('bus_positions');
    await q.createTable(
      new Table({
        name: 'bus_positions',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'busTrackingId', type: 'integer' },
          { name: 'latitude', type: 'double precision' },
          { name: 'longitude', type: 'double precision' },
          { name: 'distanceMeters', type: 'double precision' },
          { name: 'fixAt', type: q.connection.options.type === 'postgres' ? 'timestamptz' : 'datetime' },
        ],
        indices: [{ name: 'idx_bus_positions_bus_fix', columnNames: ['busTrackingId', 'fixAt'] }],
      }),
    );
  }
}
